"""Compare a parsed Prisma schema with a live PostgreSQL schema.

The expected column types are those Prisma's PostgreSQL connector creates when a
field has no native-type attribute (``@db.*``).  nemoctl's schema model is built
from Prisma's DMMF, which does not carry native types, so a field declared with
``@db.VarChar(255)`` is expected as ``text``; a compatible variant like that is a
``WARN`` (``DB_COLUMN_TYPE_VARIANT``), never silently accepted.  LiteLLM's schema
uses no native types.  On a sacred field every deviation is an ``ERR``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from nemoctl.db.introspect import LiveColumn, LiveSchema
from nemoctl.db.report import DbFinding, DbReport, SacredState, SacredStatus
from nemoctl.findings.severity import Severity
from nemoctl.schema.model import Field, Model, Schema

#: Prisma scalar → (udt_name, readable type) without ``@db.*``.
SCALAR_UDT: dict[str, tuple[str, str]] = {
    "String": ("text", "text"),
    "Int": ("int4", "integer"),
    "BigInt": ("int8", "bigint"),
    "Float": ("float8", "double precision"),
    "Decimal": ("numeric", "numeric(65,30)"),
    "Boolean": ("bool", "boolean"),
    "DateTime": ("timestamp", "timestamp(3) without time zone"),
    "Json": ("jsonb", "jsonb"),
    "Bytes": ("bytea", "bytea"),
}

#: Other column types a Prisma field of that scalar may map to with a ``@db.*``
#: attribute: the client type is the same, the storage differs.  Anything else is
#: incompatible (a narrower integer for a ``BigInt`` is *not* a variant).
COMPATIBLE_UDT: dict[str, frozenset[str]] = {
    "String": frozenset({"varchar", "bpchar", "uuid", "citext", "xml", "inet", "bit", "varbit"}),
    "Int": frozenset({"int2", "oid"}),
    "BigInt": frozenset(),
    "Float": frozenset({"float4"}),
    "Decimal": frozenset({"money"}),
    "Boolean": frozenset(),
    "DateTime": frozenset({"timestamptz", "date", "time", "timetz"}),
    "Json": frozenset({"json"}),
    "Bytes": frozenset(),
}

_DATETIME_PRECISION = 3
_DECIMAL_PRECISION = (65, 30)
#: Prisma's own bookkeeping table; expected, never reported.
_PRISMA_TABLES = frozenset({"_prisma_migrations"})

#: ``(model, field)``, or ``(model, field, declared Prisma type)`` as in sacred_fields.toml.
SacredKey = tuple[str, str] | tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _Expected:
    udt: str
    display: str
    nullable: bool | None  # None: not checked (Prisma list columns are nullable)


def expected_column(schema: Schema, field: Field) -> _Expected:
    """The PostgreSQL type and nullability Prisma gives ``field``."""
    if field.kind == "enum":
        enum = schema.enum(field.type)
        udt = (enum.db_name or enum.name) if enum else field.type
        display = udt
    else:
        udt, display = SCALAR_UDT[field.type]
    if field.is_list:
        return _Expected("_" + udt, f"{display}[]", None)
    return _Expected(udt, display, not field.is_required)


def verify(
    schema: Schema,
    live: LiveSchema,
    *,
    target: str,
    schema_source: str,
    sacred: Collection[SacredKey] = (),
    migrations_applied: int | None = None,
    migrations_source: str | None = None,
) -> DbReport:
    """Every model's table and every scalar field's column, with type and nullability."""
    declared: dict[tuple[str, str], str | None] = {
        (k[0], k[1]): (k[2] if len(k) == 3 else None) for k in sacred
    }
    sacred_keys = set(declared)
    findings: list[DbFinding] = _check_sacred_declarations(schema, declared)
    columns_checked = 0
    for model in schema.models:
        table = live.table(model.table)
        if table is None:
            findings.append(_table_missing(model, sacred_keys))
            continue
        for field in model.scalar_fields:
            columns_checked += 1
            findings.extend(_check_field(schema, model, field, table.column(field.column),
                                         (model.name, field.name) in sacred_keys))
        known = {f.column for f in model.scalar_fields}
        for column in table.columns:
            if column.name not in known:
                findings.append(_extra_column(model, column))
    modelled = {m.table for m in schema.models}
    for table in live.tables:
        if table.name not in modelled and table.name not in _PRISMA_TABLES:
            findings.append(
                DbFinding("DB_TABLE_EXTRA", "INFO",
                          f"table {table.name!r} is not in the schema", table=table.name)
            )
    findings.extend(_check_enums(schema, live))
    findings.sort(key=DbFinding.sort_key)
    return DbReport(
        target=target,
        schema_source=schema_source,
        schema_sha256=schema.sha256,
        namespace=live.namespace,
        models_checked=len(schema.models),
        columns_checked=columns_checked,
        findings=tuple(findings),
        sacred=_sacred_status(schema, sacred_keys, findings),
        migrations_applied=migrations_applied,
        migrations_source=migrations_source,
    )


def _check_sacred_declarations(
    schema: Schema, declared: dict[tuple[str, str], str | None]
) -> list[DbFinding]:
    """A sacred field the schema lacks, or declares with another type, breaks the gateway
    whatever the database holds."""
    out: list[DbFinding] = []
    for (model_name, field_name), want in sorted(declared.items()):
        model = schema.model(model_name)
        field = model.field(field_name) if model else None
        if model is None or field is None:
            out.append(DbFinding(
                "DB_SACRED_NOT_IN_SCHEMA", "ERR",
                f"sacred field {model_name}.{field_name} is not in the schema",
                table=model.table if model else model_name, model=model_name, field=field_name,
                expected=want, sacred=True,
            ))
        elif want is not None and field.prisma_type != want:
            out.append(DbFinding(
                "DB_SACRED_TYPE_CHANGED", "ERR",
                f"sacred field {model_name}.{field_name} is {field.prisma_type} in the schema, "
                f"declared {want}",
                table=model.table, column=field.column, model=model_name, field=field_name,
                expected=want, actual=field.prisma_type, sacred=True,
            ))
    return out


def _table_missing(model: Model, sacred: set[tuple[str, str]]) -> DbFinding:
    lost = [f.name for f in model.scalar_fields if (model.name, f.name) in sacred]
    message = f"table {model.table!r} for model {model.name} is missing"
    if lost:
        message += f" (sacred fields: {', '.join(lost)})"
    return DbFinding("DB_TABLE_MISSING", "ERR", message, table=model.table, model=model.name,
                     sacred=bool(lost))


def _check_field(
    schema: Schema, model: Model, field: Field, column: LiveColumn | None, sacred: bool
) -> list[DbFinding]:
    expected = expected_column(schema, field)
    want = expected.display + ("" if expected.nullable in (None, True) else " NOT NULL")

    def finding(rule: str, severity: Severity, message: str, actual: str | None) -> DbFinding:
        return DbFinding(
            rule, "ERR" if sacred else severity,
            f"{model.name}.{field.name} ({field.prisma_type}): {message}",
            table=model.table, column=field.column, model=model.name, field=field.name,
            expected=want, actual=actual, sacred=sacred,
        )

    if column is None:
        return [finding("DB_COLUMN_MISSING", "ERR",
                        f"column {model.table}.{field.column} is missing", None)]
    have = column.display_type + ("" if column.nullable else " NOT NULL")
    out: list[DbFinding] = []
    type_problem = _type_problem(field, expected, column)
    if type_problem is not None:
        severity, text = type_problem
        rule = "DB_COLUMN_TYPE" if severity == "ERR" else "DB_COLUMN_TYPE_VARIANT"
        out.append(finding(rule, severity, text, have))
    if expected.nullable is not None and expected.nullable != column.nullable:
        text = (
            "column allows NULL but the field is required (reads of a NULL row fail)"
            if column.nullable
            else "column is NOT NULL but the field is optional (writes of null fail)"
        )
        out.append(finding("DB_COLUMN_NULLABILITY", "ERR", text, have))
    return out


def _type_problem(
    field: Field, expected: _Expected, column: LiveColumn
) -> tuple[Severity, str] | None:
    actual = column.udt_name
    if actual == expected.udt:
        if field.type == "DateTime" and not field.is_list and (
            column.datetime_precision not in (None, _DATETIME_PRECISION)
        ):
            return "WARN", f"timestamp precision {column.datetime_precision}, Prisma uses 3"
        if field.type == "Decimal" and not field.is_list and (
            (column.numeric_precision, column.numeric_scale) not in ((None, None),
                                                                      _DECIMAL_PRECISION)
        ):
            return "WARN", f"type {column.display_type}, Prisma uses numeric(65,30)"
        return None
    is_array = actual.startswith("_")
    base = actual.removeprefix("_") if is_array else actual
    if field.kind == "scalar" and is_array == field.is_list and (
        base in COMPATIBLE_UDT.get(field.type, frozenset())
    ):
        return "WARN", f"type {column.display_type} is a variant of {expected.display}"
    return "ERR", f"type {column.display_type} is incompatible with {expected.display}"


def _extra_column(model: Model, column: LiveColumn) -> DbFinding:
    # A NOT NULL column without a default breaks every insert the Prisma client makes.
    if not column.nullable and column.default is None:
        return DbFinding(
            "DB_COLUMN_EXTRA_REQUIRED", "WARN",
            f"column {model.table}.{column.name} is not in the schema and is NOT NULL without "
            "a default (inserts through Prisma will fail)",
            table=model.table, column=column.name, model=model.name,
            actual=column.display_type + " NOT NULL",
        )
    return DbFinding(
        "DB_COLUMN_EXTRA", "INFO", f"column {model.table}.{column.name} is not in the schema",
        table=model.table, column=column.name, model=model.name, actual=column.display_type,
    )


def _check_enums(schema: Schema, live: LiveSchema) -> list[DbFinding]:
    out: list[DbFinding] = []
    for enum in schema.enums:
        name = enum.db_name or enum.name
        labels = live.enums.get(name)
        if labels is None:
            out.append(DbFinding("DB_ENUM_MISSING", "ERR", f"enum type {name!r} is missing",
                                 table=name))
            continue
        for value in enum.values:
            if value.stored not in labels:
                out.append(DbFinding(
                    "DB_ENUM_VALUE_MISSING", "ERR",
                    f"enum {name!r} lacks value {value.stored!r}", table=name, column=value.stored,
                ))
        wanted = {v.stored for v in enum.values}
        for label in labels:
            if label not in wanted:
                out.append(DbFinding("DB_ENUM_VALUE_EXTRA", "INFO",
                                     f"enum {name!r} has value {label!r} not in the schema",
                                     table=name, column=label))
    return out


def _sacred_status(
    schema: Schema, sacred: set[tuple[str, str]], findings: list[DbFinding]
) -> tuple[SacredStatus, ...]:
    out: list[SacredStatus] = []
    for model_name, field_name in sorted(sacred):
        model = schema.model(model_name)
        field = model.field(field_name) if model else None
        if model is None or field is None:
            out.append(SacredStatus(model_name, field_name, "not-in-schema",
                                    detail="the schema has no such field"))
            continue
        mine = [f for f in findings if f.sacred and (
            f.model == model_name and f.field in (field_name, None))]
        state: SacredState = "ok"
        if any(f.rule_id in ("DB_TABLE_MISSING", "DB_COLUMN_MISSING") for f in mine):
            state = "missing"
        elif mine:
            state = "mismatch"
        out.append(SacredStatus(
            model_name, field_name, state, table=model.table, column=field.column,
            detail="; ".join(f.message for f in mine) or None,
        ))
    return tuple(out)
