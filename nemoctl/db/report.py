"""The result of a database verification: findings, sacred-field status, exit code.

Shaped like the schema diff's report (rule IDs, ``ERR``/``WARN``/``INFO``
severities, sacred findings first, ``blocking``), so ``db verify`` shares
``diff``'s output formats and exit-code scheme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from nemoctl.findings.finding import Judged
from nemoctl.findings.report import FindingsReport
from nemoctl.findings.severity import SEVERITY_ORDER, Severity, severity_rank

SacredState = Literal["ok", "missing", "mismatch", "not-in-schema"]


@dataclass(frozen=True, slots=True)
class DbFinding:
    """One difference between the schema and the live database."""

    rule_id: str
    severity: Severity
    message: str
    table: str
    column: str | None = None
    model: str | None = None
    field: str | None = None
    #: What the schema implies (``bigint NOT NULL``) and what the database has.
    expected: str | None = None
    actual: str | None = None
    sacred: bool = False
    #: db verify has no acknowledgements: a live database is what it is.
    acknowledged: ClassVar[bool] = False

    @property
    def fingerprint(self) -> str:
        from nemoctl.findings.finding import fingerprint

        return fingerprint(self.rule_id, self.table, self.column or "", self.expected or "",
                           self.actual or "")

    @property
    def location(self) -> str:
        if self.model is not None:
            where = self.model if self.field is None else f"{self.model}.{self.field}"
        else:
            where = self.table if self.column is None else f"{self.table}.{self.column}"
        return where

    def sort_key(self) -> tuple[int, int, str, str, str]:
        return (
            0 if self.sacred else 1,
            -severity_rank(self.severity),
            self.table,
            self.column or "",
            self.rule_id,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "sacred": self.sacred,
            "message": self.message,
            "model": self.model,
            "field": self.field,
            "table": self.table,
            "column": self.column,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True, slots=True)
class SacredStatus:
    model: str
    field: str
    state: SacredState
    table: str | None = None
    column: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "field": self.field,
            "state": self.state,
            "table": self.table,
            "column": self.column,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class DbReport(FindingsReport):
    """What ``nemoctl db verify`` found.  Contains no password and no timestamps."""

    #: The database verified, password-free (a redacted URL, or the migrations' origin).
    target: str
    #: The schema compared against (a path or ``litellm 1.102.4``) and its sha256.
    schema_source: str
    schema_sha256: str
    namespace: str
    models_checked: int
    columns_checked: int
    findings: tuple[DbFinding, ...]
    sacred: tuple[SacredStatus, ...] = ()
    #: Set when the database was built from migrations: how many were applied.
    migrations_applied: int | None = None
    migrations_source: str | None = None

    def judged(self) -> Sequence[Judged]:
        return self.findings

    @property
    def blocking(self) -> bool:
        """Only a sacred field that is missing or incompatible blocks (exit 4); other ERR
        findings exit 1 — the database is not the upgrade's to gate."""
        return any(f.sacred and f.severity == "ERR" for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_ORDER}

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "schema": {"source": self.schema_source, "sha256": self.schema_sha256},
            "namespace": self.namespace,
            "migrations": (
                None
                if self.migrations_applied is None
                else {"applied": self.migrations_applied, "source": self.migrations_source}
            ),
            "checked": {"models": self.models_checked, "columns": self.columns_checked},
            "blocking": self.blocking,
            "max_severity": self.max_severity,
            "counts": self.counts(),
            "sacred": [s.to_dict() for s in self.sacred],
            "findings": [f.to_dict() for f in self.findings],
        }
