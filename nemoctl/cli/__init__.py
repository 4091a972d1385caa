"""The ``nemoctl`` command line: thin wrappers that parse, call the library, render.

Each command lives in its own module, named like the command, exposing
``register(app)``.  Registration is lazy: ``nemoctl check`` imports
``nemoctl.cli.check`` and nothing else, and the modules import their heavy
dependencies inside the command functions.  Help is plain text (no rich), so
``nemoctl --help`` costs little more than importing typer; ``tests/cli`` asserts the
module set each path imports.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from nemoctl import __version__
from nemoctl.cli import _coerce
from nemoctl.cli._common import run_command

# Command modules, in the order ``--help`` lists them.  A module registers (at least)
# the command named like itself; add new commands here.
_COMMAND_MODULES = (
    "init", "diff", "schema", "generate", "check", "upgrade", "ci", "contracts", "db",
    "migrations", "impact", "rules", "upstream",
)


def _load(module_name: str) -> dict[str, Any]:
    """The click commands one command module registers, built on a throwaway app."""
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    importlib.import_module(f"nemoctl.cli.{module_name}").register(holder)

    @holder.callback()
    def _group() -> None:  # forces a group, so every registered command is kept
        pass

    commands = dict(typer.main.get_group(holder).commands)
    for command in commands.values():
        _coerce.install(command)
    return commands


class _LazyGroup(TyperGroup):
    """Imports a command's module only when that command is run (all of them for --help)."""

    _loaded: set[str]

    def _ensure(self, module_name: str) -> None:
        loaded = self.__dict__.setdefault("_loaded", set())
        if module_name not in loaded:
            loaded.add(module_name)
            self.commands.update(_load(module_name))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _coerce.install(self)
        return list(super().parse_args(ctx, args))

    def list_commands(self, ctx: Any) -> list[str]:
        # A module may register more than its own command (impact adds ``sacred``).
        for name in _COMMAND_MODULES:
            self._ensure(name)
        return [*_COMMAND_MODULES, *(n for n in self.commands if n not in _COMMAND_MODULES)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in _COMMAND_MODULES:
            self._ensure(cmd_name)
        elif cmd_name not in self.commands:
            for name in _COMMAND_MODULES:  # registered by another command's module
                self._ensure(name)
        return self.commands.get(cmd_name)


app = typer.Typer(
    name="nemoctl",
    cls=_LazyGroup,
    help="Safe LiteLLM upgrades: schema diff, sacred fields, generated types, contract tests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help: rich's help formatter alone costs ~0.4 s of start-up.
    rich_markup_mode=None,
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


def main() -> None:
    run_command(app)
