"""Render a parsed schema (``nemoctl schema show``) and sacred-field checks as tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl.diff.report import SacredStatus
from nemoctl.schema.model import Field, Model, Schema

if TYPE_CHECKING:
    from rich.console import Console


def _attributes(f: Field) -> str:
    parts: list[str] = []
    if f.is_id:
        parts.append("@id")
    if f.is_unique:
        parts.append("@unique")
    if f.default is not None:
        parts.append(f"@default({f.default.render()})")
    if f.is_updated_at:
        parts.append("@updatedAt")
    if f.relation is not None and f.relation.from_fields:
        parts.append(f"@relation([{', '.join(f.relation.from_fields)}] → "
                     f"[{', '.join(f.relation.to_fields)}])")
    return " ".join(parts)


def render_overview(schema: Schema, label: str, console: Console) -> None:
    from rich.table import Table

    from nemoctl.sanitize import rich_escape as escape

    console.print(f"[bold]{escape(label)}[/]: {len(schema.models)} models, "
                  f"{len(schema.enums)} enums (sha256 {schema.sha256[:12]})")
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("model", "table", "fields", "indexes", "primary key"):
        table.add_column(column)
    for m in schema.models:
        table.add_row(escape(m.name), escape(m.table) if m.table != m.name else "",
                      str(len(m.scalar_fields)), str(len(m.indexes)),
                      escape(", ".join(m.primary_key)))
    console.print(table)
    for e in schema.enums:
        console.print(f"enum [bold]{escape(e.name)}[/]: "
                      + escape(", ".join(v.name for v in e.values)))


def render_model(model: Model, console: Console) -> None:
    from rich.table import Table

    from nemoctl.sanitize import rich_escape as escape

    table_name = f" (table {model.table})" if model.table != model.name else ""
    console.print(f"[bold]model {escape(model.name)}[/]{escape(table_name)}")
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("field", "type", "column", "attributes"):
        table.add_column(column, overflow="fold")
    for f in model.fields:
        column = "" if f.is_relation else (f.column if f.column != f.name else "")
        table.add_row(escape(f.name), escape(f.prisma_type), escape(column),
                      escape(_attributes(f)))
    console.print(table)
    for index in model.indexes:
        if index.kind == "id":
            continue
        name = f" {index.db_name}" if index.db_name else ""
        method = f" using {index.algorithm}" if index.algorithm else ""
        console.print(f"  {index.kind} index ({escape(', '.join(index.fields))})"
                      f"{escape(name)}{escape(method)}", style="dim")


def render_sacred(statuses: tuple[SacredStatus, ...], label: str, console: Console) -> None:
    from rich.table import Table

    from nemoctl.sanitize import rich_escape as escape

    broken = [s for s in statuses if s.blocking]
    style = "bold red" if broken else "green"
    console.print(f"[{style}]sacred fields in {escape(label)}: "
                  f"{len(statuses) - len(broken)}/{len(statuses)} ok[/]")
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("state", "field", "expected", "found", "owner"):
        table.add_column(column)
    for s in statuses:
        state = f"[bold red]{s.state}[/]" if s.blocking else f"[green]{s.state}[/]"
        table.add_row(state, escape(f"{s.model}.{s.field}"), escape(s.expected_type),
                      escape(s.actual_type or "-"), escape(s.owner))
    console.print(table)
