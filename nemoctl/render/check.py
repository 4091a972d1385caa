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
        lines += [f"    ~ {warning}" for warning in item.warnings]
    lines.append("OK" if report.ok else f"{len(report.problems)} problem(s)")
    return "\n".join(lines)


def to_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True)


def to_github(report: CheckReport) -> str:
    lines = []
    for item in report.items:
        title = f"nemoctl check: {item.name}"
        for level, texts, places in (("error", item.problems, item.problem_places),
                                     ("warning", item.warnings, item.warning_places)):
            for i, text in enumerate(texts):
                path, _, line = (places[i] if i < len(places) else "").rpartition(":")
                lines.append(annotation(level, text, title=title, file=path or None,
                                        line=int(line) if line.isdigit() else None))
    return "\n".join(lines)
