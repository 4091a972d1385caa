"""Rendering of :class:`nemoctl.adopt.InitResult` (human and JSON)."""

from __future__ import annotations

import json

from rich.console import Console

from nemoctl.adopt import InitResult

_VERB = {
    "create": "created",
    "update": "updated",
    "unchanged": "unchanged",
    "kept": "kept",
    "conflict": "CONFLICT",
}


def to_json(result: InitResult) -> str:
    return json.dumps(result.to_dict(), indent=2, sort_keys=True)


def render_human(result: InitResult, console: Console) -> None:
    def say(text: str, style: str | None = None) -> None:
        console.print(text, markup=False, soft_wrap=True, style=style)

    d = result.detection
    lock = f", lockfile {d.lockfile}" if d.lockfile else ", no lockfile"
    say(
        f"{d.kind} project: {d.package} pinned at {d.version} "
        f"({', '.join(p.location for p in d.pins)}){lock}"
    )
    if result.created_pyproject:
        say(
            "no pyproject.toml here: " + ("would create" if result.dry_run else "created")
            + " one holding only [tool.nemoctl]"
        )
    width = max((len(f.path) for f in result.files), default=0)
    for f in result.files:
        verb = _VERB[f.action]
        if result.dry_run and f.action in ("create", "update"):
            verb = f"would {f.action}"
        note = f"  {f.note}" if f.note else ""
        say(f"  {verb:<14} {f.path:<{width}}{note}")
    for warning in result.warnings:
        say(f"warning: {warning}", style="yellow")
    if result.nothing_to_do:
        say("nothing to do: the project is already set up")
    elif not result.dry_run:
        say(f"wrote {len(result.written)} file(s)")
    say("next:")
    for command in result.next_commands:
        say(f"  {command}")
