"""The result of a database verification: findings, sacred-field status, exit code.

Shaped like the schema diff's report (rule IDs, ``ERR``/``WARN``/``INFO``
severities, sacred findings first, ``blocking``), so ``db verify`` shares
``diff``'s output formats and exit-code scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from nemoctl.errors import ExitCode

Severity = Literal["ERR", "WARN", "INFO"]
SEVERITY_RANK: dict[str, int] = {"ERR": 0, "WARN": 1, "INFO": 2}

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
            SEVERITY_RANK[self.severity],
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
class DbReport:
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

    @property
    def blocking(self) -> bool:
        """A sacred field is missing or incompatible."""
        return any(f.sacred and f.severity == "ERR" for f in self.findings)

    @property
    def max_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return min((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_RANK}

    def exit_code(self, fail_on: str = "ERR") -> ExitCode:
        """``diff``'s scheme: 4 when a sacred field breaks, 1 at/above ``fail_on``, else 0."""
        if self.blocking:
            return ExitCode.BLOCKED
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] <= threshold for f in self.findings):
            return ExitCode.FINDINGS
        return ExitCode.OK

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
