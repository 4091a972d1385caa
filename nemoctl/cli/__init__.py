"""The ``nemoctl`` command line: thin wrappers that parse, call the library, render.

Each command lives in its own module exposing ``register(app)``.  Command modules
import their heavy dependencies inside the command functions, so ``nemoctl --help``
and shell completion stay fast.
"""

from __future__ import annotations

import importlib

import typer

from nemoctl import __version__
from nemoctl.cli._common import run_command

app = typer.Typer(
    name="nemoctl",
    help="Safe LiteLLM upgrades: schema diff, sacred fields, generated types, contract tests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

_COMMAND_MODULES = (
    "init", "diff", "schema", "generate", "check", "upgrade", "ci", "contracts", "db",
    "migrations", "impact",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nemoctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """nemoctl: make every LiteLLM upgrade one safe, atomic step."""


for _name in _COMMAND_MODULES:
    importlib.import_module(f"nemoctl.cli.{_name}").register(app)


def main() -> None:
    run_command(app)
