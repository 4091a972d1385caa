"""Render the API surface: the map of the code's LiteLLM API uses (``nemoctl impact``) and
the surface reports of ``impact --to`` (the ``api`` section beside the schema's).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nemoctl.apisurface.model import ApiUsage, ApiUse
from nemoctl.findings import Finding, SurfaceReport
from nemoctl.sanitize import escape_controls, markdown_cell

if TYPE_CHECKING:
    from rich.console import Console

#: How each kind of use reads in the map.
_KIND_TITLES = (
    ("import", "imports"), ("star", "star imports (possibly uses every name)"),
    ("subclass", "subclasses"), ("override", "overridden methods"), ("call", "calls"),
    ("read", "attribute and global reads"), ("write", "global writes"),
    ("delete", "deletes"), ("patch", "patches"),
    ("dynamic", "dynamic access (possibly uses every name)"),
)


def _t(text: str) -> str:
    """Text from the project or a wheel, safe for a terminal and for rich markup."""
    from rich.markup import escape

    return escape(escape_controls(text, keep_newlines=False))


def _detail(use: ApiUse) -> str:
    if use.kind == "import" and use.alias:
        return f" as {use.alias}"
    if use.kind == "call":
        text = f"({', '.join(k + '=' for k in use.keywords)})" if use.keywords else "()"
        return text + (" via an instance" if use.via_instance else "")
    if use.kind in ("subclass", "override"):
        sig = f"({', '.join(p[0] for p in use.signature)})" if use.kind == "override" else ""
        labels = f" [{' '.join(use.labels)}]" if use.labels else ""
        return f" by {use.owner}{sig}{labels}"
    if use.kind in ("write", "patch") and use.value:
        return f" ({use.value})"
    return ""


def map_summary(usage: ApiUsage) -> str:
    files = len({u.file for u in usage.uses})
    return (f"{len(usage.uses)} use(s) of LiteLLM's Python API in {files} of "
            f"{usage.files_scanned} Python file(s)"
            + (f", {len(usage.unparseable)} unparseable" if usage.unparseable else ""))


def render_map_human(usage: ApiUsage, console: Console) -> None:
    from rich.markup import escape

    console.print(f"[bold]Python API map[/]: {escape(map_summary(usage))}")
    for kind, title in _KIND_TITLES:
        uses = [u for u in usage.uses if u.kind == kind]
        if not uses:
            continue
        console.print(f"[bold]{title}[/] ({len(uses)})")
        for u in uses:
            console.print(f"  {_t(u.path)}{_t(_detail(u))}  {_t(u.where)}", highlight=False)
    for bad in usage.unparseable:
        console.print(f"[yellow]unparseable[/] {_t(bad.path)}: {_t(bad.reason)}")


def map_to_markdown(usage: ApiUsage) -> str:
    lines = ["## LiteLLM Python API map", "", map_summary(usage), "",
             "| use | LiteLLM path | where |", "|---|---|---|"]
    for kind, _title in _KIND_TITLES:
        for u in (u for u in usage.uses if u.kind == kind):
            lines.append(f"| {kind} | {markdown_cell(u.path + _detail(u))} | "
                         f"{markdown_cell(u.where)} |")
    for bad in usage.unparseable:
        lines.append(f"\n- unparseable {markdown_cell(bad.path)}: {markdown_cell(bad.reason)}")
    return "\n".join(lines) + "\n"


def map_to_dict(usage: ApiUsage) -> dict[str, Any]:
    return usage.to_dict()


# -- surface reports (impact --to) ---------------------------------------------------------

def _mark(f: Finding) -> str:
    if f.acknowledged:
        return "ack"
    return f.severity


def render_reports_human(reports: Sequence[SurfaceReport], console: Console, *,
                         show_info: bool = True) -> None:
    from rich.markup import escape

    colour = {"ERR": "red", "WARN": "yellow", "INFO": "blue", "ack": "green"}
    for report in reports:
        console.print(f"[bold]{escape(report.surface)}[/]: {escape(report.summary())}")
        for f in report.findings:
            if f.severity == "INFO" and not show_info and f.rule_id != "API_CANNOT_TELL":
                continue
            mark = _mark(f)
            usage = f" [{f.usage}]" if f.usage and f.usage != "used" else ""
            if usage and f.usage_reason:
                usage = f" [{f.usage}: {f.usage_reason}]"
            console.print(f"  [{colour[mark]}]{mark:<4}[/] {_t(f.rule_id)}{_t(usage)}"
                          f"  {_t(f.message)}", highlight=False)
            for place in f.used_at[:5]:
                console.print(f"        at {_t(str(place))}  {_t(place.snippet)}",
                              highlight=False)
            if len(f.used_at) > 5:
                console.print(f"        +{len(f.used_at) - 5} more place(s)")
            if f.acknowledged and f.ack_reason:
                console.print(f"        acknowledged: {_t(f.ack_reason)}")
            elif f.hint and f.severity != "INFO":
                console.print(f"        fix: {_t(f.hint)}", highlight=False)
            console.print(f"        fingerprint {f.fingerprint}", style="dim")
        for note in report.notes:
            console.print(f"  note: {_t(note)}", style="dim", highlight=False)


def reports_to_markdown(reports: Sequence[SurfaceReport]) -> str:
    lines: list[str] = []
    for report in reports:
        lines += [f"### {report.surface}", "", report.summary(), ""]
        if report.findings:
            lines += ["| severity | rule | finding | where |", "|---|---|---|---|"]
            for f in report.findings:
                where = ", ".join(str(p) for p in f.used_at[:3]) or "—"
                lines.append(f"| {_mark(f)} | `{f.rule_id}` | {markdown_cell(f.message)} | "
                             f"{markdown_cell(where)} |")
            lines.append("")
        lines += [f"- {markdown_cell(note)}" for note in report.notes]
    return "\n".join(lines) + "\n"


def reports_to_dict(reports: Sequence[SurfaceReport], fail_on: str) -> dict[str, Any]:
    return {r.surface: r.to_dict(fail_on=fail_on) for r in reports}


def reports_to_github(reports: Sequence[SurfaceReport]) -> str:
    """GitHub workflow commands: one annotation per place a finding is used."""
    level = {"ERR": "error", "WARN": "warning", "INFO": "notice"}
    out = []
    for report in reports:
        for f in report.findings:
            kind = "notice" if f.acknowledged else level[f.severity]
            title = _escape_property(f"nemoctl {f.rule_id}")
            for place in f.used_at or ((f.location,) if f.location else ()):
                props = f"file={_escape_property(place.path)}"
                if place.line:
                    props += f",line={place.line}"
                if place.column:
                    props += f",col={place.column}"
                out.append(f"::{kind} {props},title={title}::{_escape_data(f.message)}")
    return "".join(line + "\n" for line in out)


def merge_json(base: str, key: str, value: object) -> str:
    """A report's JSON with one more top-level key (the JSON only ever grows)."""
    data = json.loads(base)
    data[key] = value
    return json.dumps(data, indent=2) + "\n"


def _escape_data(text: str) -> str:
    text = escape_controls(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
