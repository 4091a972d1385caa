"""The migration gate's named rules: ID, default severity, rationale and fix.

Statement rules are small functions over one :class:`Action` of one statement, in
the manner of squawk's rules; drift, live-database and rehearsal rules are
registered here too (so every ID, severity and rationale lives in one registry,
re-levelable through ``[tool.nemoctl.migrations] rules``) and emitted by their own
modules.  ``docs/migrations.md`` lists them; a test keeps that list and this
registry in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from nemoctl.findings.finding import fingerprint
from nemoctl.findings.severity import SEVERITIES, Severity
from nemoctl.findings.spec import RuleSpec, SpecView, current_id, register
from nemoctl.migrations.locks import blocks_writes
from nemoctl.migrations.report import Finding
from nemoctl.migrations.rule_docs import DOCS
from nemoctl.migrations.statements import Action, Statement


@dataclass(frozen=True, slots=True)
class Context:
    """What a statement rule may know beyond the statement itself."""

    #: Tables that did not exist before this upgrade (created by an earlier pending
    #: statement, followed through renames).
    new_tables: frozenset[str]
    #: Tables treated as large (configured, or over the live size thresholds).
    large_tables: frozenset[str]
    #: The migration has more than one top-level statement (Prisma runs it as one
    #: transaction).
    multi_statement: bool
    #: Live size labels per table (``~48.2 M rows, 31.0 GB``), with --database-url.
    sizes: Mapping[str, str] = field(default_factory=dict)

    def existing(self, table: str) -> bool:
        return bool(table) and table not in self.new_tables


@dataclass(frozen=True, slots=True)
class Hit:
    message: str
    table: str = ""
    column: str = ""


Check = Callable[[Statement, Action, Context], Iterator[Hit]]


@dataclass(frozen=True, slots=True)
class Rule(SpecView):
    """A migration rule: its spec in the findings registry (group ``statement``,
    ``drift``, ``live``, ``rehearsal`` or ``cross-check``), and its check if it has one."""

    spec: RuleSpec
    #: Statement rules have a check; drift/live/rehearsal rules are emitted elsewhere.
    check: Check | None = None


#: The migration surface's rules, in the order the gate runs them.
RULES: dict[str, Rule] = {}


def _spec(rule_id: str, severity: Severity, group: str, rationale: str, fix: str,
          formerly: tuple[str, ...]) -> RuleSpec:
    summary, example = DOCS[rule_id]
    return register(RuleSpec(rule_id, "migrations", severity, summary, rationale, fix,
                             example=example, group=group, formerly=formerly))


def rule(rule_id: str, severity: Severity, rationale: str, fix: str, *,
         formerly: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    def add(check: Check) -> Check:
        RULES[rule_id] = Rule(_spec(rule_id, severity, "statement", rationale, fix, formerly),
                              check)
        return check

    return add


def declare(rule_id: str, severity: Severity, group: str, rationale: str, fix: str) -> None:
    RULES[rule_id] = Rule(_spec(rule_id, severity, group, rationale, fix, ()))


#: Actions that rename or remove something a reader of the shared database may use.
BREAKING_OPS = frozenset({"rename_table", "rename_column", "drop_table", "drop_column",
                          "alter_type"})


# --- renames and removals ------------------------------------------------------------


@rule("SQL_TABLE_RENAMED", "ERR",
      "Every query of the old table name fails: raw SQL, views, other services on the "
      "shared database.",
      "Move every reader to the new name (or a view under the old name) in the same "
      "release, then acknowledge.", formerly=("TABLE_RENAMED",))
def _table_renamed(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "rename_table":
        yield Hit(f"table {a.table} renamed to {a.new_name}", a.table)


@rule("SQL_COLUMN_RENAMED", "ERR",
      "Every query naming the old column fails.",
      "Move every reader to the new column name in the same release, then acknowledge.",
      formerly=("COLUMN_RENAMED",))
def _column_renamed(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "rename_column":
        yield Hit(f"column {a.table}.{a.column} renamed to {a.new_name}", a.table, a.column)


@rule("TABLE_DROPPED", "ERR", "The table and its data are gone.",
      "Export what you need first; make sure nothing reads the table, then acknowledge.")
def _table_dropped(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "drop_table":
        yield Hit(f"table {a.table} dropped", a.table)


@rule("COLUMN_DROPPED", "ERR", "The column and its data are gone.",
      "Stop reading the column before the upgrade; copy its data if you need it.")
def _column_dropped(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "drop_column":
        yield Hit(f"column {a.table}.{a.column} dropped", a.table, a.column)


@rule("COLUMN_TYPE_CHANGED", "ERR",
      "ALTER COLUMN TYPE rewrites the table under ACCESS EXCLUSIVE (unless the types are "
      "binary-coercible) and changes what readers get back.",
      "Check every reader copes with the new type; schedule the rewrite for a quiet window.")
def _type_changed(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "alter_type":
        yield Hit(f"column {a.table}.{a.column} changes type to {a.new_name} "
                  "(table rewrite under ACCESS EXCLUSIVE)", a.table, a.column)


# --- locks and rewrites ----------------------------------------------------------------


@rule("SET_NOT_NULL", "WARN",
      "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE, and fails if any row "
      "holds NULL.",
      "Backfill NULLs first; on a big table add a NOT VALID CHECK (col IS NOT NULL) and "
      "VALIDATE it before SET NOT NULL.")
def _set_not_null(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "set_not_null" and ctx.existing(a.table):
        yield Hit(f"{a.table}.{a.column} SET NOT NULL (full scan under ACCESS EXCLUSIVE)",
                  a.table, a.column)


@rule("ADD_COLUMN_VOLATILE_DEFAULT", "WARN",
      "A volatile default (random(), gen_random_uuid(), a sequence, an identity or "
      "generated column) makes PostgreSQL rewrite the table under ACCESS EXCLUSIVE.",
      "Add the column without a default, backfill in batches, then set the default.")
def _volatile_default(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "add_column" and "volatile_default" in a.flags and ctx.existing(a.table):
        yield Hit(f"{a.table} ADD COLUMN {a.column} with a volatile default "
                  "(table rewrite under ACCESS EXCLUSIVE)", a.table, a.column)


@rule("ADD_COLUMN_REQUIRED_NO_DEFAULT", "ERR",
      "ADD COLUMN … NOT NULL without a default fails on a table that has rows, and every "
      "existing writer that does not set the column fails afterwards.",
      "Make every writer set the column; the migration itself needs a default to apply.")
def _required_no_default(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if (a.op == "add_column" and "not_null" in a.flags and "has_default" not in a.flags
            and "volatile_default" not in a.flags and ctx.existing(a.table)):
        yield Hit(f"{a.table} ADD COLUMN {a.column} NOT NULL without a default", a.table,
                  a.column)


@rule("INDEX_NOT_CONCURRENT", "WARN",
      "CREATE INDEX without CONCURRENTLY holds a SHARE lock for the whole build: every "
      "INSERT, UPDATE and DELETE on the table waits.",
      "On a busy table build the index CONCURRENTLY before the upgrade under the same "
      "name (the migration's IF NOT EXISTS then skips it).")
def _index_not_concurrent(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "create_index" and "concurrent" not in a.flags and ctx.existing(a.table) \
            and not stmt.deferred:
        yield Hit(f"CREATE INDEX {a.column} on {a.table} without CONCURRENTLY "
                  "(blocks writes for the build)", a.table)


@rule("CONSTRAINT_VALIDATION_LOCK", "WARN",
      "Adding a FOREIGN KEY, CHECK or UNIQUE constraint without NOT VALID scans the table "
      "while holding a lock that blocks writes.",
      "Add it NOT VALID, then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: writes continue).")
def _constraint_validation(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if (a.op in ("add_foreign_key", "add_check", "add_unique") and a.scan
            and ctx.existing(a.table) and not stmt.deferred):
        yield Hit(f"{a.table}: {a.op.removeprefix('add_').replace('_', ' ')} {a.column} "
                  f"validated under {a.lock}", a.table)


@rule("LOCK_ON_LARGE_TABLE", "WARN",
      "Even a metadata-only change needs its lock: it waits behind every running query "
      "on the table, and every query after it waits behind it.",
      "Run the upgrade with a lock_timeout and retries, in a quiet window.")
def _lock_on_large(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if (a.table in ctx.large_tables and a.lock is not None and blocks_writes(a.lock)
            and not stmt.deferred and not (a.rewrite or a.scan)):
        yield Hit(f"{a.lock} on large table {a.table}{_size(ctx, a.table)}: {_describe(a)}",
                  a.table, a.column)


@rule("LONG_LOCK_ON_LARGE_TABLE", "ERR",
      "A rewrite, scan or index build on a large table holds a write-blocking lock for "
      "minutes to hours.",
      "Do the work ahead of the upgrade online (CONCURRENTLY / NOT VALID + VALIDATE / "
      "batched backfill), or plan downtime.")
def _long_lock_on_large(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if (a.table in ctx.large_tables and a.lock is not None and blocks_writes(a.lock)
            and not stmt.deferred and (a.rewrite or a.scan)):
        what = "rewrite" if a.rewrite else "full scan"
        yield Hit(f"{a.lock} on large table {a.table}{_size(ctx, a.table)} for a {what}: "
                  f"{_describe(a)}", a.table, a.column)


# --- data ----------------------------------------------------------------------------


@rule("DATA_DELETED", "ERR", "Rows of an existing table are deleted by the migration.",
      "Back up the rows first; confirm nothing of yours depends on them.")
def _data_deleted(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op in ("delete", "truncate") and ctx.existing(a.table) and not stmt.deferred:
        scope = "every row" if "all_rows" in a.flags else "rows"
        yield Hit(f"{a.op.upper()} removes {scope} of {a.table}", a.table)


@rule("DATA_UPDATED", "WARN",
      "An UPDATE of an existing table rewrites rows in place: values change and the "
      "table's rows are locked while it runs.",
      "Check the new values are what your readers expect.")
def _data_updated(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "update" and ctx.existing(a.table) and not stmt.deferred:
        scope = " (every row)" if "all_rows" in a.flags else ""
        yield Hit(f"UPDATE sets {a.table}.{a.column}{scope}", a.table, a.column)


@rule("TRIGGER_CHANGED", "WARN",
      "A trigger fires on every write to the table, including your own services' writes "
      "on a shared database.",
      "Check what the trigger function does and that your writers can afford it.")
def _trigger_changed(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "create_trigger" and ctx.existing(a.table):
        yield Hit(f"trigger {a.column} on {a.table} runs {a.new_name}() on every write",
                  a.table)


# --- how the file runs ----------------------------------------------------------------


@rule("CONCURRENT_INDEX_IN_TRANSACTION", "ERR",
      "CREATE INDEX CONCURRENTLY cannot run inside a transaction block; Prisma runs a "
      "multi-statement migration (and a DO block) as one, so the migration fails.",
      "Report it upstream; a migration with CONCURRENTLY must be its only statement.")
def _concurrent_in_txn(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op in ("create_index", "drop_index") and "concurrent" in a.flags and (
            ctx.multi_statement or stmt.context != "top"):
        yield Hit(f"{a.op.replace('_', ' ').upper()} CONCURRENTLY in a migration that runs "
                  "as one transaction", a.table)


@rule("DYNAMIC_SQL", "WARN",
      "EXECUTE of a string builds SQL at run time; nothing can tell statically what it does.",
      "Read the statement; rehearse the upgrade (--rehearse) to see its effect.")
def _dynamic_sql(stmt: Statement, a: Action, ctx: Context) -> Iterator[Hit]:
    if a.op == "dynamic_sql" and not stmt.deferred:
        yield Hit("dynamic SQL (EXECUTE) inside a DO block")


def _size(ctx: Context, table: str) -> str:
    size = ctx.sizes.get(table)
    return f" ({size})" if size else ""


def _describe(a: Action) -> str:
    text = a.op.replace("_", " ").upper()
    if a.column:
        text += f" {a.column}"
    if a.new_name:
        text += f" {a.new_name}"
    return text


# --- emitted by other modules -----------------------------------------------------------

declare("UNPARSABLE_SQL", "ERR", "statement",
        "PostgreSQL's parser rejects the statement: the migration will fail to apply.",
        "Report it upstream; do not upgrade to this release.")
declare("WORK_OUTSIDE_MIGRATION", "WARN", "statement",
        "The migration runs nothing (SELECT 1); its work moved to a helper that runs after "
        "migrate deploy, so the schema is not complete when migrations finish.",
        "Make sure your deployment runs that helper (its comment names it).")
declare("MIGRATION_EDITED", "ERR", "drift",
        "A migration already applied by the old version has different content in the new "
        "one; Prisma records a checksum per applied migration and reports the mismatch.",
        "Compare the two files; never run migrate resolve without understanding the change.")
declare("MIGRATION_MISSING", "ERR", "drift",
        "A migration of the old version is absent from the new one; databases that applied "
        "it no longer match a database built from scratch.",
        "Find out upstream where its effect went before upgrading.")
declare("MIGRATION_OUT_OF_ORDER", "WARN", "drift",
        "A new migration sorts before one already applied: an upgraded database applies it "
        "last, a new database applies it in the middle, so the two may differ.",
        "Rehearse the upgrade (--rehearse) and compare with the new schema.")
declare("MIGRATION_FAILED", "ERR", "live",
        "_prisma_migrations records a failed migration; Prisma refuses to deploy (P3009) "
        "until it is resolved.",
        "Inspect the failure, fix the database, then `prisma migrate resolve`.")
declare("MIGRATION_CHECKSUM_MISMATCH", "ERR", "live",
        "The database applied a migration whose content differs from the file of the same "
        "name in the new release.",
        "Compare the applied SQL with the release's file before upgrading.")
declare("MIGRATION_UNKNOWN", "WARN", "live",
        "The database applied a migration the new release does not ship (a newer release "
        "or a hand-made migration).",
        "Check whether the database was migrated by a newer LiteLLM.")
declare("SACRED_FIELD_TOUCHED", "ERR", "cross-check",
        "A statement renames, drops, retypes or rewrites a sacred field (or its table).",
        "Sacred fields cannot be acknowledged: stay on the pin, or change the sacred entry "
        "with its owner.")
declare("USED_OBJECT_CHANGED", "ERR", "cross-check",
        "A table or column this project's code uses is renamed, dropped or retyped.",
        "Update the code at the listed lines in the same change, then acknowledge.")
declare("REHEARSAL_MIGRATION_FAILED", "ERR", "rehearsal",
        "The migration failed on a database holding seeded rows.",
        "Read the error; the same failure would stop LiteLLM at startup.")
declare("REHEARSAL_ROWS_LOST", "ERR", "rehearsal",
        "Seeded rows are gone after the migrations ran: data loss.",
        "Read the migration that removes them; back up before upgrading.")
declare("REHEARSAL_TABLE_LOST", "ERR", "rehearsal",
        "A seeded table is gone after the migrations ran, with its rows.",
        "Read the migration that drops it; back up before upgrading.")
declare("REHEARSAL_COLUMN_LOST", "ERR", "rehearsal",
        "A seeded column is gone after the migrations ran, with its values.",
        "Read the migration that drops it; copy the data before upgrading.")
declare("REHEARSAL_VALUES_CHANGED", "WARN", "rehearsal",
        "Seeded values read back differently after the migrations (a type change or an "
        "UPDATE); on a sacred field this is ERR.",
        "Check readers cope with the new values.")
declare("REHEARSAL_SCHEMA_MISMATCH", "WARN", "rehearsal",
        "After the migrations the database does not match the new release's schema "
        "(as `db verify` reports it).",
        "See `nemoctl db verify --migrations VERSION` for the details.")
declare("REHEARSAL_SEED_SKIPPED", "INFO", "rehearsal",
        "A table could not be seeded (a constraint or type the seeder cannot satisfy); its "
        "data is not checked.",
        "Seed it by hand in a copy of production and rehearse there.")


def statement_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.check is not None]


def _own_id(given: str) -> str | None:
    """The migration rule ``given`` names: its ID, a retired ID, or a former one."""
    rule_id = current_id(given)
    if rule_id in RULES:
        return rule_id
    # A former ID (TABLE_RENAMED, which the schema diff still uses) means ours here.
    return next((r.id for r in RULES.values() if given in r.spec.formerly), None)


def resolve_severities(overrides: dict[str, str]) -> dict[str, Severity]:
    """The registry's severities with ``[tool.nemoctl.migrations] rules`` applied."""
    from nemoctl.errors import ConfigError

    result: dict[str, Severity] = {rid: r.severity for rid, r in RULES.items()}
    for given, severity in overrides.items():
        rule_id = _own_id(given)
        if rule_id is None:
            raise ConfigError(f"[tool.nemoctl.migrations] rules: unknown rule {given!r} "
                              "(`nemoctl rules --surface migrations` lists them)")
        if severity not in SEVERITIES:
            raise ConfigError(f"[tool.nemoctl.migrations] rules: {given} = {severity!r} "
                              "must be ERR, WARN or INFO")
        result[rule_id] = severity  # type: ignore[assignment]
    return result


def make_finding(rule_id: str, severities: dict[str, Severity], migration: str, line: int,
                 message: str, *, table: str = "", column: str = "",
                 detail: str = "") -> Finding:
    """A finding of ``rule_id`` at its applied severity.

    The fingerprint hashes what the finding *is* (rule, migration, table, column,
    detail), never the message, so rewording never invalidates an acknowledgement.
    """
    r = RULES[rule_id]
    severity = severities.get(rule_id, r.severity)
    return Finding(
        rule_id=rule_id,
        severity=severity,
        default_severity=r.severity,
        message=message,
        fingerprint=fingerprint(r.spec.fingerprint_id, migration, table, column, detail),
        migration=migration,
        line=line,
        table=table,
        column=column,
        fix=r.fix,
        relevelled="" if severity == r.severity else
        f"{r.severity} → {severity}: [tool.nemoctl.migrations] rules",
    )
