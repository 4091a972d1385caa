"""The generic finding the newer surfaces (API, configuration, provenance) report.

The schema diff (:class:`nemoctl.diff.report.Change`), the migration gate and
``db verify`` keep their own finding shapes for their documented JSON, but every
shape answers the same questions the kernel asks (:class:`Judged`): which rule, how
severe, which fingerprint, acknowledged or not, sacred or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from nemoctl.findings.severity import Severity
from nemoctl.findings.spec import fix_for, get_rule

Usage = Literal["used", "possibly used", "unused"]


class Judged(Protocol):
    """What the kernel needs of any finding, whatever its surface."""

    @property
    def rule_id(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def acknowledged(self) -> bool: ...
    @property
    def sacred(self) -> bool: ...


def is_blocking(finding: Judged) -> bool:
    """A finding blocks when it is sacred, or an unacknowledged ``ERR``."""
    return finding.sacred or (finding.severity == "ERR" and not finding.acknowledged)


def fingerprint(rule_id: str, *parts: str) -> str:
    """A stable id for one finding: same thing, same fingerprint, in any run or order.

    Built only from what the finding *is* (its rule and key parts), never from a
    message wording, so rewording never invalidates an acknowledgement.
    """
    raw = "\x1f".join((rule_id, *parts)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in the consumer's tree; ``path`` is project-relative, posix, lines 1-based."""

    path: str
    line: int = 0
    #: 1-based; 0 when unknown.
    column: int = 0
    snippet: str = ""

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line or None,
                "column": self.column or None, "snippet": self.snippet or None}


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of one rule, on any of the newer surfaces."""

    rule_id: str
    severity: Severity
    message: str
    fingerprint: str
    #: Where the finding is (the consumer's line), when it has a place.
    location: Location | None = None
    #: What it is about (``litellm.acompletion``, ``general_settings.master_key``…).
    subject: str = ""
    before: str = ""
    after: str = ""
    #: Where the consumer's code uses what changed.
    used_at: tuple[Location, ...] = ()
    #: ``None`` when no usage judgement applies.
    usage: Usage | None = None
    usage_reason: str = ""
    #: The rule's severity before configuration or usage re-levelled it.
    default_severity: Severity | None = None
    acknowledged: bool = False
    ack_reason: str | None = None
    sacred: bool = False

    @property
    def blocking(self) -> bool:
        return is_blocking(self)

    @property
    def hint(self) -> str:
        return fix_for(self.rule_id)

    def acknowledge(self, reason: str) -> Finding:
        return replace(self, acknowledged=True, ack_reason=reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "default_severity": self.default_severity,
            "message": self.message,
            "hint": self.hint or None,
            "location": self.location.to_dict() if self.location else None,
            "subject": self.subject or None,
            "before": self.before or None,
            "after": self.after or None,
            "usage": self.usage,
            "usage_reason": self.usage_reason or None,
            "used_at": [u.to_dict() for u in self.used_at],
            "fingerprint": self.fingerprint,
            "sacred": self.sacred,
            "acknowledged": self.acknowledged,
            "ack_reason": self.ack_reason,
            "blocking": self.blocking,
        }


def make_finding(rule_id: str, *, message: str, key_parts: tuple[str, ...],
                 severities: Mapping[str, str] | None = None,
                 location: Location | None = None, subject: str = "", before: str = "",
                 after: str = "", used_at: tuple[Location, ...] = (),
                 usage: Usage | None = None, usage_reason: str = "",
                 sacred: bool = False) -> Finding:
    """A finding of a registered rule, at the severity configuration gives it.

    ``key_parts`` say what the finding *is* (not where it was printed): they and the
    rule ID make the fingerprint an acknowledgement names.
    """
    spec = get_rule(rule_id)
    if spec is None:
        raise KeyError(f"rule {rule_id} is not registered")
    configured = (severities or {}).get(rule_id, spec.severity)
    severity: Severity = configured if configured in ("ERR", "WARN", "INFO") else spec.severity  # type: ignore[assignment]
    return Finding(rule_id=rule_id, severity=severity, message=message,
                   fingerprint=fingerprint(rule_id, *key_parts), location=location,
                   subject=subject, before=before, after=after, used_at=used_at,
                   usage=usage, usage_reason=usage_reason,
                   default_severity=spec.severity, sacred=sacred)
