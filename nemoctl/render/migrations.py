"""Render a :class:`~nemoctl.migrations.MigrationReport`: human (rich), Markdown, JSON, GitHub.

Every format shows the migrations in the order Prisma applies them, each statement's
lock, and the findings (sacred first, then by severity).  GitHub annotations name the
migration file and line, so a PR shows the warning on the SQL that causes it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.migrations.locks import effect
from nemoctl.migrations.report import Finding, MigrationReport
from nemoctl.migrations.statements import Statement
from nemoctl.sanitize import escape_controls, markdown_cell

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {"ERR": "bold red", "WARN": "yellow", "INFO": "dim"}
_GITHUB_LEVEL = {"ERR": "error", "WARN": "warning", "INFO": "notice"}


def summary(report: MigrationReport) -> str:
    text = report.summary()
    if report.blocking:
        text += " — BLOCKED"
    return text


def _origin(report: MigrationReport) -> str:
    if report.live is not None:
        applied = len(report.live.applied)
        return (f"{report.new_label} against {report.live.database} "
                f"({applied} applied per _prisma_migrations)")
    return f"{report.old_label} → {report.new_label}"


def _lock_text(stmt: Statement) -> str:
    if stmt.deferred:
        return "runs when the function is called"
    if stmt.lock is None:
        return "no table lock"
    text = f"{stmt.lock} ({effect(stmt.lock)})"
    return text + ", rewrites the table" if stmt.rewrite else text


def _where(stmt: Statement) -> str:
    return "" if stmt.context == "top" else (" [DO block]" if stmt.context == "do"
                                             else " [function body]")


def _size_note(report: MigrationReport, stmt: Statement) -> str:
    if report.live is None:
        return ""
    notes = []
    for table in stmt.tables:
        size = report.live.size(table)
        if size is not None:
            notes.append(f"{table}: {size.label}{' (large)' if size.large else ''}")
    return "; ".join(notes)


def render_human(report: MigrationReport, console: Console, *, statements: bool = True) -> None:
    from nemoctl.sanitize import rich_escape as escape

    console.print(f"[bold]migrations plan[/]: {escape(_origin(report))}")
    if statements:
        for migration in report.pending:
            console.print(f"[bold]{escape(migration.name)}[/]"
                          + ("  [dim](no-op: SELECT 1)[/]" if migration.noop else ""))
            for stmt in migration.statements:
                if stmt.kind == "DO" or (not stmt.actions and stmt.error is None):
                    continue
                what = stmt.summary or stmt.kind
                if stmt.tables:
                    what = f"{', '.join(stmt.tables)}: {what}"
                console.print(f"  {stmt.line:>4}{escape(_where(stmt))} {escape(what)} — "
                              f"{escape(_lock_text(stmt))}", highlight=False)
                note = _size_note(report, stmt)
                if note:
                    console.print(f"        {escape(note)}", style="dim")
    if report.rehearsal is not None:
        r = report.rehearsal
        console.print(f"[bold]rehearsal[/]: {escape(r.database)}: seeded {r.seeded_rows} rows in "
                      f"{r.seeded_tables} tables; {r.sacred_values_checked} sacred values "
                      "checked")
        for m in r.migrations:
            lock = f"{m.lock} on {m.lock_table}" if m.lock else "no table lock"
            console.print(f"  {m.seconds * 1000:8.1f} ms  {escape(m.name)}  {escape(lock)} "
                          f"({m.observed})", style="dim")
    for finding in report.findings:
        _human_finding(finding, console)
    style = "bold red" if report.blocking else ("yellow" if report.open_findings else "green")
    console.print(summary(report), style=style)


def _human_finding(f: Finding, console: Console) -> None:
    from nemoctl.sanitize import rich_escape as escape

    mark = "[bold red]SACRED[/] " if f.sacred else ""
    ack = " [dim](acknowledged)[/]" if f.acknowledged and not f.sacred else ""
    where = f"  {escape(f.location)}" if f.location else ""
    console.print(f"{mark}[{_STYLE[f.severity]}]{f.severity:<4}[/] {f.rule_id}{ack}  "
                  f"{escape(f.message)}{where}  [dim]{escape(f'[{f.fingerprint}]')}[/]")
    if f.relevelled:
        console.print(f"       {escape(f.relevelled)}", style="dim")
    for use in f.used_at:
        console.print(f"       used at {escape(use)}", style="dim")
    if f.severity != "INFO" and f.fix and not f.acknowledged:
        console.print(f"       hint: {escape(f.fix)}", style="dim")


def _md(text: str | None) -> str:
    # Migration SQL and its comments are upstream data: controls escaped, cells kept flat.
    return markdown_cell(text)


def to_markdown(report: MigrationReport, *, heading: str = "##") -> str:
    lines = [f"{heading} SQL this upgrade will run", "", _md(_origin(report)), "",
             f"**{summary(report)}**"]
    if report.findings:
        lines += ["", "| severity | rule | where | message |", "|---|---|---|---|"]
        for f in report.findings:
            severity = f"**{f.severity}** (sacred)" if f.sacred else f.severity
            if f.acknowledged and not f.sacred:
                severity += " (acknowledged)"
            uses = f" — used at {', '.join(f'`{u}`' for u in f.used_at)}" if f.used_at else ""
            lines.append(f"| {severity} | `{f.rule_id}` | `{_md(f.location)}` | "
                         f"{_md(f.message)}{_md(uses)} |")
    if report.pending:
        lines += ["", "<details><summary>Statements, in the order Prisma runs them</summary>",
                  "", "| migration | line | statement | tables | lock |", "|---|---|---|---|---|"]
        # One row per statement; the summary says what it does.
        for migration in report.pending:
            for stmt in migration.statements:
                if stmt.kind == "DO" or (not stmt.actions and stmt.error is None):
                    continue
                note = _size_note(report, stmt)
                lines.append(f"| `{migration.name}` | {stmt.line} | "
                             f"{_md(stmt.summary or stmt.kind)}"
                             f"{_md(_where(stmt))} | {_md(', '.join(stmt.tables))} | "
                             f"{_md(_lock_text(stmt))}{_md(' — ' + note if note else '')} |")
        lines += ["", "</details>"]
    if report.rehearsal is not None:
        r = report.rehearsal
        lines += ["", f"Rehearsal on {_md(r.database)}: {r.seeded_rows} seeded rows in "
                  f"{r.seeded_tables} tables, {r.sacred_values_checked} sacred values checked.",
                  "", "| migration | ms | strongest lock held |", "|---|---:|---|"]
        for m in r.migrations:
            lock = f"{m.lock} on `{m.lock_table}`" if m.lock else "none"
            lines.append(f"| `{m.name}` | {m.seconds * 1000:.1f} | {lock} ({m.observed}) |")
    return "\n".join(lines) + "\n"


def to_json(report: MigrationReport, *, fail_on: str | None = None) -> str:
    return json.dumps(report.to_dict(fail_on=fail_on), indent=2) + "\n"


def _gh(text: str) -> str:
    text = escape_controls(text)  # newlines survive here, as %0A below
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def to_github(report: MigrationReport, *, migrations_dir: str = "") -> str:
    """``::error file=…,line=…`` lines; ``migrations_dir`` prefixes the migration path."""
    lines = []
    for f in report.open_findings:
        params = ["title=" + _gh(f.rule_id + (" (sacred)" if f.sacred else "")).replace(",", "%2C")]
        if f.migration:
            prefix = migrations_dir.rstrip("/") + "/" if migrations_dir else ""
            params.insert(0, "file=" + _gh(f"{prefix}{f.migration}/migration.sql")
                          .replace(",", "%2C"))
            if f.line:
                params.insert(1, f"line={f.line}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(params)}::{_gh(f.message)}")
    lines.append(f"::notice title=nemoctl migrations::{_gh(summary(report))}")
    return "\n".join(lines) + "\n"
