"""Rendering of :class:`nemoctl.codegen.GenerateResult` (human and JSON).

Plain text, not rich: ``generate --check`` runs in pre-commit hooks, and its output is
a few lines and a unified diff (which must stay usable with ``git apply``).
"""

from __future__ import annotations

import json

from nemoctl.codegen import GenerateResult


def to_json(result: GenerateResult) -> str:
    return json.dumps(result.to_dict(), indent=2)


def to_text(result: GenerateResult) -> str:
    lines = _result_lines(result)
    lines += [f"note: {note}" for note in result.notes]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _result_lines(result: GenerateResult) -> list[str]:
    took = f"{result.duration_s:.2f} s"
    if result.noop:
        return [f"up to date: {result.version} (no-op, {took})"]
    if not result.changes:
        return [f"up to date: {result.version} (re-rendered from the {result.schema_source}, "
                f"{took})"]
    verb = "stale" if result.check else "written"
    lines = [f"{len(result.changes)} file(s) {verb} for {result.version} ({took}):"]
    lines += [f"  {change.kind:<8} {change.path}" for change in result.changes]
    if result.check:
        if result.diff:
            lines.append(result.diff if result.diff.endswith("\n") else result.diff + "\n")
        lines.append("run `nemoctl generate` to update them")
    return lines
