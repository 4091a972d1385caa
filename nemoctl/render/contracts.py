"""Render a :class:`~nemoctl.contracts.ContractRun`: human (rich), Markdown, JSON, GitHub."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.contracts.result import ContractResult, ContractRun
from nemoctl.sanitize import markdown_cell

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("human", "markdown", "json", "github")
_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP", "not run": "MISS"}
_STYLE = {"passed": "green", "skipped": "dim"}


def summary(run: ContractRun) -> str:
    total = len(run.results)
    failed = len(run.failures)
    verdict = "all contracts hold" if run.passed else f"{failed} of {total} contracts broken"
    return f"litellm {run.litellm_version}: {total - failed}/{total} passed, {verdict}"


_VALUE_LIMIT = 72


def _observations(result: ContractResult, limit: int | None = _VALUE_LIMIT) -> str:
    def short(value: str) -> str:
        return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"

    return ", ".join(f"{key}={short(value)}" for key, value in result.observations)


def settings_lines(run: ContractRun) -> list[str]:
    """What the suite set in the proxy config it ran under, one line each (no values)."""
    origin = f"proxy config {run.proxy_config}" if run.proxy_config else "LiteLLM defaults"
    lines = [f"ran under {origin}; the suite changed:"]
    lines += [f"  {s.action:<11} {s.path}" + (f": {s.detail}" if s.detail else "")
              for s in run.settings]
    return lines


def render_human(run: ContractRun, console: Console) -> None:
    from nemoctl.sanitize import rich_escape as escape

    origin = (f"isolated env {run.environment}" if run.environment
              else run.interpreter_origin or "installed litellm")
    console.print(f"[bold]contracts[/] against litellm {escape(run.litellm_version)} ({origin})")
    for line in tested_lines(run):
        console.print(f"[dim]{escape(line)}[/]", soft_wrap=True)
    width = max((len(r.name) for r in run.results), default=0)
    for result in run.results:
        style = _STYLE.get(result.outcome, "bold red")
        line = f"  [{style}]{_MARK.get(result.outcome, result.outcome):<5}[/] {result.name}"
        if result.observations:
            padding = " " * (width - len(result.name))
            line += f"{padding}  [dim]{escape(_observations(result))}[/]"
        console.print(line, soft_wrap=True)
        if not result.passed and result.message:
            console.print(f"        {escape(result.message)}", style="red")
    for line in settings_lines(run):
        console.print(f"[dim]{escape(line)}[/]", soft_wrap=True)
    if run.models is not None:
        style = "yellow" if run.models.stale else "green"
        console.print(f"[{style}]note:[/] {escape(run.models.note)}", soft_wrap=True)
    console.print(f"{escape(summary(run))} in {run.duration_s:.1f} s")


def tested_lines(run: ContractRun) -> list[str]:
    """Which interpreter ran the suite and which LiteLLM distribution it imported."""
    lines = []
    if run.interpreter:
        origin = f" ({run.interpreter_origin})" if run.interpreter_origin else ""
        lines.append(f"  interpreter: {run.interpreter}{origin}")
    if run.litellm_distribution:
        lines.append(f"  tested:      {run.litellm_distribution}")
    return lines


def to_markdown(run: ContractRun) -> str:
    lines = [
        f"### Contracts: litellm {run.litellm_version}",
        "",
        *(f"`{line.strip()}`  " for line in tested_lines(run)),
        "",
        "| contract | result | detail |",
        "| --- | --- | --- |",
    ]
    for result in run.results:
        detail = result.message if not result.passed else _observations(result)
        detail = markdown_cell(detail)
        lines.append(
            f"| `{result.name}` | {_MARK.get(result.outcome, result.outcome)} | {detail} |"
        )
    lines += ["", "<details><summary>proxy config</summary>", ""]
    lines += [f"    {line}" for line in settings_lines(run)]
    lines += ["", "</details>", ""]
    if run.models is not None:
        lines += [f"**models:** {run.models.note}", ""]
    lines += [summary(run), ""]
    return "\n".join(lines)


def to_json(run: ContractRun) -> str:
    return json.dumps(run.to_dict(), indent=2, sort_keys=True) + "\n"


def to_github(run: ContractRun) -> str:
    """GitHub workflow commands: one ``::error`` per broken contract."""
    lines = []
    for result in run.failures:
        message = (result.message or result.outcome).replace("%", "%25").replace("\n", "%0A")
        lines.append(
            f"::error title=contract {result.name} (litellm {run.litellm_version})::{message}"
        )
    if run.models is not None and run.models.stale:
        kind = "warning" if run.models.status == "stale" else "notice"
        lines.append(f"::{kind} title=generated models::{run.models.note}")
    lines.append(f"::notice title=contracts::{summary(run)}")
    return "\n".join(lines) + "\n"
