"""Render a :class:`~nemoctl.contracts.matrix.ContractMatrix`: text (rich), Markdown, JSON.

Rows whose value changes between versions are marked (bold yellow in text, ``**bold**``
with a ``Δ`` in Markdown, ``"changed": true`` in JSON).
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
        verdicts.append(f"{run.litellm_version} {len(run.results) - failed}/{len(run.results)}")
    return (
        f"{len(matrix.versions)} versions ({', '.join(verdicts)}), {changed} of "
        f"{len(matrix.rows)} rows change, {matrix.duration_s:.1f} s with {matrix.jobs} parallel"
    )


def render_human(matrix: ContractMatrix, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

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
        style = "bold yellow" if row.changed else None
        cells = [escape(cell) for cell in row.cells]
        table.add_row(escape(label), *cells, style=style)
    console.print(table)
    console.print(escape(summary(matrix)))


def to_markdown(matrix: ContractMatrix) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        f"### Contracts matrix: litellm {', '.join(matrix.versions)}",
        "",
        "| | " + " | ".join(f"`{v}`" for v in matrix.versions) + " |",
        "| --- |" + " --- |" * len(matrix.versions),
    ]
    for row in matrix.rows:
        label = f"`{row.label}`" if row.kind == "contract" else row.label
        if row.changed:
            lines.append(
                f"| **Δ {label}** | " + " | ".join(f"**{cell(c)}**" for c in row.cells) + " |"
            )
        else:
            lines.append(f"| {label} | " + " | ".join(cell(c) for c in row.cells) + " |")
    lines += ["", summary(matrix), ""]
    return "\n".join(lines)


def to_json(matrix: ContractMatrix) -> str:
    return json.dumps(matrix.to_dict(), indent=2, sort_keys=True) + "\n"
