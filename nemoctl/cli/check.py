"""`nemoctl check` (being written; see the open issues)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Not yet registered."""
