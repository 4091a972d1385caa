"""Render a :class:`~nemoctl.contracts.ContractRun`: human (rich), Markdown, JSON, GitHub."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.contracts.result import ContractResult, ContractRun

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


def _observations(result: ContractResult) -> str:
    return ", ".join(f"{key}={value}" for key, value in result.observations)


def render_human(run: ContractRun, console: Console) -> None:
    from nemoctl.sanitize import rich_escape as escape

    origin = f"isolated env {run.environment}" if run.environment else "installed litellm"
    console.print(f"[bold]contracts[/] against litellm {escape(run.litellm_version)} ({origin})")
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
    console.print(f"{escape(summary(run))} in {run.duration_s:.1f} s")


def to_markdown(run: ContractRun) -> str:
    lines = [
        f"### Contracts: litellm {run.litellm_version}",
        "",
        "| contract | result | detail |",
        "| --- | --- | --- |",
    ]
    for result in run.results:
        detail = result.message if not result.passed else _observations(result)
        detail = detail.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| `{result.name}` | {_MARK.get(result.outcome, result.outcome)} | {detail} |"
        )
    lines += ["", summary(run), ""]
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
    lines.append(f"::notice title=contracts::{summary(run)}")
    return "\n".join(lines) + "\n"
