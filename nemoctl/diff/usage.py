"""Judge each finding by what the consumer's code uses: ``used_at`` and re-levelling.

The usage scan itself lives in :mod:`nemoctl.impact`; this module only needs lookups
``(change) -> uses`` so the diff machinery stays independent of the scanners.

    report = apply_usage(report, usage.uses_for, unused="INFO", scan=usage.summary(),
                         possible_for=usage.possible_for)

Soundness: a change is "unused" only when nothing in the scanned tree can reach it.
A change with no use but with places that reach its table without naming columns
(``possible_for``: ``SELECT *``, SQL that cannot be resolved, a reflected table...) is
"possibly used" and is never re-levelled.

Policy (``[tool.nemoctl.impact] unused``): a change nothing uses is lowered to that
severity, never raised; a used change keeps its rule's severity; a sacred change is
never re-levelled, used or not (a sacred field is what the product reads by contract,
even where the scan cannot see it).  The original severity and the reason stay on
the change, so every report can show both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from nemoctl.diff.report import SEVERITY_ORDER, Change, DiffReport, Severity, Use, at_least

UsesFor = Callable[[Change], tuple[Use, ...]]


def apply_usage(
    report: DiffReport,
    uses_for: UsesFor,
    *,
    unused: Severity | None = None,
    scan: dict[str, Any] | None = None,
    possible_for: UsesFor | None = None,
) -> DiffReport:
    """``report`` with ``used_at`` on every change, re-levelled by the ``unused`` policy."""
    changes = [_judge(c, uses_for(c), possible_for(c) if possible_for else (), unused)
               for c in report.changes]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    # Re-levelling may move a change down: keep the report ordered ERR → INFO, and the
    # engine's order within one severity (sorted() is stable).
    changes.sort(key=lambda c: rank[c.severity])
    return replace(report, changes=tuple(changes), usage_scan=scan or {})


def _judge(change: Change, uses: tuple[Use, ...], possible: tuple[Use, ...],
           unused: Severity | None) -> Change:
    if uses:
        return replace(change, used_at=uses, relevel_reason=(
            f"kept at {change.severity}: used in {len(uses)} place(s)"
            if unused is not None and change.severity != unused and not change.sacred
            else None))
    if possible:
        first = possible[0]
        return replace(change, used_at=(), possibly_used_at=possible, relevel_reason=(
            f"kept at {change.severity}: possibly used ({first.kind} at {first.path}:"
            f"{first.line}:{first.column}"
            f"{f' and {len(possible) - 1} more place(s)' if len(possible) > 1 else ''})"
            if unused is not None and change.severity != unused and not change.sacred
            else None))
    if change.sacred:
        return replace(change, used_at=(), relevel_reason=(
            "sacred: never re-levelled" if unused is not None else None))
    if unused is None or not at_least(change.severity, unused) or change.severity == unused:
        return replace(change, used_at=())
    return replace(change, used_at=(), severity=unused, original_severity=change.severity,
                   relevel_reason=f"unused: no scanned code uses it ({change.severity} → "
                                  f"{unused} by [tool.nemoctl.impact] unused)")
