"""Render a :class:`~nemoctl.contracts.matrix.ContractMatrix`: text (rich), Markdown, JSON.

Rows whose value changes between versions are marked with ``Δ``, and each cell that differs
from the previous version's is highlighted (bold yellow in text, ``**bold**`` in Markdown;
``"changed"`` and ``"changed_from_previous"`` in JSON).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nemoctl.contracts.matrix import ContractMatrix

if TYPE_CHECKING:
    from rich.console import Console


def summary(matrix: ContractMatrix) -> str:
    changed = sum(1 for row in matrix.rows if row.changed)
    verdicts = []
    for run in matrix.runs:
        failed = len(run.failures)
        verdicts.append(
            f"{run.litellm_version} {len(run.results) - failed}/{len(run.results)}"
            f" in {run.duration_s:.0f} s"
        )
    return (
        f"{len(matrix.versions)} versions ({', '.join(verdicts)}), {changed} of "
        f"{len(matrix.rows)} rows change, {matrix.duration_s:.1f} s with {matrix.jobs} parallel"
    )


def render_human(matrix: ContractMatrix, console: Console) -> None:
    from rich.table import Table

    from nemoctl.sanitize import rich_escape as escape

    table = Table(title="contracts matrix", show_lines=False, pad_edge=False)
    table.add_column("behaviour / contract", no_wrap=True)
    for version in matrix.versions:
        table.add_column(version, overflow="fold")
    kind = None
    for row in matrix.rows:
        if kind is not None and row.kind != kind:
            table.add_section()
        kind = row.kind
        label = f"{'Δ ' if row.changed else '  '}{row.label}"
        cells = [
            f"[bold yellow]{escape(cell)}[/]" if step else escape(cell)
            for cell, step in zip(row.cells, row.steps, strict=True)
        ]
        table.add_row(f"[bold]{escape(label)}[/]" if row.changed else escape(label), *cells)
    console.print(table)
    console.print(escape(summary(matrix)))


def to_markdown(matrix: ContractMatrix) -> str:
    from nemoctl.sanitize import markdown_cell as cell

    lines = [
        f"### Contracts matrix: litellm {', '.join(matrix.versions)}",
        "",
        "| | " + " | ".join(f"`{v}`" for v in matrix.versions) + " |",
        "| --- |" + " --- |" * len(matrix.versions),
    ]
    for row in matrix.rows:
        label = f"`{row.label}`" if row.kind == "contract" else row.label
        cells = [
            f"**{cell(c)}**" if step else cell(c)
            for c, step in zip(row.cells, row.steps, strict=True)
        ]
        head = f"**Δ {label}**" if row.changed else label
        lines.append(f"| {head} | " + " | ".join(cells) + " |")
    lines += ["", summary(matrix), ""]
    return "\n".join(lines)


def to_json(matrix: ContractMatrix) -> str:
    return json.dumps(matrix.to_dict(), indent=2, sort_keys=True) + "\n"
