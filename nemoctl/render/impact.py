"""Render a usage map (``nemoctl impact`` without ``--to``) and sacred suggestions.

With ``--to`` the impact report *is* a diff report and renders through
:mod:`nemoctl.render.diff`; nothing here duplicates it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.impact.model import Row, UsageMap

if TYPE_CHECKING:
    from rich.console import Console


#: The member key of the rows that make a whole table possibly used (sorts last).
POSSIBLE = "~possible"


def _grouped(usage: UsageMap) -> dict[str, dict[str, list[Row]]]:
    out: dict[str, dict[str, list[Row]]] = {}
    for row in usage.rows:
        member = POSSIBLE if row[2] == "possible" else row[1]
        out.setdefault(row[0], {}).setdefault(member, []).append(row)
    return out


def _label(member: str, uses: list[Row]) -> str:
    if member == POSSIBLE:
        kinds = ", ".join(sorted({r[6] for r in uses}))
        return f"every column possibly used ({kinds})"
    return member or "(the model / table itself)"


def _summary(usage: UsageMap) -> str:
    models = len({r[0] for r in usage.rows})
    members = len({(r[0], r[1]) for r in usage.rows if r[1]})
    possible = len({r[0] for r in usage.rows if r[2] == "possible"})
    return (f"{usage.files_scanned} file(s) scanned, {len(usage.rows)} use(s) of {models} "
            f"model(s)/enum(s) and {members} field(s)/value(s)"
            + f", {possible} table(s) possibly used"
            + (f", {len(usage.skipped)} skipped" if usage.skipped else "")
            + (f", {len(usage.unparseable)} unparseable" if usage.unparseable else ""))


def render_human(usage: UsageMap, console: Console, *, limit: int = 3) -> None:
    from rich.markup import escape

    console.print(f"[bold]usage map[/]: {escape(_summary(usage))}")
    for model, members in sorted(_grouped(usage).items()):
        total = sum(len(v) for v in members.values())
        console.print(f"[bold]{escape(model)}[/] ({total} use(s))")
        for member, uses in sorted(members.items()):
            label = _label(member, uses)
            where = ", ".join(f"{r[3]}:{r[4]}" for r in uses[:limit])
            more = f" +{len(uses) - limit} more" if len(uses) > limit else ""
            console.print(f"  {escape(label)}: {escape(where)}{more}", highlight=False)
    _problems(usage, console)


def _problems(usage: UsageMap, console: Console) -> None:
    from rich.markup import escape

    for s in usage.skipped:
        console.print(f"[yellow]skipped[/] {escape(s.path)}: {escape(s.reason)}")
    for s in usage.unparseable:
        console.print(f"[yellow]unparseable[/] {escape(s.path)}: {escape(s.reason)}")


def to_markdown(usage: UsageMap) -> str:
    lines = ["## nemoctl usage map", "", _summary(usage), "",
             "| model | field | uses | first use |", "|---|---|---|---|"]
    for model, members in sorted(_grouped(usage).items()):
        for member, uses in sorted(members.items()):
            first = uses[0]
            shown = f"`{member}`" if member and member != POSSIBLE else (
                _label(member, uses) if member else "—")
            lines.append(f"| `{model}` | {shown} | {len(uses)} | `{first[3]}:{first[4]}` |")
    for s in usage.skipped:
        lines.append(f"\n- skipped `{s.path}`: {s.reason}")
    for s in usage.unparseable:
        lines.append(f"\n- unparseable `{s.path}`: {s.reason}")
    return "\n".join(lines) + "\n"


def to_json(usage: UsageMap) -> str:
    # Compact: a large repository has tens of thousands of uses, and the indenting
    # encoder is pure Python (10x slower than the compact one); pipe through jq to read.
    return json.dumps(usage.to_dict(), separators=(",", ":")) + "\n"


def _esc(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def to_github(usage: UsageMap) -> str:
    out = [f"::warning file={_esc(s.path, True)},title=nemoctl impact::"
           f"{_esc('unparseable: ' + s.reason)}" for s in usage.unparseable]
    out.append(f"::notice title=nemoctl impact::{_esc(_summary(usage))}")
    return "\n".join(out) + "\n"
