"""The named diff rules, in the manner of ``buf breaking`` / ``oasdiff``.

Each rule is one small unit: a spec in the findings registry (ID, default severity,
summary, rationale, fix; surface ``schema``) and a ``detect(old, new)`` that yields
:class:`Finding` s.  A rule looks at one kind of change only; the engine
(:mod:`nemoctl.diff.engine`) runs them all, applies re-levelled severities, sacred
fields and acknowledgements.  ``docs/rules.md`` (generated) lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from nemoctl.diff.report import Subject
from nemoctl.diff.rule_examples import EXAMPLES
from nemoctl.findings.severity import Severity
from nemoctl.findings.spec import RuleSpec, SpecView, register
from nemoctl.schema.model import Enum, Field, Index, Model, Schema


@dataclass(frozen=True, slots=True)
class Finding:
    model: str
    field: str
    before: str
    after: str
    message: str


Detect = Callable[[Schema, Schema], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule(SpecView):
    """A schema rule: its spec in the findings registry, and its detector."""

    spec: RuleSpec
    subject: Subject
    detect: Detect


#: The schema surface's rules, in the order the engine runs them.
RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, subject: Subject, rationale: str, *,
         summary: str, fix: str) -> Callable[[Detect], Detect]:
    def add(detect: Detect) -> Detect:
        spec = register(RuleSpec(rule_id, "schema", severity, summary, rationale, fix,
                                 example=EXAMPLES[rule_id], group=subject))
        RULES[rule_id] = Rule(spec, subject, detect)
        return detect

    return add


# --- shared walkers -----------------------------------------------------------------


def _common_models(old: Schema, new: Schema) -> Iterator[tuple[Model, Model]]:
    for before in old.models:
        after = new.model(before.name)
        if after is not None:
            yield before, after


def _common_fields(old: Schema, new: Schema) -> Iterator[tuple[Model, Field, Field]]:
    for m_old, m_new in _common_models(old, new):
        for f_old in m_old.fields:
            f_new = m_new.field(f_old.name)
            if f_new is not None:
                yield m_new, f_old, f_new


def _removed_fields(m_old: Model, m_new: Model) -> list[Field]:
    return [f for f in m_old.fields if m_new.field(f.name) is None]


def _added_fields(m_old: Model, m_new: Model) -> list[Field]:
    return [f for f in m_new.fields if m_old.field(f.name) is None]


def _common_enums(old: Schema, new: Schema) -> Iterator[tuple[Enum, Enum]]:
    for before in old.enums:
        after = new.enum(before.name)
        if after is not None:
            yield before, after


def _cols(index: Index) -> str:
    return ", ".join(index.fields)


# --- models ------------------------------------------------------------------------


@rule("MODEL_REMOVED", "ERR", "model",
      "The table is gone: every read or write of it fails.",
      summary='A model (table) is gone from the schema.',
      fix=("Move every reader and writer off the table before upgrading (export its data if you "
           "need it), then acknowledge; or stay on the pin."))
def _model_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m in old.models:
        if new.model(m.name) is None:
            table = f" (table {m.table})" if m.table != m.name else ""
            yield Finding(m.name, "", m.table, "", f"model {m.name}{table} removed")


@rule("MODEL_ADDED", "INFO", "model", "New tables break nothing that exists.",
      summary='A new model (table) appears.',
      fix='Nothing to do; regenerate the types to use it.')
def _model_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for m in new.models:
        if old.model(m.name) is None:
            table = f"table {m.table}, " if m.table != m.name else ""
            yield Finding(m.name, "", "", m.table,
                          f"model {m.name} ({table}{len(m.fields)} fields) added")


@rule("TABLE_RENAMED", "ERR", "model",
      "@@map changed: raw SQL and any reader of the old table name break.",
      summary="A model's database table name (@@map) changed.",
      fix=("Move raw SQL, views and other services to the new table name in the same change, then"
           " acknowledge."))
def _table_renamed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        if m_old.table != m_new.table:
            yield Finding(m_new.name, "", m_old.table, m_new.table,
                          f"model {m_new.name}: table name {m_old.table} → {m_new.table}")


# --- fields ------------------------------------------------------------------------


@rule("FIELD_REMOVED", "ERR", "field",
      "A column the product may read or write is gone.",
      summary='A field (column) is gone from a model.',
      fix=("Stop reading and writing the column (the usage map lists where), copy its data if "
           "needed, then acknowledge; mark it sacred if billing depends on it."))
def _field_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        for f in _removed_fields(m_old, m_new):
            if not f.is_relation:
                yield Finding(m_new.name, f.name, f.prisma_type, "",
                              f"{m_new.name}.{f.name} ({f.prisma_type}) removed")


@rule("FIELD_ADDED_REQUIRED", "ERR", "field",
      "A required field without a default makes every existing insert fail.",
      summary='A required field without a default was added.',
      fix='Make every writer of the table set the new field before the upgrade, then acknowledge.')
def _field_added_required(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        for f in _added_fields(m_old, m_new):
            if _insert_needs_value(f):
                yield Finding(m_new.name, f.name, "", f.prisma_type,
                              f"{m_new.name}.{f.name} ({f.prisma_type}) added: required, "
                              "no default")


@rule("FIELD_ADDED", "INFO", "field",
      "An optional or defaulted field breaks no existing reader or writer.",
      summary='An optional or defaulted field was added.',
      fix='Nothing to do; regenerate the types to use it.')
def _field_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        for f in _added_fields(m_old, m_new):
            if not f.is_relation and not _insert_needs_value(f):
                extra = f" default {default_text(f)}" if f.default else ""
                yield Finding(m_new.name, f.name, "", f.prisma_type,
                              f"{m_new.name}.{f.name} ({f.prisma_type}{extra}) added")


def _insert_needs_value(f: Field) -> bool:
    return (not f.is_relation and f.is_required and not f.is_list and f.default is None
            and not f.is_updated_at)


@rule("FIELD_TYPE_CHANGED", "ERR", "field",
      "Values of the old type no longer fit: readers and writers break.",
      summary="A field's type changed.",
      fix=("Update readers and writers to the new type (the regenerated models show it), then "
           "acknowledge."))
def _field_type_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if a.type != b.type:
            yield Finding(m.name, b.name, a.type, b.type,
                          f"{m.name}.{b.name}: type {a.type} → {b.type}")


@rule("FIELD_BECAME_REQUIRED", "ERR", "field",
      "Optional → required: existing NULLs and inserts that omit it fail.",
      summary='An optional field became required.',
      fix='Backfill NULLs and make every insert set the field, then acknowledge.')
def _field_became_required(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if not a.is_list and not b.is_list and not a.is_required and b.is_required:
            yield Finding(m.name, b.name, a.prisma_type, b.prisma_type,
                          f"{m.name}.{b.name}: optional → required "
                          f"({a.prisma_type} → {b.prisma_type})")


@rule("FIELD_BECAME_OPTIONAL", "ERR", "field",
      "Required → optional: readers that expect a value now get NULL.",
      summary='A required field became optional.',
      fix=("Handle NULL in every reader (the regenerated types make it Optional), then "
           "acknowledge."))
def _field_became_optional(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if not a.is_list and not b.is_list and a.is_required and not b.is_required:
            yield Finding(m.name, b.name, a.prisma_type, b.prisma_type,
                          f"{m.name}.{b.name}: required → optional "
                          f"({a.prisma_type} → {b.prisma_type})")


@rule("FIELD_LIST_CHANGED", "ERR", "field",
      "List ↔ scalar changes the column's shape for every reader and writer.",
      summary='A field changed between list and scalar.',
      fix='Update readers and writers to the new shape, then acknowledge.')
def _field_list_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if a.is_list != b.is_list:
            yield Finding(m.name, b.name, a.prisma_type, b.prisma_type,
                          f"{m.name}.{b.name}: {'list → scalar' if a.is_list else 'scalar → list'}"
                          f" ({a.prisma_type} → {b.prisma_type})")


@rule("COLUMN_RENAMED", "ERR", "field",
      "@map changed: the database column has a new name; raw SQL and readers break.",
      summary="A field's database column name (@map) changed.",
      fix='Move raw SQL and readers to the new column name in the same change, then acknowledge.')
def _column_renamed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if not a.is_relation and a.column != b.column:
            yield Finding(m.name, b.name, a.column, b.column,
                          f"{m.name}.{b.name}: column name {a.column} → {b.column}")


def default_text(f: Field) -> str:
    """The default as comparable text; Prisma gives BigInt/Decimal literals as strings."""
    d = f.default
    if d is None:
        return ""
    if d.function is None and f.type in ("BigInt", "Decimal") and isinstance(d.value, str):
        try:
            number = float(d.value)
        except ValueError:
            return d.render()
        return str(int(number)) if number.is_integer() else repr(number)
    return d.render()


@rule("DEFAULT_CHANGED", "WARN", "field",
      "Rows written without this field now get a different value.",
      summary="A field's default value changed.",
      fix=("Check that rows written without the field still get a value you expect; set it "
           "explicitly if not."))
def _default_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if a.default is not None and b.default is not None:
            before, after = default_text(a), default_text(b)
            if before != after:
                yield Finding(m.name, b.name, before, after,
                              f"{m.name}.{b.name}: default {before} → {after}")


@rule("DEFAULT_REMOVED", "WARN", "field",
      "Inserts that relied on the default must now supply a value.",
      summary='A field lost its default value.',
      fix='Make every insert that relied on the default supply a value.')
def _default_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if a.default is not None and b.default is None:
            before = default_text(a)
            yield Finding(m.name, b.name, before, "",
                          f"{m.name}.{b.name}: default {before} removed")


@rule("DEFAULT_ADDED", "INFO", "field", "A new default breaks no existing writer.",
      summary='A field gained a default value.',
      fix='Nothing to do.')
def _default_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if a.default is None and b.default is not None:
            after = default_text(b)
            yield Finding(m.name, b.name, "", after, f"{m.name}.{b.name}: default {after} added")


@rule("POSSIBLE_RENAME", "INFO", "field",
      "One field removed and one of the same type added in a model: maybe a rename.",
      summary='A field was removed and one of the same type added: maybe a rename.',
      fix='Read the release notes; if it is a rename, move readers to the new name.')
def _possible_rename(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        removed = [f for f in _removed_fields(m_old, m_new) if not f.is_relation]
        added = [f for f in _added_fields(m_old, m_new) if not f.is_relation]
        if len(removed) == 1 and len(added) == 1 and (
            removed[0].prisma_type == added[0].prisma_type
        ):
            a, b = removed[0], added[0]
            yield Finding(m_new.name, a.name, a.name, b.name,
                          f"{m_new.name}.{a.name} may have been renamed to {b.name} "
                          f"(both {a.prisma_type})")


# --- relations -----------------------------------------------------------------------


def _relation_side(f: Field) -> str:
    return f"{f.prisma_type} {_relation_text(f)}".strip()


def _relation_text(f: Field) -> str:
    r = f.relation
    if r is None or not r.from_fields:
        return ""
    text = f"fields: [{', '.join(r.from_fields)}], references: [{', '.join(r.to_fields)}]"
    return text + (f", onDelete: {r.on_delete}" if r.on_delete else "")


@rule("RELATION_REMOVED", "WARN", "field",
      "Client code that follows or includes this relation breaks (columns are unchanged).",
      summary='A relation field is gone (columns unchanged).',
      fix='Stop following or including the relation in client code, then acknowledge.')
def _relation_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        for f in _removed_fields(m_old, m_new):
            if f.is_relation:
                yield Finding(m_new.name, f.name, _relation_side(f), "",
                              f"{m_new.name}.{f.name}: relation to {f.type} removed")


@rule("RELATION_ADDED", "INFO", "field", "A new relation breaks nothing that exists.",
      summary='A relation field appears.',
      fix='Nothing to do.')
def _relation_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        for f in _added_fields(m_old, m_new):
            if f.is_relation:
                yield Finding(m_new.name, f.name, "", _relation_side(f),
                              f"{m_new.name}.{f.name}: relation to {f.type} added")


@rule("RELATION_CHANGED", "WARN", "field",
      "Keys or referential action changed: joins and deletes behave differently.",
      summary="A relation's keys or referential action changed.",
      fix='Check joins and deletes that depend on the old keys or ON DELETE behaviour.')
def _relation_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m, a, b in _common_fields(old, new):
        if a.is_relation and b.is_relation and a.type == b.type:
            before, after = _relation_text(a), _relation_text(b)
            if before != after:
                yield Finding(m.name, b.name, before, after,
                              f"{m.name}.{b.name}: relation @relation({before}) → "
                              f"@relation({after})")


# --- ids, uniques, indexes -------------------------------------------------------------


@rule("PRIMARY_KEY_CHANGED", "ERR", "index",
      "The row identity changed: lookups, upserts and foreign keys break.",
      summary="A model's primary key changed.",
      fix='Update lookups, upserts and foreign keys to the new key, then acknowledge.')
def _primary_key_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        a, b = ", ".join(m_old.primary_key), ", ".join(m_new.primary_key)
        if a != b:
            yield Finding(m_new.name, b or a, a, b,
                          f"model {m_new.name}: primary key ({a}) → ({b})")


def _indexes(m: Model, kinds: tuple[str, ...]) -> dict[tuple[str, ...], Index]:
    return {i.fields: i for i in m.indexes if i.kind in kinds}


@rule("UNIQUE_REMOVED", "ERR", "index",
      "findUnique/upsert on these fields break, and duplicates become possible.",
      summary='A unique constraint was removed.',
      fix=("Replace upserts and ON CONFLICT clauses that target it, and handle duplicates, then "
           "acknowledge."))
def _unique_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        after = _indexes(m_new, ("unique",))
        for cols, index in _indexes(m_old, ("unique",)).items():
            if cols not in after:
                yield Finding(m_new.name, _cols(index), _cols(index), "",
                              f"model {m_new.name}: unique ({_cols(index)}) removed")


@rule("UNIQUE_ADDED", "WARN", "index",
      "Existing duplicates make the migration fail; duplicate inserts now fail.",
      summary='A unique constraint was added.',
      fix='Remove existing duplicates before migrating; handle unique violations in writers.')
def _unique_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        before = _indexes(m_old, ("unique",))
        for cols, index in _indexes(m_new, ("unique",)).items():
            if cols not in before:
                yield Finding(m_new.name, _cols(index), "", _cols(index),
                              f"model {m_new.name}: unique ({_cols(index)}) added")


@rule("INDEX_REMOVED", "INFO", "index", "Only performance changes; no reader or writer breaks.",
      summary='An index was removed.',
      fix='Check the queries it served for performance; nothing breaks.')
def _index_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        after = _indexes(m_new, ("normal", "fulltext"))
        for cols, index in _indexes(m_old, ("normal", "fulltext")).items():
            if cols not in after:
                yield Finding(m_new.name, _cols(index), _cols(index), "",
                              f"model {m_new.name}: index ({_cols(index)}) removed")


@rule("INDEX_ADDED", "INFO", "index", "Only performance changes; no reader or writer breaks.",
      summary='An index was added.',
      fix='Nothing to do (large tables: expect the migration to take a while).')
def _index_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for m_old, m_new in _common_models(old, new):
        before = _indexes(m_old, ("normal", "fulltext"))
        for cols, index in _indexes(m_new, ("normal", "fulltext")).items():
            if cols not in before:
                yield Finding(m_new.name, _cols(index), "", _cols(index),
                              f"model {m_new.name}: index ({_cols(index)}) added")


@rule("INDEX_CHANGED", "INFO", "index",
      "Same columns, new constraint name or method: migrations rebuild it; nothing breaks.",
      summary='An index changed name or method on the same columns.',
      fix='Nothing to do.')
def _index_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    kinds = ("unique", "normal", "fulltext")
    for m_old, m_new in _common_models(old, new):
        after = _indexes(m_new, kinds)
        for cols, a in _indexes(m_old, kinds).items():
            b = after.get(cols)
            if b is None or b.kind != a.kind:
                continue
            before_text = f"{a.db_name or '-'} {a.algorithm or 'BTree'}"
            after_text = f"{b.db_name or '-'} {b.algorithm or 'BTree'}"
            if before_text != after_text:
                yield Finding(m_new.name, _cols(a), before_text, after_text,
                              f"model {m_new.name}: {a.kind} index ({_cols(a)}) "
                              f"{before_text} → {after_text}")


# --- enums ---------------------------------------------------------------------------


@rule("ENUM_REMOVED", "ERR", "enum", "Columns and code using the enum type break.",
      summary='An enum type is gone.',
      fix='Move columns and code off the enum type, then acknowledge.')
def _enum_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for e in old.enums:
        if new.enum(e.name) is None:
            yield Finding(e.name, "", e.name, "", f"enum {e.name} removed")


@rule("ENUM_ADDED", "INFO", "enum", "A new enum type breaks nothing that exists.",
      summary='An enum type appears.',
      fix='Nothing to do.')
def _enum_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for e in new.enums:
        if old.enum(e.name) is None:
            names = [v.name for v in e.values]
            values = ", ".join(names[:5]) + (f", … {len(names) - 5} more" if len(names) > 5 else "")
            yield Finding(e.name, "", "", e.name, f"enum {e.name} ({values}) added")


@rule("ENUM_VALUE_REMOVED", "ERR", "enum_value",
      "Stored rows with this value no longer read; writers using it fail.",
      summary='An enum value is gone.',
      fix='Migrate stored rows off the value and stop writing it, then acknowledge.')
def _enum_value_removed(old: Schema, new: Schema) -> Iterator[Finding]:
    for a, b in _common_enums(old, new):
        names = {v.name for v in b.values}
        for v in a.values:
            if v.name not in names:
                yield Finding(a.name, v.name, v.name, "", f"enum {a.name}: value {v.name} removed")


@rule("ENUM_VALUE_ADDED", "WARN", "enum_value",
      "Readers with an exhaustive match meet a value they do not know.",
      summary='An enum gained a value.',
      fix='Make exhaustive matches over the enum handle the new value.')
def _enum_value_added(old: Schema, new: Schema) -> Iterator[Finding]:
    for a, b in _common_enums(old, new):
        names = {v.name for v in a.values}
        for v in b.values:
            if v.name not in names:
                yield Finding(b.name, v.name, "", v.name, f"enum {b.name}: value {v.name} added")


@rule("ENUM_DB_NAME_CHANGED", "ERR", "enum_value",
      "@map/@@map on an enum changed: the stored values or type name differ.",
      summary="An enum's database name (@map/@@map) changed.",
      fix='Update raw SQL that names the type or its stored values, then acknowledge.')
def _enum_db_name_changed(old: Schema, new: Schema) -> Iterator[Finding]:
    for a, b in _common_enums(old, new):
        if (a.db_name or a.name) != (b.db_name or b.name):
            yield Finding(b.name, "", a.db_name or a.name, b.db_name or b.name,
                          f"enum {b.name}: database name {a.db_name or a.name} → "
                          f"{b.db_name or b.name}")
        stored = {v.name: v.stored for v in a.values}
        for v in b.values:
            if v.name in stored and stored[v.name] != v.stored:
                yield Finding(b.name, v.name, stored[v.name], v.stored,
                              f"enum {b.name}: value {v.name} stored as {stored[v.name]} → "
                              f"{v.stored}")
