"""The diff's result: findings (:class:`Change`), sacred-field status, acknowledgements.

Everything here is a frozen dataclass with ``to_dict()``, so ``upgrade`` and ``ci``
embed a :class:`DiffReport` in their own reports and the JSON stays one shape.
The JSON keys are documented in ``docs/diff.md`` and only ever grow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from nemoctl.findings.acks import AckStatus
from nemoctl.findings.finding import Judged, is_blocking
from nemoctl.findings.finding import fingerprint as _kernel_fingerprint
from nemoctl.findings.report import FindingsReport
from nemoctl.findings.severity import SEVERITY_ORDER, Severity, at_least
from nemoctl.findings.spec import fix_for

Subject = Literal["model", "field", "enum", "enum_value", "index"]
SacredState = Literal["ok", "changed", "removed", "unknown", "type-mismatch"]
#: States that block: the field the product reads is gone or different, or the entry
#: itself is wrong (then the gate protects nothing).
BLOCKING_SACRED_STATES = frozenset({"changed", "removed", "unknown", "type-mismatch"})


__all__ = ["SEVERITY_ORDER", "AckStatus", "Change", "DiffReport", "SacredStatus", "Severity",
           "Use", "at_least", "fingerprint"]


def fingerprint(rule_id: str, model: str, field_name: str, before: str, after: str) -> str:
    """A schema change's fingerprint: rule, where, before → after (never the message)."""
    return _kernel_fingerprint(rule_id, model, field_name, before, after)


UseKind = Literal["type", "attribute", "destructure", "index", "literal", "keyword",
                  "table", "column", "enum", "text",
                  # Places that reach a whole table without naming its columns: they make
                  # its columns "possibly used" (docs/impact.md, "Soundness").
                  "select-star", "unresolved-sql", "reflected", "dynamic", "unparsed-file"]


@dataclass(frozen=True, slots=True, order=True)
class Use:
    """One place in the consumer's code that uses a model, table, column or enum value.

    ``path`` is relative to the project root; ``line`` and ``column`` are 1-based.
    ``kind = "text"`` is a plain-text mention (Markdown, YAML), never a typed use.
    """

    path: str
    line: int
    column: int
    kind: UseKind
    snippet: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column,
                "kind": self.kind, "snippet": self.snippet}


@dataclass(frozen=True, slots=True)
class Change:
    """One finding of one rule."""

    rule_id: str
    severity: Severity
    subject: Subject
    #: Model or enum name.
    model: str
    #: Field or enum value name ("" for model/enum-level changes; index columns for indexes).
    field: str
    before: str
    after: str
    message: str
    fingerprint: str
    #: True when the change touches a sacred field: then it always blocks.
    sacred: bool = False
    acknowledged: bool = False
    ack_reason: str | None = None
    #: Where the consumer's code uses what changed; ``None`` when no usage scan ran.
    used_at: tuple[Use, ...] | None = None
    #: The rule's severity before the usage policy re-levelled it (``None``: not re-levelled).
    original_severity: Severity | None = None
    #: Why the severity was (or was not) re-levelled, e.g. "unused: no code uses it".
    relevel_reason: str | None = None
    #: Places that reach the table without naming columns (``SELECT *``, unparsed SQL...):
    #: with no ``used_at`` they make the change "possibly used", never re-levelled.
    possibly_used_at: tuple[Use, ...] = ()

    @property
    def blocking(self) -> bool:
        return is_blocking(self)

    @property
    def hint(self) -> str:
        """What to do about it: the rule's fix."""
        return fix_for(self.rule_id)

    @property
    def usage(self) -> str | None:
        """``"used"`` / ``"possibly used"`` / ``"unused"`` after a usage scan, else ``None``."""
        if self.used_at is None:
            return None
        if self.used_at:
            return "used"
        return "possibly used" if self.possibly_used_at else "unused"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "subject": self.subject,
            "model": self.model,
            "field": self.field or None,
            "before": self.before or None,
            "after": self.after or None,
            "message": self.message,
            "hint": self.hint or None,
            "fingerprint": self.fingerprint,
            "sacred": self.sacred,
            "acknowledged": self.acknowledged,
            "ack_reason": self.ack_reason,
            "blocking": self.blocking,
            # Present only when a usage scan judged the change (docs/impact.md).
            **({} if self.used_at is None else {
                "usage": self.usage,
                "used_at": [u.to_dict() for u in self.used_at],
                "possibly_used_at": [u.to_dict() for u in self.possibly_used_at],
                "original_severity": self.original_severity,
                "relevel_reason": self.relevel_reason,
            }),
        }


@dataclass(frozen=True, slots=True)
class SacredStatus:
    """How one ``sacred_fields.toml`` entry fares."""

    model: str
    field: str
    expected_type: str
    state: SacredState
    message: str
    owner: str = ""
    reason: str = ""
    #: The type found in the (new) schema, when the field exists there.
    actual_type: str | None = None

    @property
    def blocking(self) -> bool:
        return self.state in BLOCKING_SACRED_STATES

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "field": self.field,
            "expected_type": self.expected_type,
            "actual_type": self.actual_type,
            "state": self.state,
            "blocking": self.blocking,
            "message": self.message,
            "owner": self.owner,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class DiffReport(FindingsReport):
    old_label: str
    new_label: str
    old_sha256: str
    new_sha256: str
    changes: tuple[Change, ...]
    sacred: tuple[SacredStatus, ...] = ()
    acknowledgements: tuple[AckStatus, ...] = ()
    #: Rule id → severity actually used (after re-levelling), for the rules that fired.
    severities: dict[str, str] = field(default_factory=dict)
    #: Summary of the usage scan behind ``Change.used_at`` (``None``: no scan ran).
    usage_scan: dict[str, Any] | None = None

    @property
    def sacred_broken(self) -> tuple[SacredStatus, ...]:
        return tuple(s for s in self.sacred if s.blocking)

    def judged(self) -> Sequence[Judged]:
        return self.changes

    def _blocked_otherwise(self) -> bool:
        """A sacred field broke (or a sacred entry is wrong): blocks whatever the changes."""
        return bool(self.sacred_broken)

    @property
    def open_changes(self) -> tuple[Change, ...]:
        """Changes that still count: not acknowledged (sacred ones always count)."""
        return tuple(c for c in self.changes if c.sacred or not c.acknowledged)

    def to_dict(self, *, fail_on: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "old": {"label": self.old_label, "sha256": self.old_sha256},
            "new": {"label": self.new_label, "sha256": self.new_sha256},
            "blocking": self.blocking,
            "max_severity": self.max_severity,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
            "sacred": [s.to_dict() for s in self.sacred],
            "acknowledgements": [a.to_dict() for a in self.acknowledgements],
        }
        if self.usage_scan is not None:
            data["usage_scan"] = self.usage_scan
        if fail_on is not None:
            data["fail_on"] = fail_on
            data["exit_code"] = int(self.exit_code(fail_on))
        return data
