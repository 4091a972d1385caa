"""Run every rule over two schemas and judge the result.

    report = diff_schemas(old, new, sacred=load_sacred(p), acks=load_acknowledgements(q))
    report.blocking        # a sacred field broke, or an ERR is unacknowledged
    report.exit_code("ERR")
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from nemoctl.diff.report import Change, DiffReport, fingerprint
from nemoctl.diff.rules import RULES, Finding, Rule
from nemoctl.diff.sacred import SacredFields, compare_sacred
from nemoctl.errors import ConfigError
from nemoctl.findings.acks import Acknowledgements, judge_acknowledgements
from nemoctl.findings.severity import SEVERITIES, Severity, severity_rank
from nemoctl.findings.spec import current_id, get_rule
from nemoctl.schema.model import Schema


def resolve_severities(overrides: Mapping[str, str] | None) -> dict[str, Severity]:
    """Default severities with per-rule overrides (``[tool.nemoctl.rules]``) applied.

    Overrides of other surfaces' rules are theirs to apply; an ID no surface knows
    is an error, and a retired ID applies to the rule that replaced it.
    """
    result: dict[str, Severity] = {rule_id: r.severity for rule_id, r in RULES.items()}
    for given, severity in (overrides or {}).items():
        rule_id = current_id(given)
        if rule_id not in RULES:
            if get_rule(rule_id) is None:
                from nemoctl.findings.catalogue import load_all

                load_all()
            if get_rule(rule_id) is None:
                raise ConfigError(f"unknown rule {given!r} in rule severities "
                                  "(`nemoctl rules` lists them)")
            continue
        if severity not in SEVERITIES:
            raise ConfigError(f"rule {given}: severity must be one of ERR, WARN, INFO, "
                              f"not {severity!r}")
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

    found = [c for _, _, c in changes]
    judgement = judge_acknowledgements(found, acks, today=today, surfaces=("schema",),
                                       describe=((c.fingerprint, c.message) for c in found))

    final: list[tuple[int, int, int, Change]] = []
    for position, emitted, change in changes:
        reason = judgement.reason_for(change)
        if reason is not None:
            change = _acknowledged(change, reason)
        final.append((-severity_rank(change.severity), position, emitted, change))
    final.sort(key=lambda item: item[:3])

    return DiffReport(
        old_label=old_label or old.source,
        new_label=new_label or new.source,
        old_sha256=old.sha256,
        new_sha256=new.sha256,
        changes=tuple(c for *_, c in final),
        sacred=compare_sacred(old, new, sacred),
        acknowledgements=judgement.statuses,
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
