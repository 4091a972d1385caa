"""Rendering of supply-chain reports: rich (human), a Markdown section, JSON dicts.

Every function accepts a :class:`SupplyChainReport` or its ``to_dict()`` (reports
embedded in upgrade/CI reports travel as dicts).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console

from nemoctl.sanitize import rich_escape as escape
from nemoctl.supply_chain.report import SupplyChainReport

ReportLike = SupplyChainReport | dict[str, Any]


def to_dict(report: ReportLike) -> dict[str, Any]:
    return report.to_dict() if isinstance(report, SupplyChainReport) else dict(report)


def _rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    release = data.get("release") or {}
    hashes = data.get("hashes") or {}
    rows: list[tuple[str, str]] = []
    if release.get("withdrawn"):
        rows.append(("on index", "no — withdrawn or never published"))
    else:
        uploaded = release.get("upload_time")
        rows.append(("released", uploaded or "unknown (the index publishes no upload time)"))
    if release.get("age"):
        rows.append(("age", str(release["age"])))
    if release.get("minimum_age"):
        eligible = release.get("eligible_at")
        rows.append(("minimum age", str(release["minimum_age"])
                     + (f" (eligible from {eligible})" if eligible else "")))
    if release.get("yanked"):
        reason = release.get("yanked_reason") or "no reason given"
        allowed = " — allowed by --allow-yanked" if release.get("allow_yanked") else ""
        rows.append(("yanked", f"yes: {reason}{allowed}"))
    elif not release.get("withdrawn"):
        rows.append(("yanked", "no"))
    if hashes.get("wheel"):
        rows.append(("wheel", str(hashes["wheel"])))
        rows.append(("sha256", str(hashes.get("sha256"))))
        published = hashes.get("index_sha256")
        if published is None:
            rows.append(("index sha256", "not published"))
        elif published == hashes.get("sha256"):
            rows.append(("index sha256", "matches"))
        else:
            rows.append(("index sha256", f"MISMATCH: {published}"))
    advisories = data.get("advisories") or []
    rows.append(("advisories", ", ".join(a["id"] for a in advisories) if advisories else "none"))
    return rows


def render_human(report: ReportLike, console: Console) -> None:
    data = to_dict(report)
    name = f"{data['package']} {data['version']}"
    verdict = "[green]accepted[/]" if data["ok"] else "[bold red]refused[/]"
    console.print(f"[bold]Supply chain[/] {escape(name)}: {verdict}")
    for label, value in _rows(data):
        console.print(f"  {label:<13} {escape(value)}")
    for finding in data.get("refusals") or []:
        console.print(f"  [red]✗ {escape(finding['check'])}:[/] {escape(finding['message'])}")
    for finding in data.get("warnings") or []:
        console.print(
            f"  [yellow]! {escape(finding['check'])}:[/] {escape(finding['message'])}"
        )


def to_markdown(reports: ReportLike | Iterable[ReportLike]) -> str:
    """A ``### Supply chain`` section with one table per release."""
    items = [reports] if isinstance(reports, SupplyChainReport | dict) else list(reports)
    out = ["### Supply chain", ""]
    for report in items:
        data = to_dict(report)
        mark = "✅ accepted" if data["ok"] else "❌ refused"
        out += [f"**{data['package']} {data['version']}** — {mark}", "",
                "| | |", "|---|---|"]
        out += [f"| {label} | {_cell(value)} |" for label, value in _rows(data)]
        out.append("")
        out += [f"- ❌ **{f['check']}**: {_cell(f['message'])}" for f in data.get("refusals") or []]
        out += [f"- ⚠️ **{f['check']}**: {_cell(f['message'])}" for f in data.get("warnings") or []]
        if data.get("refusals") or data.get("warnings"):
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_github(report: ReportLike) -> str:
    """GitHub workflow commands: one ``::error`` per refusal, ``::warning`` per warning."""
    data = to_dict(report)
    lines = [f"::error title=supply chain ({f['check']})::{_escape_command(f['message'])}"
             for f in data.get("refusals") or []]
    lines += [f"::warning title=supply chain ({f['check']})::{_escape_command(f['message'])}"
              for f in data.get("warnings") or []]
    return "\n".join(lines) + ("\n" if lines else "")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _escape_command(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
