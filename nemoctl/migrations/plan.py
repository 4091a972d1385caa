"""Plan an upgrade's migrations: which ones run, what each statement does, what it finds.

    report = plan(old_set, new_set, policy=policy)             # static: new minus old
    report = plan(old_set, new_set, live=read_live(url, ...))  # pending per the database

The pending set is the new release's migrations minus those already applied: by
the old release's list (static), or by the database's own ``_prisma_migrations``
(live).  Every pending statement is analysed (:mod:`.statements`) and checked by
the named rules (:mod:`.rules`); drift between the releases (:mod:`.drift`) and the
cross-checks (sacred fields, the project's own uses) are added; severities are
re-levelled and acknowledgements applied as the schema diff does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from nemoctl.config.migrations import Policy
from nemoctl.db.migrations import MigrationSet
from nemoctl.diff.report import Severity
from nemoctl.findings.acks import Acknowledgements, judge_acknowledgements
from nemoctl.findings.severity import severity_rank
from nemoctl.migrations import drift
from nemoctl.migrations.report import Finding, LiveState, MigrationReport, PlannedMigration
from nemoctl.migrations.rules import (
    BREAKING_OPS,
    Context,
    make_finding,
    resolve_severities,
    statement_rules,
)
from nemoctl.migrations.statements import Action, Statement, parse_migration

#: (table, column) database names; column "" means the table itself.
DbName = tuple[str, str]

@dataclass(frozen=True, slots=True)
class CrossCheck:
    """What the project cares about, in database names."""

    #: Sacred fields as (table, column).
    sacred: frozenset[DbName] = frozenset()
    #: Where the project's code uses a table/column: ``path:line`` strings.  The
    #: usage-aware gate (``nemoctl.impact``) provides this; without it, empty.
    used: Mapping[DbName, Sequence[str]] = field(default_factory=dict)


def sha256(text: str) -> str:
    """Prisma's checksum of a migration: the SHA-256 of the file's bytes, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan(
    old: MigrationSet | None,
    new: MigrationSet,
    *,
    policy: Policy | None = None,
    live: LiveState | None = None,
    cross: CrossCheck | None = None,
    acks: Acknowledgements | None = None,
    today: date | None = None,
) -> MigrationReport:
    policy = policy or Policy()
    cross = cross or CrossCheck()
    severities = resolve_severities(dict(policy.rules))
    raw: list[Finding] = []

    if live is not None and live.has_history:
        applied = set(live.applied)
    else:
        applied = {m.name for m in old.migrations} if old is not None and live is None else set()
    pending_sources = [m for m in new.migrations if m.name not in applied]

    if old is not None:
        raw.extend(drift.release_drift(old, new, severities))
    if live is not None:
        raw.extend(drift.live_drift(live, new, severities))
        raw.extend(drift.out_of_order(live.applied, [m.name for m in pending_sources],
                                      severities))
    elif old is not None:
        raw.extend(drift.out_of_order([m.name for m in old.migrations],
                                      [m.name for m in pending_sources], severities))

    large = set(policy.large_tables)
    sizes: dict[str, str] = {}
    if live is not None:
        large |= {s.table for s in live.sizes if s.large}
        sizes = {s.table: s.label for s in live.sizes}

    pending: list[PlannedMigration] = []
    new_tables: set[str] = set()
    created_by: dict[str, str] = {}
    for source in pending_sources:
        parsed = parse_migration(source.name, source.sql)
        top_level = [s for s in parsed.statements if s.context == "top"]
        pending.append(PlannedMigration(source.name, sha256(source.sql), parsed.statements,
                                        parsed.is_noop, parsed.comments))
        for stmt in parsed.errors:
            raw.append(make_finding("UNPARSABLE_SQL", severities, stmt.migration, stmt.line,
                                f"cannot parse: {stmt.error}", detail=stmt.sql))
        if parsed.is_noop:
            # The comment is the only place that says where the work went.
            why = " ".join(parsed.comments)
            raw.append(make_finding("WORK_OUTSIDE_MIGRATION", severities, source.name,
                                top_level[0].line if top_level else 0,
                                f"{source.name} runs only SELECT 1"
                                + (f": {why}" if why else "")))
        for stmt in parsed.statements:
            ctx = Context(frozenset(new_tables), frozenset(large), len(top_level) > 1, sizes)
            for action in stmt.actions:
                raw.extend(_check(stmt, action, ctx, severities, created_by, cross))
                _track(action, stmt, new_tables, created_by)
                cross = _follow_renames(cross, action, stmt)

    found = _dedupe(raw)
    judgement = judge_acknowledgements(
        found, acks or Acknowledgements(), today=today or date.today(),
        surfaces=("migrations",), describe=((f.fingerprint, f.message) for f in found))
    findings = [f if f.sacred or (reason := judgement.reason_for(f)) is None
                else replace(f, acknowledged=True, ack_reason=reason) for f in found]
    return MigrationReport(
        old_label=old.origin if old is not None else (live.database if live else ""),
        new_label=new.origin,
        pending=tuple(pending),
        findings=order_findings(findings),
        live=live,
        acknowledgements=judgement.statuses,
    )


def _check(stmt: Statement, action: Action, ctx: Context, severities: dict[str, Severity],
           created_by: dict[str, str], cross: CrossCheck) -> Iterable[Finding]:
    for r in statement_rules():
        assert r.check is not None
        for hit in r.check(stmt, action, ctx):
            finding = make_finding(r.id, severities, stmt.migration, stmt.line, hit.message,
                               table=hit.table, column=hit.column,
                               detail=f"{action.op}:{action.new_name}")
            origin = created_by.get(hit.table)
            if action.op in BREAKING_OPS and origin is not None and not finding.sacred:
                # Nobody can use a name that did not exist before this upgrade.
                finding = replace(finding, severity="INFO", relevelled=(
                    f"{finding.default_severity} → INFO: {hit.table} is created by "
                    f"{origin}, earlier in this same upgrade"))
            yield finding
    if stmt.deferred:
        return
    touched = _touched(action)
    if action.op in BREAKING_OPS or action.op in ("set_not_null", "update", "delete",
                                                   "truncate"):
        for key in touched:
            if key in cross.sacred or (key[1] == "" and any(t == key[0] for t, _ in cross.sacred)):
                yield replace(make_finding(
                    "SACRED_FIELD_TOUCHED", severities, stmt.migration, stmt.line,
                    f"{action.op.replace('_', ' ')} touches sacred "
                    f"{key[0]}{'.' + key[1] if key[1] else ''}",
                    table=key[0], column=key[1], detail=action.op), sacred=True)
    if action.op in BREAKING_OPS:
        for key in touched:
            uses = cross.used.get(key, ())
            if uses:
                name = f"{key[0]}.{key[1]}" if key[1] else key[0]
                yield replace(make_finding(
                    "USED_OBJECT_CHANGED", severities, stmt.migration, stmt.line,
                    f"{action.op.replace('_', ' ')} of {name}, which this project uses "
                    f"({len(uses)} place(s))", table=key[0], column=key[1], detail=action.op),
                    used_at=tuple(sorted(uses)))


def _follow_renames(cross: CrossCheck, action: Action, stmt: Statement) -> CrossCheck:
    """A sacred field keeps being sacred under its new name after a rename."""
    if stmt.deferred or action.op not in ("rename_table", "rename_column"):
        return cross
    added: set[DbName] = set()
    for table, column in cross.sacred:
        if action.op == "rename_table" and table == action.table:
            added.add((action.new_name, column))
        elif action.op == "rename_column" and (table, column) == (action.table, action.column):
            added.add((table, action.new_name))
    return replace(cross, sacred=cross.sacred | added) if added else cross


def _touched(action: Action) -> list[DbName]:
    if action.column and action.op in ("rename_column", "drop_column", "alter_type",
                                       "set_not_null", "update"):
        return [(action.table, action.column)]
    return [(action.table, "")] if action.table else []


def _track(action: Action, stmt: Statement, new_tables: set[str],
           created_by: dict[str, str]) -> None:
    if stmt.deferred:
        return
    if action.op == "create_table":
        new_tables.add(action.table)
        created_by[action.table] = stmt.migration
    elif action.op == "rename_table" and action.table in new_tables:
        new_tables.add(action.new_name)
        created_by[action.new_name] = created_by[action.table]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: dict[tuple[str, str, int, str, str], Finding] = {}
    for f in findings:
        key = (f.rule_id, f.migration, f.line, f.table, f.column)
        seen.setdefault(key, f)
    return list(seen.values())


def _order(f: Finding) -> tuple[int, int, str, int, str, str]:
    return (0 if f.sacred else 1, -severity_rank(f.severity), f.migration, f.line, f.rule_id,
            f.table)


def order_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Sacred first, then by severity, migration, line: the order every report uses."""
    return tuple(sorted(findings, key=_order))
