"""Render a ``nemoctl ci`` result: markdown (job summary, PR comment), GitHub annotations, text.

The markdown carries no timings or timestamps, so re-running CI on the same PR
produces the same comment and an edited comment only changes when a finding does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from nemoctl.errors import ExitCode

if TYPE_CHECKING:
    from nemoctl.ci.run import CiResult, Verification
    from nemoctl.diff.report import Change, DiffReport
    from nemoctl.supply_chain import SupplyChainReport
    from nemoctl.upgrade.steps.contracts import ContractsResult
    from nemoctl.upgrade.steps.surfaces import SurfacesResult

_VERDICT = {
    ExitCode.OK: "✅ safe to merge",
    ExitCode.FINDINGS: "❌ generated files or the lockfile are stale or inconsistent",
    ExitCode.BAD_INPUT: "❌ bad input",
    ExitCode.UNRESOLVABLE: "❌ does not resolve / refused by supply-chain policy",
    ExitCode.BLOCKED: "⛔ blocked by schema policy",
    ExitCode.CONTRACTS_FAILED: "❌ contract tests failed",
    ExitCode.ENVIRONMENT: "❌ environment problem (permissions, disk, node)",
    ExitCode.INTERNAL: "💥 internal error",
}
_SEVERITIES = ("ERR", "WARN", "INFO")


def to_json(result: CiResult) -> str:
    return json.dumps(result.to_dict(), indent=2, sort_keys=True)


def to_markdown(result: CiResult) -> str:
    changes = result.changes
    out: list[str] = []
    if result.verifications:
        title = ", ".join(
            f"{v.change.main.package} {v.change.main.base_version or '—'} → "
            f"{v.change.main.head_version or '—'}"
            for v in result.verifications
        )
    else:
        title = "no upstream pin changed"
    out.append(f"## nemoctl ci: {title}")
    out.append("")
    out.append(f"**{_VERDICT.get(result.exit_code, 'failed')}** (exit {int(result.exit_code)})")
    out.append("")
    out.append(
        f"Base `{changes.base_ref}` ({changes.compared_sha[:12]}) · head `{changes.head_ref}` "
        f"({changes.head_sha[:12]})"
    )
    out.append("")
    out += _pins_table(result)
    if changes.updater == "renovate":
        from nemoctl.sanitize import markdown_cell

        branch = markdown_cell(changes.head_branch or "?").replace("`", "'")
        out += ["", f"Renovate PR (branch `{branch}`)."]
    if changes.dependabot:
        out += ["", "Dependabot `updated-dependencies`:", ""]
        for u in changes.dependabot:
            kinds = ", ".join(k for k in (u.dependency_type, u.update_type) if k)
            out.append(f"- `{u.name}` {u.version or ''} ({kinds})".replace(" ()", ""))
    if result.notes:
        out += ["", *[f"> ⚠️ {note}" for note in result.notes]]
    for verification in result.verifications:
        out += ["", *_verification(verification, result)]
    if result.lockfile_problems:
        out += ["", "### Project lockfile", "", *[f"- ❌ {p}" for p in result.lockfile_problems]]
    if result.consistency_problems:
        out += ["", "### Consistency (`nemoctl check`)", "",
                *[f"- ❌ {p}" for p in result.consistency_problems]]
    if result.write:
        out += ["", "### Regenerated files", ""]
        if result.commit:
            out.append(f"Committed to the branch as `{result.commit[:12]}`:")
            out.append("")
            out += [f"- `{f}`" for f in result.committed_files]
        else:
            out.append("Nothing to regenerate: the committed files already match.")
    out.append("")
    return "\n".join(out)


def _pins_table(result: CiResult) -> list[str]:
    rows = ["| package | base | head | |", "|---|---|---|---|"]
    for upstream in result.changes.upstreams:
        for pin in upstream.pins:
            mark = "changed" if pin.changed else "unchanged"
            rows.append(
                f"| `{pin.package}` | {pin.base_version or '—'} | {pin.head_version or '—'} "
                f"| {mark} |"
            )
    return rows


def _verification(v: Verification, result: CiResult) -> list[str]:
    out = [f"### {v.change.main.package} {v.change.main.head_version}"]
    if v.report is None:
        return [*out, "", f"❌ {v.error}"]
    report = v.report
    out.append("")
    out += ["| step | status | detail |", "|---|---|---|"]
    for step in report.steps:
        detail = step.detail.replace("|", "\\|").replace("\n", " ")
        out.append(f"| {step.name} | {_status(step.status)} | {detail} |")
    if report.error:
        out += ["", f"❌ **{report.error.type}**: {report.error.message}"]
        if report.error.hint:
            out.append(f"  hint: {report.error.hint}")
    out += _supply_chain(report.supply_chain.reports if report.supply_chain else ())
    out += _schema(report.schema.report if report.schema else None)
    if report.migrations is not None and report.migrations.gate.report is not None:
        from nemoctl.render.migrations import to_markdown as migrations_markdown

        out += ["", migrations_markdown(report.migrations.gate.report, heading="####").rstrip()]
    out += _surfaces(report.surfaces)
    out += _contracts(report.contracts, result.contracts)
    if v.stale:
        out += ["", "#### Stale generated files", "",
                "The committed files do not match what this version generates. "
                "Run `nemoctl ci --write` (or `nemoctl generate`) and commit:", ""]
        for stale in v.stale:
            out += [f"<details><summary><code>{stale.path}</code></summary>", "",
                    "```diff", stale.diff, "```", "", "</details>"]
    if report.warnings:
        out += ["", *[f"> ⚠️ {w}" for w in report.warnings]]
    return out


def _status(status: str) -> str:
    return {"ok": "✅ ok", "failed": "❌ failed", "skipped": "⏭ skipped"}.get(status, status)


def _supply_chain(reports: Iterable[SupplyChainReport]) -> list[str]:
    out: list[str] = []
    for report in reports:
        if not report.refusals and not report.warnings:
            continue
        if not out:
            out += ["", "#### Supply chain", ""]
        name = f"{report.package} {report.version}"
        out += [f"- ❌ {name}: {r.message}" for r in report.refusals]
        out += [f"- ⚠️ {name}: {w.message}" for w in report.warnings]
    return out


def _schema(report: DiffReport | None) -> list[str]:
    if report is None:
        return []
    out = ["", "#### Schema changes", ""]
    if not report.changes:
        out.append("No schema changes.")
    for severity in _SEVERITIES:
        group = [c for c in report.changes if c.severity == severity]
        if not group:
            continue
        table = ["| rule | where | change | fingerprint |", "|---|---|---|---|"]
        if report.usage_scan is not None:
            table = ["| rule | where | change | fingerprint | used at |", "|---|---|---|---|---|"]
        for c in group:
            where = ".".join(p for p in (c.model, c.field) if p)
            message = c.message.replace("|", "\\|")
            fp = f"`{c.fingerprint}`"
            if c.acknowledged:
                fp += " (acknowledged)"
            if c.original_severity:
                fp += f" (was {c.original_severity}: unused)"
            table.append(f"| {c.rule_id} | `{where}` | {message} | {fp} |" + _used_cell(c))
        heading = f"**{severity}** ({len(group)})"
        if severity == "INFO":
            # Additions are the bulk of any upgrade: keep them one click away.
            summary = f"<b>{severity}</b> ({len(group)})"
            out += [f"<details><summary>{summary}</summary>", "", *table, "", "</details>", ""]
        else:
            out += [heading, "", *table, ""]
    if report.sacred:
        out += ["#### Sacred fields", "", "| model | field | expected type | found | status |",
                "|---|---|---|---|---|"]
        for s in report.sacred:
            icon = "⛔" if s.blocking else "✅"
            found = s.actual_type or "—"
            out.append(f"| `{s.model}` | `{s.field}` | `{s.expected_type}` | `{found}` "
                       f"| {icon} {s.state} |")
            if s.blocking and s.message:
                out[-1] = out[-1][:-2] + f": {s.message} |"
    return out


def _used_cell(change: Change) -> str:
    uses = change.used_at
    if uses is None:
        return ""
    if not uses:
        return " unused |"
    shown = ", ".join(f"`{u.path}:{u.line}`" for u in uses[:3])
    return f" {shown}{f' +{len(uses) - 3} more' if len(uses) > 3 else ''} |"


def _surfaces(surfaces: SurfacesResult | None) -> list[str]:
    """Each surface's findings as a table; a surface without findings, one line."""
    out: list[str] = []
    for report in surfaces.reports if surfaces else ():
        out += ["", f"#### {report.surface}", ""]
        if not report.findings:
            out.append("No findings." + (f" {report.unused_changes} change(s) nothing uses."
                                         if report.unused_changes else ""))
            continue
        out += ["| rule | severity | where | finding | fingerprint |", "|---|---|---|---|---|"]
        for f in report.findings:
            where = f"`{f.location.path}:{f.location.line}`" if f.location else "—"
            message = f.message.replace("|", "\\|").replace("\n", " ")
            fp = f"`{f.fingerprint}`" + (" (acknowledged)" if f.acknowledged else "")
            mark = "⛔ " if f.blocking else ""
            out.append(f"| {f.rule_id} | {mark}{f.severity} | {where} | {message} | {fp} |")
        if report.unused_changes:
            out += ["", f"{report.unused_changes} other change(s) nothing in the project uses."]
        out += [f"> {note}" for note in report.notes]
    return out


def _contracts(contracts: ContractsResult | None, enabled: bool) -> list[str]:
    if not enabled:
        return ["", "#### Contracts", "", "Skipped (`--skip-contracts`)."]
    outcome = contracts.outcome if contracts else None
    if outcome is None:
        return []
    verdict = "✅ passed" if outcome.passed else "❌ failed"
    out = ["", "#### Contracts", "",
           f"{verdict} against `{outcome.upstream_version or ''}` "
           f"(runner: `{outcome.runner}`)"]
    if outcome.results:
        out += ["", "| contract | outcome | message |", "|---|---|---|"]
        for r in outcome.results:
            message = str(r.get("message") or "").replace("|", "\\|").replace("\n", " ")[:200]
            out.append(f"| {r.get('name')} | {r.get('outcome')} | {message} |")
    elif outcome.failed:
        out += ["", *[f"- ❌ `{name}`" for name in outcome.failed]]
    return out


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def annotation(level: str, message: str, *, title: str, file: str | None = None,
               line: int | None = None) -> str:
    """One GitHub workflow command (``::error file=...,title=...::message``)."""
    props = [f"file={_escape(file, prop=True)}"] if file else []
    if file and line:
        props.append(f"line={line}")
    props.append(f"title={_escape(title, prop=True)}")
    return f"::{level} {','.join(props)}::{_escape(message)}"


def to_annotations(result: CiResult) -> str:
    lines = [annotation("warning", note, title="nemoctl ci") for note in result.notes]
    lines += [annotation("error", p, title="Stale lockfile") for p in result.lockfile_problems]
    lines += [annotation("error", p, title="nemoctl check") for p in result.consistency_problems]
    for v in result.verifications:
        label = f"{v.change.main.package} {v.change.main.head_version}"
        if v.report is None:
            lines.append(annotation("error", v.error or "failed", title=f"nemoctl ci: {label}"))
            continue
        report = v.report
        if report.error:
            lines.append(annotation(
                "error", report.error.message, title=f"nemoctl ci: {label}: {report.error.type}"
            ))
        diff = report.schema.report if report.schema else None
        for s in diff.sacred if diff else ():
            if s.blocking:
                lines.append(annotation(
                    "error", s.message or f"sacred field {s.model}.{s.field}: {s.state}",
                    title="Sacred field broken", file="schemas/sacred_fields.toml",
                ))
        for c in diff.changes if diff else ():
            # A finding on the consumer's own lines that use what changed.
            if c.severity in ("ERR", "WARN") and not c.acknowledged:
                for u in (c.used_at or ())[:20]:
                    lines.append(annotation(
                        "error" if c.severity == "ERR" else "warning",
                        f"{c.message} ({u.kind} use)", title=f"{c.rule_id} [{c.fingerprint}]",
                        file=u.path, line=u.line,
                    ))
        for surface in report.surfaces.reports if report.surfaces else ():
            for f in surface.findings:
                # A surface finding on a line of the project: shown on the PR's diff.
                if f.location is None or f.acknowledged or f.severity == "INFO":
                    continue
                lines.append(annotation(
                    "error" if f.blocking else "warning", f.message,
                    title=f"{f.rule_id} [{f.fingerprint}]", file=f.location.path,
                    line=f.location.line,
                ))
        for stale in v.stale:
            lines.append(annotation(
                "error", f"stale for {label}; run nemoctl ci --write", title="Stale generated file",
                file=stale.path,
            ))
        for warning in report.warnings:
            lines.append(annotation("warning", warning, title=f"nemoctl ci: {label}"))
    return "\n".join(lines)


def to_text(result: CiResult) -> str:
    """A terse plain summary for the terminal (the markdown is the full report)."""
    verdict = _VERDICT.get(result.exit_code, "failed")
    lines = [f"nemoctl ci: {verdict} (exit {int(result.exit_code)})"]
    for upstream in result.changes.upstreams:
        for pin in upstream.pins:
            arrow = "→" if pin.changed else "="
            lines.append(f"  {pin.package}: {pin.base_version} {arrow} {pin.head_version}")
    lines += [f"  note: {n}" for n in result.notes]
    for v in result.verifications:
        if v.report is None:
            lines.append(f"  error: {v.error}")
            continue
        for step in v.report.steps:
            lines.append(f"  {step.name:<13} {step.status:<8} {step.detail}".rstrip())
        if v.report.error:
            lines.append(f"  error: {v.report.error.message}")
        lines += [f"  stale: {s.path}" for s in v.stale]
    lines += [f"  lockfile: {p}" for p in result.lockfile_problems]
    lines += [f"  check: {p}" for p in result.consistency_problems]
    if result.commit:
        lines.append(f"  committed {len(result.committed_files)} file(s) as {result.commit[:12]}")
    return "\n".join(lines)
