"""Render a :class:`~nemoctl.db.DbReport`: human (rich), Markdown, JSON, GitHub annotations.

The same four formats as ``nemoctl diff``; sacred findings come first in each.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.db.report import DbFinding, DbReport

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("human", "markdown", "json", "github")
_STYLE = {"ERR": "bold red", "WARN": "yellow", "INFO": "dim"}
_GITHUB_LEVEL = {"ERR": "error", "WARN": "warning", "INFO": "notice"}


def summary(report: DbReport) -> str:
    counts = report.counts()
    head = (
        f"{report.models_checked} models, {report.columns_checked} columns checked: "
        f"{counts['ERR']} ERR, {counts['WARN']} WARN, {counts['INFO']} INFO"
    )
    if report.blocking:
        return head + " — BLOCKED: a sacred field is missing or incompatible"
    return head


def _origin(report: DbReport) -> str:
    line = f"{report.target} (schema {report.namespace!r}) vs {report.schema_source}"
    if report.migrations_applied is not None:
        line += f"; {report.migrations_applied} migrations applied"
    return line


def render_human(report: DbReport, console: Console) -> None:
    from nemoctl.sanitize import rich_escape as escape

    console.print(f"[bold]db verify[/]: {escape(_origin(report))}")
    broken = [s for s in report.sacred if s.state != "ok"]
    if report.sacred:
        ok = len(report.sacred) - len(broken)
        console.print(f"sacred fields: {ok}/{len(report.sacred)} ok")
        for status in broken:
            console.print(
                f"  [bold red]{status.state}[/] {escape(status.model)}.{escape(status.field)}"
            )
    for finding in report.findings:
        mark = "[bold red]SACRED[/] " if finding.sacred else ""
        console.print(
            f"{mark}[{_STYLE[finding.severity]}]{finding.severity:<4}[/] "
            f"{finding.rule_id}  {escape(finding.message)}"
        )
        if finding.expected or finding.actual:
            console.print(
                f"       expected {escape(finding.expected or '-')}, "
                f"found {escape(finding.actual or '-')}",
                style="dim",
            )
    style = "bold red" if report.blocking else ("yellow" if report.findings else "green")
    console.print(summary(report), style=style)


def _md_cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def to_markdown(report: DbReport) -> str:
    lines = ["## nemoctl db verify", "", _md_cell(_origin(report)), "", f"**{summary(report)}**"]
    if report.sacred:
        lines += ["", "### Sacred fields", "", "| field | state | column |", "|---|---|---|"]
        for s in report.sacred:
            column = f"`{s.table}.{s.column}`" if s.table else ""
            lines.append(f"| `{s.model}.{s.field}` | {s.state} | {column} |")
    if report.findings:
        lines += ["", "### Findings", "",
                  "| severity | rule | where | message | expected | found |",
                  "|---|---|---|---|---|---|"]
        for f in report.findings:
            severity = f"**{f.severity}** (sacred)" if f.sacred else f.severity
            lines.append(
                f"| {severity} | `{f.rule_id}` | `{_md_cell(f.location)}` | {_md_cell(f.message)} "
                f"| {_md_cell(f.expected)} | {_md_cell(f.actual)} |"
            )
    return "\n".join(lines) + "\n"


def to_json(report: DbReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n"


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_line(finding: DbFinding) -> str:
    title = f"{finding.rule_id}{' (sacred)' if finding.sacred else ''}"
    return (
        f"::{_GITHUB_LEVEL[finding.severity]} title={_escape_github(title).replace(',', '%2C')}"
        f"::{_escape_github(finding.message)}"
    )


def to_github(report: DbReport) -> str:
    lines = [_github_line(f) for f in report.findings]
    lines.append(f"::notice title=nemoctl db verify::{_escape_github(summary(report))}")
    return "\n".join(lines) + "\n"
