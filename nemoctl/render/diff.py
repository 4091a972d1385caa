"""Render a :class:`~nemoctl.diff.DiffReport`: human (rich), Markdown, JSON, GitHub annotations.

Sacred fields come first in every format, then changes from ERR down to INFO.
Nothing here adds a timestamp or depends on the terminal, so the same report always
renders to the same text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nemoctl.diff.report import Change, DiffReport, Use
from nemoctl.sanitize import escape_controls, markdown_cell

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("human", "markdown", "json", "github")
_STYLE = {"ERR": "bold red", "WARN": "yellow", "INFO": "dim"}
_GITHUB_LEVEL = {"ERR": "error", "WARN": "warning", "INFO": "notice"}

#: A schema file as the CI job sees it: (path to show, its text).
SchemaFile = tuple[str, str]


def summary(report: DiffReport) -> str:
    counts = report.counts()
    head = (f"{counts['ERR']} ERR, {counts['WARN']} WARN, {counts['INFO']} INFO"
            + (f", {counts['acknowledged']} acknowledged" if counts["acknowledged"] else ""))
    broken = len(report.sacred_broken)
    if broken:
        return f"{head} — BLOCKED: {broken} sacred field problem(s)"
    if report.blocking:
        return f"{head} — BLOCKED: unacknowledged ERR change(s)"
    return head



def render_human(report: DiffReport, console: Console, *, show_info: bool = True) -> None:
    from rich.table import Table

    from nemoctl.sanitize import rich_escape as escape

    console.print(f"[bold]schema diff[/]: {escape(report.old_label)} → {escape(report.new_label)}")
    if report.sacred:
        broken = report.sacred_broken
        ok = len(report.sacred) - len(broken)
        style = "bold red" if broken else "green"
        console.print(f"[{style}]sacred fields: {ok}/{len(report.sacred)} ok[/]")
        for s in broken:
            console.print(f"  [bold red]{escape(s.state)}[/] {escape(s.model)}.{escape(s.field)}"
                          f" ({escape(s.expected_type)}): {escape(s.message)}")
            if s.owner:
                console.print(f"    owner {escape(s.owner)}: {escape(s.reason)}", style="dim")
    shown = [c for c in report.changes if show_info or c.severity != "INFO" or c.sacred]
    if shown:
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("severity", no_wrap=True)
        table.add_column("rule", no_wrap=True)
        table.add_column("change", overflow="fold", ratio=1)
        table.add_column("fingerprint", no_wrap=True)
        scanned = report.usage_scan is not None
        if scanned:
            table.add_column("used", no_wrap=True)
        for c in shown:
            severity = f"[{_STYLE[c.severity]}]{c.severity}[/]"
            if c.original_severity:
                severity += f" [dim](was {c.original_severity})[/]"
            if c.sacred:
                severity += " [bold red]SACRED[/]"
            elif c.acknowledged:
                severity = f"[dim]{c.severity} ack[/]"
            row = [severity, c.rule_id, escape(c.message), c.fingerprint]
            if scanned:
                row.append(usage_cell(c))
            table.add_row(*row)
        console.print(table)
        for rule_id, hint in hints(shown):
            console.print(f"[dim]hint[/] [bold]{rule_id}[/]: {escape(hint)}")
        for c in shown:
            if c.used_at and (show_info or c.severity != "INFO"):
                console.print(f"[bold]{c.rule_id}[/] {escape(_target(c))} used at:")
                for line in use_lines(c):
                    console.print(f"  {escape(line)}", highlight=False)
            elif c.usage == "possibly used" and (show_info or c.severity != "INFO"):
                console.print(f"[bold]{c.rule_id}[/] {escape(_target(c))} possibly used "
                              "(the table is reached without naming its columns) at:")
                for line in use_lines(c, uses=c.possibly_used_at):
                    console.print(f"  {escape(line)}", highlight=False)
    elif not report.changes:
        console.print("no changes", style="green")
    if report.usage_scan:
        console.print(escape(scan_summary(report.usage_scan)), style="dim")
    hidden = len(report.changes) - len(shown)
    if hidden:
        console.print(f"({hidden} INFO change(s) not shown)", style="dim")
    for ack in report.acknowledgements:
        if ack.state not in QUIET_ACK_STATES:
            console.print(f"[yellow]ack {ack.state}[/]: {escape(ack.message)}")
    style = "bold red" if report.blocking else ("yellow" if report.open_changes else "green")
    console.print(summary(report), style=style)


#: Acknowledgement states not worth a line: it worked, or it is another surface's.
QUIET_ACK_STATES = frozenset({"used", "elsewhere"})


def hints(changes: Sequence[Change]) -> list[tuple[str, str]]:
    """What to do, once per rule, for the open ERR and WARN changes (the rule's fix)."""
    seen: dict[str, str] = {}
    for c in changes:
        if (c.sacred or not c.acknowledged) and c.severity != "INFO" and c.hint:
            seen.setdefault(c.rule_id, c.hint)
    return list(seen.items())


#: Uses listed per finding in text and Markdown (the JSON has them all).
USES_SHOWN = 5


def _target(c: Change) -> str:
    return f"{c.model}.{c.field}" if c.field else c.model


def usage_cell(c: Change) -> str:
    if c.used_at is None:
        return ""
    if c.usage == "possibly used":
        return f"possibly used ({c.possibly_used_at[0].kind})"
    return f"{len(c.used_at)} use(s)" if c.used_at else "unused"


def use_lines(c: Change, limit: int = USES_SHOWN, uses: tuple[Use, ...] | None = None
              ) -> list[str]:
    uses = c.used_at or () if uses is None else uses
    lines = [f"{u.path}:{u.line}:{u.column} {u.kind}: {u.snippet}" for u in uses[:limit]]
    if len(uses) > limit:
        lines.append(f"... and {len(uses) - limit} more")
    return lines


def scan_summary(scan: dict[str, object]) -> str:
    skipped = scan.get("skipped") or []
    bad = scan.get("unparseable") or []
    text = f"usage scan: {scan.get('files_scanned', 0)} file(s), {scan.get('uses', 0)} use(s)"
    if skipped:
        text += f", {len(skipped)} skipped"  # type: ignore[arg-type]
    if bad:
        text += f", {len(bad)} unparseable"  # type: ignore[arg-type]
    return text


def _cell(text: str | None) -> str:
    return markdown_cell(text)


def _change_rows(changes: Sequence[Change], *, scanned: bool = False) -> list[str]:
    rows = ["| severity | rule | change | fingerprint |", "|---|---|---|---|"]
    if scanned:
        rows = ["| severity | rule | change | fingerprint | used at |", "|---|---|---|---|---|"]
    for c in changes:
        severity: str = c.severity
        if c.original_severity:
            severity = f"{c.severity} (was {c.original_severity}: unused)"
        if c.sacred:
            severity = f"**{c.severity} (sacred)**"
        elif c.acknowledged:
            severity = f"{c.severity} (acknowledged: {_cell(c.ack_reason)})"
        row = f"| {severity} | `{c.rule_id}` | {_cell(c.message)} | `{c.fingerprint}` |"
        if scanned:
            row += f" {_used_cell(c)} |"
        rows.append(row)
    return rows


def _used_cell(c: Change) -> str:
    if c.usage == "possibly used":
        first = c.possibly_used_at[0]
        return f"possibly used ({first.kind}): `{_cell(first.path)}:{first.line}`"
    if not c.used_at:
        return "unused" if c.used_at is not None else ""
    shown = [f"`{_cell(u.path)}:{u.line}`" for u in c.used_at[:3]]
    more = len(c.used_at) - len(shown)
    return ", ".join(shown) + (f" +{more} more" if more else "")


def to_markdown(report: DiffReport) -> str:
    """A PR comment: verdict, sacred problems, ERR/WARN table, INFO folded away."""
    verdict = "BLOCKED" if report.blocking else ("changes" if report.open_changes else "no changes")
    lines = [f"## nemoctl schema diff: {_cell(report.old_label)} → {_cell(report.new_label)}",
             "", f"**{verdict}** — {summary(report)}"]
    if report.sacred:
        broken = report.sacred_broken
        lines += ["", f"### Sacred fields: {len(report.sacred) - len(broken)}/"
                  f"{len(report.sacred)} ok"]
        if broken:
            lines += ["", "| field | expected | state | detail | owner |", "|---|---|---|---|---|"]
            for s in broken:
                lines.append(f"| `{_cell(s.model)}.{_cell(s.field)}` | "
                             f"`{_cell(s.expected_type)}` | **{s.state}** | "
                             f"{_cell(s.message)} | {_cell(s.owner)} |")
    scanned = report.usage_scan is not None
    major = [c for c in report.changes if c.severity != "INFO" or c.sacred]
    minor = [c for c in report.changes if c.severity == "INFO" and not c.sacred]
    if major:
        lines += ["", "### Changes", "", *_change_rows(major, scanned=scanned)]
        todo = hints(major)
        if todo:
            lines += ["", "**What to do** (`nemoctl rules explain ID` says more):", ""]
            lines += [f"- `{rule_id}`: {_cell(hint)}" for rule_id, hint in todo]
    if minor:
        lines += ["", f"<details><summary>{len(minor)} INFO change(s)</summary>", "",
                  *_change_rows(minor, scanned=scanned), "", "</details>"]
    used = [c for c in major if c.used_at or c.usage == "possibly used"]
    if used:
        lines += ["", "### Where this project uses what changed", ""]
        for c in used:
            if c.used_at:
                lines.append(f"- `{c.rule_id}` `{_cell(_target(c))}`:")
                lines += [f"  - `{_cell(line)}`" for line in use_lines(c)]
            else:
                lines.append(f"- `{c.rule_id}` `{_cell(_target(c))}` possibly used (the "
                             "table is reached without naming its columns):")
                lines += [f"  - `{_cell(line)}`"
                          for line in use_lines(c, uses=c.possibly_used_at)]
    if report.usage_scan:
        lines += ["", f"_{_cell(scan_summary(report.usage_scan))}_"]
    notes = [a for a in report.acknowledgements if a.state not in QUIET_ACK_STATES]
    if notes:
        lines += ["", "### Acknowledgements", ""]
        lines += [f"- **{a.state}**: {_cell(a.message)}" for a in notes]
    if report.blocking:
        lines += ["", "Accept a reviewed non-sacred change by adding its fingerprint to "
                  "`schemas/acknowledged.toml`; sacred changes cannot be acknowledged."]
    return "\n".join(lines) + "\n"


def to_json(report: DiffReport, *, fail_on: str | None = None) -> str:
    return json.dumps(report.to_dict(fail_on=fail_on), indent=2) + "\n"


def _escape_data(text: str) -> str:
    text = escape_controls(text)  # newlines survive here, as %0A below
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def locate(text: str, block: str, member: str = "") -> int | None:
    """The 1-based line of ``model|enum block`` (or of ``member`` inside it) in a schema."""
    lines = text.splitlines()
    head = re.compile(rf"^\s*(model|enum|view|type)\s+{re.escape(block)}\s*\{{")
    for number, line in enumerate(lines, start=1):
        if head.match(line):
            if not member:
                return number
            item = re.compile(rf"^\s*{re.escape(member)}(\s|$)")
            for offset, inner in enumerate(lines[number:], start=number + 1):
                if inner.strip().startswith("}"):
                    return number
                if item.match(inner):
                    return offset
            return number
    return None


def _annotation(level: str, title: str, message: str, where: SchemaFile | None,
                block: str = "", member: str = "") -> str:
    props = []
    if where is not None:
        props.append(f"file={_escape_property(where[0])}")
        line = locate(where[1], block, member) if block else None
        if line is not None:
            props.append(f"line={line}")
    props.append(f"title={_escape_property(title)}")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


#: Consumer-line annotations per finding (GitHub shows only the first few per step anyway).
GITHUB_USES = 20


def to_github(report: DiffReport, *, old_file: SchemaFile | None = None,
              new_file: SchemaFile | None = None, fail_on: str = "INFO") -> str:
    """Workflow commands: one annotation per sacred problem and per change at/above ``fail_on``.

    Removals point into the old file, everything else into the new one (when the
    schemas are files in the checkout; otherwise annotations carry no location).
    """
    from nemoctl.diff.report import at_least

    out: list[str] = []
    for s in report.sacred_broken:
        out.append(_annotation("error", f"sacred field {s.state}", f"{s.message} "
                               f"(owner {s.owner}: {s.reason})", new_file, s.model, s.field))
    for c in report.changes:
        if not (c.sacred or at_least(c.severity, fail_on)):
            continue
        level = "error" if c.sacred else _GITHUB_LEVEL[c.severity]
        if c.acknowledged and not c.sacred:
            level = "notice"
        where = old_file if (c.before and not c.after) else new_file
        member = c.field if c.subject in ("field", "enum_value") else ""
        title = f"{c.rule_id}{' (sacred)' if c.sacred else ''} [{c.fingerprint}]"
        out.append(_annotation(level, title, c.message, where, c.model, member))
        # The same finding on the consumer's own lines, where a reviewer reads the code.
        for u in (c.used_at or ())[:GITHUB_USES]:
            props = (f"file={_escape_property(u.path)},line={u.line},col={u.column},"
                     f"title={_escape_property(f'{title} uses {_target(c)}')}")
            out.append(f"::{level} {props}::{_escape_data(f'{c.message} ({u.kind} use)')}")
    for a in report.acknowledgements:
        if a.state not in QUIET_ACK_STATES:
            out.append(f"::warning title=acknowledgement {a.state}::{_escape_data(a.message)}")
    out.append(f"::notice title=nemoctl diff::{_escape_data(summary(report))}")
    return "\n".join(out) + "\n"
