"""Rendering of :class:`nemoctl.codegen.GenerateResult` (human and JSON)."""

from __future__ import annotations

import json

from rich.console import Console

from nemoctl.codegen import GenerateResult


def to_json(result: GenerateResult) -> str:
    return json.dumps(result.to_dict(), indent=2)


def render_human(result: GenerateResult, console: Console) -> None:
    _render_result(result, console)
    for note in result.notes:
        console.print(f"note: {note}", markup=False)


def _render_result(result: GenerateResult, console: Console) -> None:
    took = f"{result.duration_s:.2f} s"
    if result.noop:
        console.print(f"up to date: {result.version} (no-op, {took})", markup=False)
        return
    if not result.changes:
        console.print(
            f"up to date: {result.version} (re-rendered from the {result.schema_source}, {took})",
            markup=False,
        )
        return
    verb = "stale" if result.check else "written"
    console.print(f"{len(result.changes)} file(s) {verb} for {result.version} ({took}):",
                  markup=False)
    for change in result.changes:
        console.print(f"  {change.kind:<8} {change.path}", markup=False)
    if result.check:
        # The diff goes to stdout as-is: it must be usable with `git apply`.
        console.file.write(result.diff)
        console.print("run `nemoctl generate` to update them", markup=False)
