"""Run every rule over two schemas and judge the result.

    report = diff_schemas(old, new, sacred=load_sacred(p), acks=load_acknowledgements(q))
    report.blocking        # a sacred field broke, or an ERR is unacknowledged
    report.exit_code("ERR")
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from nemoctl.config import SEVERITIES
from nemoctl.diff.acks import Acknowledgements
from nemoctl.diff.report import (
    _RANK,
    AckStatus,
    Change,
    DiffReport,
    Severity,
    fingerprint,
)
from nemoctl.diff.rules import RULES, Finding, Rule
from nemoctl.diff.sacred import SacredFields, compare_sacred
from nemoctl.errors import ConfigError
from nemoctl.schema.model import Schema


def resolve_severities(overrides: Mapping[str, str] | None) -> dict[str, Severity]:
    """Default severities with per-rule overrides (``[tool.nemoctl.rules]``) applied."""
    result: dict[str, Severity] = {rule_id: r.severity for rule_id, r in RULES.items()}
    for rule_id, severity in (overrides or {}).items():
        if rule_id not in RULES:
            raise ConfigError(f"unknown rule {rule_id!r} in rule severities "
                              f"(known: {', '.join(RULES)})")
        if severity not in SEVERITIES:
            raise ConfigError(f"rule {rule_id}: severity must be one of "
                              f"{', '.join(SEVERITIES)}, not {severity!r}")
        result[rule_id] = severity  # type: ignore[assignment]
    return result


def diff_schemas(
    old: Schema,
    new: Schema,
    *,
    sacred: SacredFields | None = None,
    acks: Acknowledgements | None = None,
    severities: Mapping[str, str] | None = None,
    today: date | None = None,
    old_label: str | None = None,
    new_label: str | None = None,
) -> DiffReport:
    levels = resolve_severities(severities)
    sacred = sacred or SacredFields()
    acks = acks or Acknowledgements()
    today = today or date.today()

    changes: list[tuple[int, int, Change]] = []
    order = 0
    for position, rule in enumerate(RULES.values()):
        for finding in rule.detect(old, new):
            change = _change(rule, levels[rule.id], finding, sacred)
            changes.append((position, order, change))
            order += 1

    ack_statuses: list[AckStatus] = []
    used: dict[str, Change] = {}
    for ack in acks.items:
        expires = ack.expires.isoformat() if ack.expires else None
        matching = [c for _, _, c in changes if c.fingerprint == ack.fingerprint
                    and (ack.rule is None or ack.rule == c.rule_id)]
        if ack.expired(today):
            state, message = "expired", (f"acknowledgement {ack.fingerprint} expired on "
                                          f"{expires}; it no longer applies")
        elif not matching:
            state, message = "unused", (f"acknowledgement {ack.fingerprint} matches no change "
                                         "in this diff")
        elif matching[0].sacred:
            state, message = "sacred", (f"acknowledgement {ack.fingerprint} names a sacred "
                                         "change; sacred changes always block")
        else:
            state, message = "used", f"acknowledged: {matching[0].message}"
            used[ack.fingerprint] = matching[0]
        ack_statuses.append(AckStatus(ack.fingerprint, state, ack.reason,  # type: ignore[arg-type]
                                      expires, message))

    final: list[tuple[int, int, int, Change]] = []
    for position, emitted, change in changes:
        accepted = acks.get(change.fingerprint) if change.fingerprint in used else None
        if accepted is not None:
            change = _acknowledged(change, accepted.reason)
        final.append((-_RANK[change.severity], position, emitted, change))
    final.sort(key=lambda item: item[:3])

    return DiffReport(
        old_label=old_label or old.source,
        new_label=new_label or new.source,
        old_sha256=old.sha256,
        new_sha256=new.sha256,
        changes=tuple(c for *_, c in final),
        sacred=compare_sacred(old, new, sacred),
        acknowledgements=tuple(ack_statuses),
        severities={c.rule_id: c.severity for *_, c in final},
    )


def _change(rule: Rule, severity: Severity, finding: Finding, sacred: SacredFields) -> Change:
    return Change(
        rule_id=rule.id,
        severity=severity,
        subject=rule.subject,
        model=finding.model,
        field=finding.field,
        before=finding.before,
        after=finding.after,
        message=finding.message,
        fingerprint=fingerprint(rule.id, finding.model, finding.field, finding.before,
                                finding.after),
        sacred=_touches_sacred(rule, finding, sacred),
    )


def _touches_sacred(rule: Rule, finding: Finding, sacred: SacredFields) -> bool:
    if rule.subject == "model":
        # A removed or renamed table takes every sacred field in it along.
        return finding.model in sacred.models() and rule.id != "MODEL_ADDED"
    if rule.subject == "field":
        return sacred.get(finding.model, finding.field) is not None
    if rule.subject in ("enum", "enum_value") and rule.id != "ENUM_ADDED":
        # A sacred field of an enum type changes with its enum's values and names.
        return any(entry.type.rstrip("?[]") == finding.model for entry in sacred.fields)
    if rule.subject == "index" and rule.id in ("PRIMARY_KEY_CHANGED", "UNIQUE_ADDED",
                                               "UNIQUE_REMOVED"):
        columns = {c.split(" ")[0] for part in (finding.before, finding.after)
                   for c in part.split(", ") if c}
        return any(sacred.get(finding.model, c) is not None for c in columns)
    return False


def _acknowledged(change: Change, reason: str) -> Change:
    return Change(
        rule_id=change.rule_id, severity=change.severity, subject=change.subject,
        model=change.model, field=change.field, before=change.before, after=change.after,
        message=change.message, fingerprint=change.fingerprint, sacred=change.sacred,
        acknowledged=True, ack_reason=reason,
    )
