"""Deterministic rows for every table of a database, generated from its own catalog.

Each column gets a value computed in SQL from the row number ``g`` and its type
(text ``'c<attnum>-<g>'``, integers ``g``, timestamps ``2026-01-01 + g minutes``,
enums cycling through their labels, ...), so a table of 10,000 rows is one
``INSERT … SELECT … FROM generate_series`` and the same seed gives the same rows
on every run.  Foreign keys reference the parent's rows (tables are seeded
parents first); a table the seeder cannot satisfy is skipped and reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

_COLUMNS = """
SELECT c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), t.typname,
       t.typtype, t.typcategory, et.typname, et.typtype, format_type(et.oid, NULL),
       a.attnotnull, a.attidentity, a.attgenerated
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
  AND NOT c.relispartition
ORDER BY c.relname, a.attnum
"""

_FOREIGN_KEYS = """
SELECT c.relname, r.relname,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
             ORDER BY k.o),
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
             ORDER BY k.o)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_class r ON r.oid = con.confrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND n.nspname = %s
ORDER BY c.relname, con.conname
"""

_KEYS = """
SELECT c.relname,
       ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n
             ORDER BY k.o)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND (i.indisprimary OR (i.indisunique AND i.indexprs IS NULL))
ORDER BY c.relname, i.indisprimary DESC, i.indexrelid
"""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    attnum: int
    sql_type: str
    typname: str
    typtype: str
    category: str
    elem_typname: str | None
    elem_typtype: str | None
    elem_sql_type: str | None
    not_null: bool
    generated: bool


@dataclass(frozen=True, slots=True)
class ForeignKey:
    parent: str
    columns: tuple[str, ...]
    parent_columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: The primary key (or first unique key); rows are matched on it after migrating.
    key: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeedResult:
    #: table → rows seeded.
    rows: dict[str, int]
    #: table → why it was not seeded.
    skipped: dict[str, str] = field(default_factory=dict)
    specs: dict[str, TableSpec] = field(default_factory=dict)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_specs(conn: psycopg.Connection[tuple[object, ...]], schema: str) -> dict[str, TableSpec]:
    columns: dict[str, list[Column]] = {}
    for row in conn.execute(_COLUMNS, (schema,)).fetchall():
        (table, name, attnum, sql_type, typname, typtype, category, etyp, etyptype, esql,
         not_null, identity, generated) = row
        columns.setdefault(str(table), []).append(Column(
            str(name), int(str(attnum)), str(sql_type), str(typname), str(typtype),
            str(category), None if etyp is None else str(etyp),
            None if etyptype is None else str(etyptype), None if esql is None else str(esql),
            bool(not_null), identity == "a" or bool(generated)))
    fks: dict[str, list[ForeignKey]] = {}
    for table, parent, cols, pcols in conn.execute(_FOREIGN_KEYS, (schema,)).fetchall():
        fks.setdefault(str(table), []).append(
            ForeignKey(str(parent), tuple(cols), tuple(pcols)))  # type: ignore[arg-type]
    keys: dict[str, tuple[str, ...]] = {}
    for table, cols in conn.execute(_KEYS, (schema,)).fetchall():
        keys.setdefault(str(table), tuple(cols))  # type: ignore[arg-type]
    return {
        t: TableSpec(t, tuple(cols), tuple(fks.get(t, ())),
                     keys.get(t, tuple(c.name for c in cols)))
        for t, cols in sorted(columns.items())
    }


def value_expr(column: Column, g: str) -> str | None:
    """SQL computing ``column``'s value for row ``g`` (an SQL integer expression)."""
    if column.category == "A":
        if column.elem_typname is None:
            return None
        element = _scalar(column.elem_typname, column.elem_typtype or "b",
                          column.elem_sql_type or column.elem_typname, column.attnum, g)
        return None if element is None else f"(ARRAY[{element}])::{column.sql_type}"
    return _scalar(column.typname, column.typtype, column.sql_type, column.attnum, g)


def _scalar(typname: str, typtype: str, sql_type: str, attnum: int, g: str) -> str | None:
    if typtype == "e":
        labels = f"enum_range(NULL::{sql_type})"
        return f"({labels})[1 + ({g}) % cardinality({labels})]"
    expr = {
        "text": f"'c{attnum}-' || ({g})", "varchar": f"'c{attnum}-' || ({g})",
        "bpchar": f"'c{attnum}-' || ({g})", "citext": f"'c{attnum}-' || ({g})",
        "name": f"'c{attnum}-' || ({g})",
        "int2": f"(({g}) % 30000)", "int4": f"({g})", "int8": f"(({g})::int8 * 7)",
        "numeric": f"(({g}) * 1.5)", "float4": f"(({g}) * 0.25)", "float8": f"(({g}) * 0.25)",
        "bool": f"(({g}) % 2 = 0)",
        "timestamp": f"(timestamp '2026-01-01 00:00:00' + ({g}) * interval '1 minute')",
        "timestamptz": f"(timestamptz '2026-01-01 00:00:00+00' + ({g}) * interval '1 minute')",
        "date": f"(date '2026-01-01' + ({g}))",
        "time": f"(time '00:00' + ({g}) * interval '1 second')",
        "interval": f"(({g}) * interval '1 second')",
        "json": f"json_build_object('seed', {g})", "jsonb": f"jsonb_build_object('seed', {g})",
        "uuid": f"md5('seed' || ({g}))::uuid",
        "bytea": f"convert_to('seed' || ({g}), 'UTF8')",
        "inet": f"('10.' || (({g}) / 62500 % 250) || '.' || (({g}) / 250 % 250) || '.' || "
                f"(({g}) % 250 + 1))::inet",
    }.get(typname)
    return None if expr is None else f"({expr})::{sql_type}"


def seed(conn: psycopg.Connection[tuple[object, ...]], schema: str, *, rows: int,
         table_rows: Mapping[str, int]) -> SeedResult:
    """Insert deterministic rows into every table of ``schema``, parents first."""
    import psycopg

    from nemoctl.db import redact_text

    specs = read_specs(conn, schema)
    counts = {t: int(table_rows.get(t, rows)) for t in specs}
    seeded: dict[str, int] = {}
    skipped: dict[str, str] = {}
    exprs: dict[str, dict[str, str]] = {}
    for table in _parents_first(specs):
        spec = specs[table]
        n = counts[table]
        if n == 0:
            continue
        values, why = _row_exprs(spec, exprs, seeded, "g")
        if why is not None:
            skipped[table] = why
            continue
        names = ", ".join(quote(c) for c in values)
        select = ", ".join(values.values())
        statement = (f"INSERT INTO {quote(schema)}.{quote(table)} ({names}) "
                     f"SELECT {select} FROM generate_series(1, {n}) AS s(g)")
        try:
            conn.execute(statement.encode("utf-8"))
        except psycopg.Error as exc:
            skipped[table] = redact_text(" ".join(str(exc).split())[:200])
            continue
        seeded[table] = n
        exprs[table] = values
    return SeedResult(seeded, skipped, specs)


def _row_exprs(spec: TableSpec, exprs: dict[str, dict[str, str]], seeded: dict[str, int],
               g: str) -> tuple[dict[str, str], str | None]:
    values: dict[str, str] = {}
    for column in spec.columns:
        if column.generated:
            continue
        expr = value_expr(column, g)
        if expr is None:
            if column.not_null:
                return {}, f"cannot generate a value of type {column.sql_type} ({column.name})"
            continue
        values[column.name] = expr
    for fk in spec.foreign_keys:
        if fk.parent == spec.name:
            parent_values: dict[str, str] | None = values
            wrap = g
        elif fk.parent in seeded:
            parent_values = exprs[fk.parent]
            wrap = f"((({g}) - 1) % {seeded[fk.parent]} + 1)"
        else:
            parent_values = None
            wrap = g
        for col, pcol in zip(fk.columns, fk.parent_columns, strict=True):
            column = next(c for c in spec.columns if c.name == col)
            if parent_values is None or pcol not in parent_values:
                if column.not_null:
                    return {}, f"references {fk.parent}, which could not be seeded"
                values.pop(col, None)
                continue
            if fk.parent == spec.name:
                if column.not_null:
                    values[col] = parent_values[pcol]
                else:
                    values.pop(col, None)
                continue
            parent_expr = parent_values[pcol].replace("(g)", f"({wrap})")
            values[col] = f"({parent_expr})::{column.sql_type}"
    return values, None


def _parents_first(specs: Mapping[str, TableSpec]) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(table: str) -> None:
        if state.get(table) == 2 or table not in specs:
            return
        if state.get(table) == 1:
            return  # a cycle: the later table's FK falls back to NULL or a skip
        state[table] = 1
        for fk in specs[table].foreign_keys:
            if fk.parent != table:
                visit(fk.parent)
        state[table] = 2
        order.append(table)

    for table in sorted(specs):
        visit(table)
    return order


def snapshot(conn: psycopg.Connection[tuple[object, ...]], schema: str, table: str,
             columns: tuple[str, ...], key: tuple[str, ...]) -> dict[tuple[str, ...],
                                                                     tuple[str | None, ...]]:
    """key values → column values (as text), for every row of ``table``."""
    wanted = ", ".join(f"{quote(c)}::text" for c in (*key, *columns))
    rows = conn.execute(f"SELECT {wanted} FROM {quote(schema)}.{quote(table)}".encode()).fetchall()
    k = len(key)
    return {tuple(str(v) for v in row[:k]): tuple(None if v is None else str(v)
                                                  for v in row[k:]) for row in rows}
