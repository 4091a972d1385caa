"""The migration gate's result: the SQL an upgrade runs, its findings, live and rehearsal data.

Frozen dataclasses with ``to_dict()``; the JSON keys are documented in
``docs/migrations.md`` and only ever grow.  Severities, blocking and exit codes
follow the schema diff's scheme (:mod:`nemoctl.diff.report`): an unacknowledged ERR
or a sacred finding blocks (exit 4); findings at or above ``--fail-on`` exit 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nemoctl.findings.acks import AckStatus
from nemoctl.findings.finding import Judged, is_blocking
from nemoctl.findings.report import FindingsReport
from nemoctl.findings.severity import Severity
from nemoctl.migrations.statements import Statement


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    #: The severity applied (after re-levelling); ``default_severity`` is the rule's own.
    severity: Severity
    default_severity: Severity
    message: str
    fingerprint: str
    migration: str = ""
    line: int = 0
    table: str = ""
    column: str = ""
    fix: str = ""
    #: Why the applied severity differs from the default ("" when it does not).
    relevelled: str = ""
    sacred: bool = False
    acknowledged: bool = False
    ack_reason: str | None = None
    #: Where this project's code uses the table/column (``path:line``), when known.
    used_at: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return is_blocking(self)

    @property
    def location(self) -> str:
        if not self.migration:
            return ""
        return f"{self.migration}/migration.sql:{self.line}" if self.line else self.migration

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "default_severity": self.default_severity,
            "relevelled": self.relevelled or None,
            "message": self.message,
            "hint": self.fix or None,
            "migration": self.migration or None,
            "line": self.line or None,
            "table": self.table or None,
            "column": self.column or None,
            "fingerprint": self.fingerprint,
            "sacred": self.sacred,
            "acknowledged": self.acknowledged,
            "ack_reason": self.ack_reason,
            "used_at": list(self.used_at),
            "blocking": self.blocking,
        }


@dataclass(frozen=True, slots=True)
class PlannedMigration:
    """One migration the upgrade will apply, in Prisma Migrate's order."""

    name: str
    sha256: str
    statements: tuple[Statement, ...]
    #: Only ``SELECT 1``: the migration runs nothing (see ``comments`` for why).
    noop: bool = False
    comments: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "noop": self.noop,
            "comments": list(self.comments) if self.noop else [],
            "statements": [s.to_dict() for s in self.statements],
        }


@dataclass(frozen=True, slots=True)
class TableSize:
    table: str
    #: ``pg_class.reltuples`` (an estimate; None when the table was never analysed).
    rows: int | None
    bytes: int
    large: bool

    @property
    def label(self) -> str:
        rows = ("rows unknown (never analysed)" if self.rows is None
                else f"~{_count(self.rows)} rows")
        return f"{rows}, {_size(self.bytes)}"

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "rows": self.rows, "bytes": self.bytes,
                "large": self.large, "label": self.label}


@dataclass(frozen=True, slots=True)
class LiveState:
    """What the database's own ``_prisma_migrations`` table says."""

    database: str
    has_history: bool
    applied: tuple[str, ...]
    failed: tuple[str, ...] = ()
    rolled_back: tuple[str, ...] = ()
    sizes: tuple[TableSize, ...] = ()
    #: (name, checksum) of every successfully applied migration.
    checksums: tuple[tuple[str, str], ...] = ()

    def size(self, table: str) -> TableSize | None:
        return next((s for s in self.sizes if s.table == table), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "has_history": self.has_history,
            "applied": len(self.applied),
            "failed": list(self.failed),
            "rolled_back": list(self.rolled_back),
            "table_sizes": [s.to_dict() for s in self.sizes],
        }


@dataclass(frozen=True, slots=True)
class RehearsedMigration:
    name: str
    seconds: float
    #: The strongest lock it held on a table, and on which (from ``pg_locks``).
    lock: str | None
    lock_table: str | None
    #: ``exact`` (read inside the migration's transaction) or ``sampled`` (polled from a
    #: second connection, for CONCURRENTLY migrations that cannot run in one).
    observed: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "seconds": round(self.seconds, 4), "lock": self.lock,
                "lock_table": self.lock_table, "observed": self.observed}


@dataclass(frozen=True, slots=True)
class Rehearsal:
    database: str
    seeded_tables: int
    seeded_rows: int
    migrations: tuple[RehearsedMigration, ...]
    #: Rows whose seeded values were all found again, per the sacred-field check.
    sacred_values_checked: int = 0
    schema_findings: int = 0
    skipped_tables: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "seeded_tables": self.seeded_tables,
            "seeded_rows": self.seeded_rows,
            "sacred_values_checked": self.sacred_values_checked,
            "schema_findings": self.schema_findings,
            "skipped_tables": list(self.skipped_tables),
            "migrations": [m.to_dict() for m in self.migrations],
        }


@dataclass(frozen=True, slots=True)
class MigrationReport(FindingsReport):
    old_label: str
    new_label: str
    pending: tuple[PlannedMigration, ...]
    findings: tuple[Finding, ...]
    live: LiveState | None = None
    rehearsal: Rehearsal | None = None
    #: What became of each acknowledgement (the migrations surface's view).
    acknowledgements: tuple[AckStatus, ...] = ()

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for m in self.pending for s in m.statements)

    def judged(self) -> Sequence[Judged]:
        return self.findings

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.sacred or not f.acknowledged)

    def rules_fired(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    def summary(self) -> str:
        c = self.counts()
        return (f"{len(self.pending)} migration(s), {len(self.statements)} statement(s): "
                f"{c['ERR']} ERR, {c['WARN']} WARN, {c['INFO']} INFO"
                + (f", {c['acknowledged']} acknowledged" if c["acknowledged"] else ""))

    def to_dict(self, *, fail_on: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "old": self.old_label,
            "new": self.new_label,
            "blocking": self.blocking,
            "max_severity": self.max_severity,
            "counts": self.counts(),
            "pending": [m.to_dict() for m in self.pending],
            "findings": [f.to_dict() for f in self.findings],
            "live": self.live.to_dict() if self.live else None,
            "rehearsal": self.rehearsal.to_dict() if self.rehearsal else None,
            "acknowledgements": [a.to_dict() for a in self.acknowledgements],
        }
        if fail_on is not None:
            data["fail_on"] = fail_on
            data["exit_code"] = int(self.exit_code(fail_on))
        return data


def _count(n: int) -> str:
    for unit, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= size:
            return f"{n / size:.3g} {unit}".replace(" ", " ")
    return str(n)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"
