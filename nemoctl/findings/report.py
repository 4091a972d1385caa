"""The one report base: blocking, max severity, counts and exit code, derived once.

Every surface's report (schema diff, migrations, db verify, and the generic
:class:`SurfaceReport` of the API, configuration and provenance surfaces) mixes in
:class:`FindingsReport` and says which findings it holds; the verdict follows.

- A finding blocks when it is sacred, or an unacknowledged ``ERR``.
- A report blocks when any finding blocks, or when the surface adds a reason of its
  own (``_blocked_otherwise``: a broken sacred field in the diff).
- Exit code: 4 (BLOCKED) when blocking; 1 (FINDINGS) when an open finding reaches
  ``fail_on``; else 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nemoctl.errors import ExitCode
from nemoctl.findings.acks import AckStatus
from nemoctl.findings.finding import Finding, Judged, is_blocking
from nemoctl.findings.severity import SEVERITY_ORDER, Severity, at_least


class FindingsReport:
    """Mixin for frozen report dataclasses (``__slots__``-compatible)."""

    __slots__ = ()

    def judged(self) -> Sequence[Judged]:
        raise NotImplementedError

    def _blocked_otherwise(self) -> bool:
        return False

    @property
    def open_findings(self) -> tuple[Judged, ...]:
        """Findings that still count: not acknowledged (sacred ones always count)."""
        return tuple(f for f in self.judged() if f.sacred or not f.acknowledged)

    @property
    def blocking(self) -> bool:
        return self._blocked_otherwise() or any(is_blocking(f) for f in self.judged())

    @property
    def max_severity(self) -> Severity | None:
        present = {f.severity for f in self.open_findings}
        return next((s for s in SEVERITY_ORDER if s in present), None)

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {s: 0 for s in SEVERITY_ORDER}
        for f in self.open_findings:
            result[f.severity] += 1
        result["acknowledged"] = sum(1 for f in self.judged() if f.acknowledged and not f.sacred)
        return result

    def exit_code(self, fail_on: str = "ERR") -> ExitCode:
        if self.blocking:
            return ExitCode.BLOCKED
        worst = self.max_severity
        if worst is not None and at_least(worst, fail_on):
            return ExitCode.FINDINGS
        return ExitCode.OK


@dataclass(frozen=True, slots=True)
class SurfaceReport(FindingsReport):
    """The report of one of the newer surfaces (API, configuration, provenance)."""

    surface: str
    findings: tuple[Finding, ...] = ()
    #: Changes between the versions that nothing in the project uses: counted, not listed.
    unused_changes: int = 0
    acknowledgements: tuple[AckStatus, ...] = ()
    #: One-line facts about the run (what was read, what could not be told and why).
    notes: tuple[str, ...] = ()

    def judged(self) -> Sequence[Judged]:
        return self.findings

    def summary(self) -> str:
        c = self.counts()
        text = f"{c['ERR']} ERR, {c['WARN']} WARN, {c['INFO']} INFO"
        if c["acknowledged"]:
            text += f", {c['acknowledged']} acknowledged"
        if self.unused_changes:
            text += f"; {self.unused_changes} change(s) nothing uses"
        return text

    def to_dict(self, *, fail_on: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "surface": self.surface,
            "blocking": self.blocking,
            "max_severity": self.max_severity,
            "counts": self.counts(),
            "unused_changes": self.unused_changes,
            "findings": [f.to_dict() for f in self.findings],
            "acknowledgements": [a.to_dict() for a in self.acknowledgements],
            "notes": list(self.notes),
        }
        if fail_on is not None:
            data["fail_on"] = fail_on
            data["exit_code"] = int(self.exit_code(fail_on))
        return data
