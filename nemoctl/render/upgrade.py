"""Rendering of ``nemoctl upgrade`` reports: progress lines, a human summary, JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from nemoctl.sanitize import rich_escape as escape
from nemoctl.upgrade.report import StepResult, UpgradeReport
from nemoctl.upgrade.transaction import RecoveryResult

_MARK = {"ok": "[green]✓[/]", "failed": "[red]✗[/]", "skipped": "[dim]-[/]",
         "planned": "[cyan]·[/]", "background": "[cyan]↻[/]"}


class ProgressPrinter:
    """One line per finished step, with its wall time (plain text when not a TTY)."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, step: str, result: StepResult | None) -> None:
        if result is None:
            return
        mark = _MARK.get(result.status, result.status)
        detail = f"  [dim]{escape(result.detail)}[/]" if result.detail else ""
        self.console.print(f"{mark} {step:<13} {result.duration_s:6.2f}s{detail}")


def to_json(report: UpgradeReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, default=str) + "\n"


def render_human(report: UpgradeReport, console: Console) -> None:
    """The closing summary: versions, schema, sacred status, files, contracts, timings."""
    if report.error is not None and report.from_version is None:
        # Refused before the pin was even read: a summary would only say "? → X" above
        # the error; the error (printed by the CLI) is the whole story.
        return
    arrow = f"{report.from_version or '?'} → {report.to_version or report.requested}"
    verb = "would upgrade" if report.dry_run and report.mode == "upgrade" else report.mode
    console.print()
    console.print(f"[bold]{report.package}[/] {escape(arrow)}  ({verb})")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if report.coupled:
        coupled = ", ".join(f"{k} {v}" for k, v in report.coupled.items())
        console.print(f"  coupled pins: {escape(coupled)}")
    if report.resolution and not report.resolution.get("ok", True):
        console.print(f"  resolution: [red]{escape(str(report.resolution.get('reason')))}[/]")
    for sc in report.supply_chain:
        _supply_chain_line(sc, console)
    if report.diff_report is not None:
        _render_schema(report, console)
    if report.schema is not None:
        sacred = report.schema.get("sacred") or []
        broken = [f"{s['model']}.{s['field']}" for s in sacred if s.get("blocking")]
        state = f"[red]broken: {escape(', '.join(broken))}[/]" if broken else "[green]intact[/]"
        if not sacred:  # only with --allow-unprotected: say so, never "0/0 intact"
            state = "[yellow]none: no sacred fields, nothing the product reads is guarded[/]"
        console.print(f"  sacred fields: {len(sacred) - len(broken)}/{len(sacred)} {state}")
    if report.migration_report is not None:
        from nemoctl.render.migrations import render_human as render_migrations

        render_migrations(report.migration_report, console, statements=False)
    for edit in report.pin_edits:
        console.print(
            f"  pin {escape(edit['location'])}: {escape(edit['old_text'])} → "
            f"{escape(edit['new_text'])}"
        )
    if report.lockfile and report.lockfile.get("path"):
        console.print(f"  lockfile: {report.lockfile['path']} refreshed")
    if report.files_written or report.files_deleted:
        console.print(
            f"  regenerated: {len(report.files_written)} file(s) written, "
            f"{len(report.files_deleted)} removed"
        )
    if report.stale_files:
        console.print(f"  out of date: {escape(', '.join(report.stale_files))}")
    if report.contracts is not None:
        c = report.contracts
        if c.get("passed"):
            total = f" ({c['total']} contracts)" if c.get("total") else ""
            console.print(f"  contracts: [green]passed[/]{total} via {escape(str(c['runner']))}")
        else:
            console.print("  contracts: [red]failed[/]")
            for name in c.get("failed", []):
                console.print(f"    [red]✗[/] {escape(name)}")
    if report.typecheck is not None:
        t = report.typecheck
        state = "[green]passed[/]" if t.get("passed") else "[red]failed[/]"
        console.print(f"  typecheck: {state}")
        for cmd in t.get("commands", []):
            if not cmd.get("passed"):
                console.print(f"    [red]✗[/] {escape(cmd['command'])} (exit {cmd['returncode']})")
                for item in cmd.get("findings", [])[:20]:
                    console.print(f"      {escape(item['path'])}:{item['line']}: "
                                  f"{escape(item['message'])}", highlight=False)
    if report.commit:
        on = f" on branch {report.branch}" if report.branch else ""
        console.print(f"  committed {report.commit[:12]}{escape(on)}")
    timings = "  ".join(s.timing() for s in report.steps)
    console.print(f"  [dim]timings: {timings}  (total {report.total_s:.2f}s wall)[/]")
    if report.restored:
        console.print("  [yellow]every file was restored byte-identical[/]")


def _supply_chain_line(sc: dict[str, Any], console: Console) -> None:
    name = f"{sc.get('package', '?')} {sc.get('version', '')}".strip()
    warnings = sc.get("warnings") or []
    refusals = sc.get("refusals") or []
    state = "[red]refused[/]" if refusals else "[green]accepted[/]"
    console.print(f"  supply chain: {escape(name)} {state}")
    for item in [*refusals, *warnings]:
        text = item.get("message", item) if isinstance(item, dict) else item
        console.print(f"    {escape(str(text))}")


def _render_schema(report: UpgradeReport, console: Console) -> None:
    diff_report = report.diff_report
    changes = list(getattr(diff_report, "changes", ()))
    if not changes and not getattr(diff_report, "blocking", False):
        console.print("  schema: no changes")
        return
    try:
        from nemoctl.render.diff import render_human as render_diff
    except ImportError:  # pragma: no cover - the diff renderer ships with nemoctl
        console.print(f"  schema: {len(changes)} change(s)")
        return
    render_diff(diff_report, console)


def render_recovery(result: RecoveryResult, console: Console) -> None:
    if not result.found:
        console.print("nothing to recover: no interrupted upgrade left a journal here")
        return
    console.print(
        f"restored an interrupted upgrade ({escape(result.label or '?')}, pid {result.pid}, "
        f"started {result.started}): {len(result.restored)} file(s) restored, "
        f"{len(result.removed)} removed"
    )
    for path in result.conflicts:
        console.print(
            f"[yellow]warning:[/] {escape(path)} had been edited after the crash; "
            f"your version is in .nemoctl/recovered/{escape(path)}"
        )
