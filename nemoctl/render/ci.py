"""Render a ``nemoctl ci`` result: markdown (job summary, PR comment), GitHub annotations, text.

The markdown carries no timings or timestamps, so re-running CI on the same PR
produces the same comment and an edited comment only changes when a finding does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from nemoctl.errors import ExitCode

if TYPE_CHECKING:
    from nemoctl.ci.run import CiResult, Verification

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
    out += _supply_chain(report.supply_chain)
    out += _schema(report.schema)
    if report.migration_report is not None:
        from nemoctl.render.migrations import to_markdown as migrations_markdown

        out += ["", migrations_markdown(report.migration_report, heading="####").rstrip()]
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


def _supply_chain(entries: Iterable[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for entry in entries:
        refusals = entry.get("refusals") or []
        warnings = entry.get("warnings") or []
        if not refusals and not warnings:
            continue
        if not out:
            out += ["", "#### Supply chain", ""]
        name = f"{entry.get('package', '')} {entry.get('version', '')}".strip()
        out += [f"- ❌ {name}: {_text(r)}" for r in refusals]
        out += [f"- ⚠️ {name}: {_text(w)}" for w in warnings]
    return out


def _text(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("message") or item.get("reason") or item)
    return str(item)


def _schema(schema: dict[str, Any] | None) -> list[str]:
    if not schema:
        return []
    out = ["", "#### Schema changes", ""]
    changes = schema.get("changes") or []
    if not changes:
        out.append("No schema changes.")
    for severity in _SEVERITIES:
        group = [c for c in changes if c.get("severity") == severity]
        if not group:
            continue
        table = ["| rule | where | change | fingerprint |", "|---|---|---|---|"]
        if "usage_scan" in schema:
            table = ["| rule | where | change | fingerprint | used at |", "|---|---|---|---|---|"]
        for c in group:
            where = ".".join(p for p in (c.get("model"), c.get("field")) if p)
            message = str(c.get("message", "")).replace("|", "\\|")
            fp = f"`{c.get('fingerprint', '')}`"
            if c.get("acknowledged"):
                fp += " (acknowledged)"
            if c.get("original_severity"):
                fp += f" (was {c['original_severity']}: unused)"
            table.append(f"| {c.get('rule_id', '')} | `{where}` | {message} | {fp} |"
                         + _used_cell(c))
        heading = f"**{severity}** ({len(group)})"
        if severity == "INFO":
            # Additions are the bulk of any upgrade: keep them one click away.
            summary = f"<b>{severity}</b> ({len(group)})"
            out += [f"<details><summary>{summary}</summary>", "", *table, "", "</details>", ""]
        else:
            out += [heading, "", *table, ""]
    sacred = schema.get("sacred") or []
    if sacred:
        out += ["#### Sacred fields", "", "| model | field | expected type | found | status |",
                "|---|---|---|---|---|"]
        for s in sacred:
            icon = "⛔" if _sacred_blocking(s) else "✅"
            found = s.get("actual_type") or "—"
            out.append(
                f"| `{s.get('model', '')}` | `{s.get('field', '')}` | "
                f"`{s.get('expected_type', '')}` | `{found}` | {icon} {s.get('state', '')} |"
            )
            if _sacred_blocking(s) and s.get("message"):
                out[-1] = out[-1][:-2] + f": {s['message']} |"
    return out


def _used_cell(change: dict[str, Any]) -> str:
    uses = change.get("used_at")
    if uses is None:
        return ""
    if not uses:
        return " unused |"
    shown = ", ".join(f"`{u['path']}:{u['line']}`" for u in uses[:3])
    return f" {shown}{f' +{len(uses) - 3} more' if len(uses) > 3 else ''} |"


def _sacred_blocking(status: dict[str, Any]) -> bool:
    if "blocking" in status:
        return bool(status["blocking"])
    return str(status.get("state", "ok")) != "ok"


def _contracts(contracts: dict[str, Any] | None, enabled: bool) -> list[str]:
    if not enabled:
        return ["", "#### Contracts", "", "Skipped (`--skip-contracts`)."]
    if not contracts:
        return []
    verdict = "✅ passed" if contracts.get("passed") else "❌ failed"
    out = ["", "#### Contracts", "",
           f"{verdict} against `{contracts.get('upstream_version') or ''}` "
           f"(runner: `{contracts.get('runner', '')}`)"]
    results = contracts.get("results") or []
    if results:
        out += ["", "| contract | outcome | message |", "|---|---|---|"]
        for r in results:
            message = str(r.get("message") or "").replace("|", "\\|").replace("\n", " ")[:200]
            out.append(f"| {r.get('name')} | {r.get('outcome')} | {message} |")
    elif contracts.get("failed"):
        out += ["", *[f"- ❌ `{name}`" for name in contracts["failed"]]]
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
        for s in (report.schema or {}).get("sacred") or []:
            if _sacred_blocking(s):
                lines.append(annotation(
                    "error",
                    s.get("message") or f"sacred field {s.get('model')}.{s.get('field')}: "
                    f"{s.get('state')}",
                    title="Sacred field broken",
                    file="schemas/sacred_fields.toml",
                ))
        for c in (report.schema or {}).get("changes") or []:
            # A finding on the consumer's own lines that use what changed.
            if c.get("severity") in ("ERR", "WARN") and not c.get("acknowledged"):
                for u in (c.get("used_at") or [])[:20]:
                    lines.append(annotation(
                        "error" if c["severity"] == "ERR" else "warning",
                        f"{c.get('message', '')} ({u['kind']} use)",
                        title=f"{c.get('rule_id', '')} [{c.get('fingerprint', '')}]",
                        file=u["path"], line=u["line"],
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
