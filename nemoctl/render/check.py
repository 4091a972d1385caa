"""Render a ``nemoctl check`` report: terminal text, JSON, GitHub annotations."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.render.ci import annotation

if TYPE_CHECKING:
    from nemoctl.check import CheckReport

_MARK = {"ok": "ok", "failed": "FAILED", "skipped": "skipped"}


def to_text(report: CheckReport) -> str:
    head = f"nemoctl check: {report.package} {report.version or '(no pin)'}"
    lines = [head]
    for item in report.items:
        detail = f" ({item.detail})" if item.detail else ""
        lines.append(f"  {item.name:<13} {_MARK.get(item.status, item.status)}{detail}")
        lines += [f"    - {problem}" for problem in item.problems]
    lines.append("OK" if report.ok else f"{len(report.problems)} problem(s)")
    return "\n".join(lines)


def to_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True)


def to_github(report: CheckReport) -> str:
    return "\n".join(
        annotation("error", problem, title=f"nemoctl check: {item.name}")
        for item in report.items
        for problem in item.problems
    )
