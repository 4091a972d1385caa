"""Rendering of ``nemoctl upgrade`` reports: progress lines, a human summary, JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Console

from nemoctl.sanitize import rich_escape as escape
from nemoctl.transaction import RecoveryResult
from nemoctl.upgrade.report import StepResult, UpgradeReport

if TYPE_CHECKING:
    from nemoctl.diff.report import DiffReport
    from nemoctl.findings import SurfaceReport
    from nemoctl.impact.typecheck import TypecheckResult
    from nemoctl.supply_chain import SupplyChainReport

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
    for ack in report.acknowledgements:
        if ack.state not in ("used", "elsewhere"):
            console.print(f"[yellow]ack {ack.state}:[/] {escape(ack.message)}")
    if report.coupled:
        coupled = ", ".join(f"{k} {v}" for k, v in report.coupled.items())
        console.print(f"  coupled pins: {escape(coupled)}")
    resolution = report.resolve.resolution if report.resolve else None
    if resolution is not None and not resolution.ok:
        console.print(f"  resolution: [red]{escape(str(resolution.reason))}[/]")
    for sc in report.supply_chain.reports if report.supply_chain else ():
        _supply_chain_line(sc, console)
    if report.schema is not None:
        _render_schema(report.schema.report, console)
    if report.migrations is not None and report.migrations.gate.report is not None:
        from nemoctl.render.migrations import render_human as render_migrations

        render_migrations(report.migrations.gate.report, console, statements=False)
    if report.surfaces is not None:
        _render_surfaces(report.surfaces.reports, console)
    for edit in report.pin_edits:
        console.print(
            f"  pin {escape(edit.location)}: {escape(edit.old_text)} → {escape(edit.new_text)}"
        )
    if report.lockfile is not None and report.lockfile.refresh.path:
        console.print(f"  lockfile: {report.lockfile.refresh.path} refreshed")
    if report.files_written or report.files_deleted:
        console.print(
            f"  regenerated: {len(report.files_written)} file(s) written, "
            f"{len(report.files_deleted)} removed"
        )
    if report.stale_files:
        console.print(f"  out of date: {escape(', '.join(report.stale_files))}")
    outcome = report.contracts.outcome if report.contracts else None
    if outcome is not None:
        if outcome.passed:
            total = f" ({outcome.total} contracts)" if outcome.total else ""
            console.print(f"  contracts: [green]passed[/]{total} via {escape(outcome.runner)}")
        else:
            console.print("  contracts: [red]failed[/]")
            for name in outcome.failed:
                console.print(f"    [red]✗[/] {escape(name)}")
    if report.typecheck is not None:
        _render_typecheck(report.typecheck.result, console)
    if report.commit:
        on = f" on branch {report.branch}" if report.branch else ""
        console.print(f"  committed {report.commit[:12]}{escape(on)}")
    timings = "  ".join(s.timing() for s in report.steps)
    console.print(f"  [dim]timings: {timings}  (total {report.total_s:.2f}s wall)[/]")
    if report.restored:
        console.print("  [yellow]every file was restored byte-identical[/]")


def _supply_chain_line(sc: SupplyChainReport, console: Console) -> None:
    state = "[red]refused[/]" if sc.refusals else "[green]accepted[/]"
    console.print(f"  supply chain: {escape(f'{sc.package} {sc.version}')} {state}")
    for item in (*sc.refusals, *sc.warnings):
        console.print(f"    {escape(item.message)}")


def _render_schema(diff_report: DiffReport, console: Console) -> None:
    from nemoctl.render.diff import render_human as render_diff

    if not diff_report.changes and not diff_report.blocking:
        console.print("  schema: no changes")
    else:
        render_diff(diff_report, console)
    sacred = diff_report.sacred
    broken = [f"{s.model}.{s.field}" for s in sacred if s.blocking]
    state = f"[red]broken: {escape(', '.join(broken))}[/]" if broken else "[green]intact[/]"
    if not sacred:  # only with --allow-unprotected: say so, never "0/0 intact"
        state = "[yellow]none: no sacred fields, nothing the product reads is guarded[/]"
    console.print(f"  sacred fields: {len(sacred) - len(broken)}/{len(sacred)} {state}")


def _render_surfaces(reports: tuple[SurfaceReport, ...], console: Console) -> None:
    """Each surface's findings, worst first, with where and the rule's fix."""
    for report in reports:
        counts = report.counts()
        summary = ", ".join(f"{counts[s]} {s}" for s in ("ERR", "WARN", "INFO") if counts.get(s))
        console.print(f"  {escape(report.surface)}: {escape(summary or 'no findings')}"
                      + (f" ({report.unused_changes} unused change(s))"
                         if report.unused_changes else ""))
        for finding in report.findings:
            mark = "[red]✗[/]" if finding.blocking else "[yellow]![/]" \
                if finding.severity == "WARN" else "[dim]·[/]"
            where = (f" {escape(finding.location.path)}:{finding.location.line}"
                     if finding.location else "")
            ack = " [dim](acknowledged)[/]" if finding.acknowledged else ""
            console.print(f"    {mark} {finding.severity} {escape(finding.rule_id)}{where}: "
                          f"{escape(finding.message)}{ack}", highlight=False)
        for note in report.notes:
            console.print(f"    [dim]{escape(note)}[/]")


def _render_typecheck(result: TypecheckResult, console: Console) -> None:
    state = "[green]passed[/]" if result.passed else "[red]failed[/]"
    console.print(f"  typecheck: {state}")
    for cmd in result.commands:
        if not cmd.passed:
            console.print(f"    [red]✗[/] {escape(cmd.command)} (exit {cmd.returncode})")
            for item in cmd.findings[:20]:
                console.print(f"      {escape(item.path)}:{item.line}: {escape(item.message)}",
                              highlight=False)


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
