"""What every command shares: the console, and turning errors into exit codes."""

from __future__ import annotations

import os
import sys
from enum import StrEnum

import typer
from rich.console import Console

from nemoctl.errors import ExitCode, NemoctlError


class OutputFormat(StrEnum):
    """The report formats every reporting command accepts with ``--format``."""

    human = "human"
    markdown = "markdown"
    json = "json"
    github = "github"


class Severity(StrEnum):
    """Choices for ``--fail-on``."""

    ERR = "ERR"
    WARN = "WARN"
    INFO = "INFO"


def console(*, stderr: bool = False, quiet: bool = False) -> Console:
    """A rich console that honours ``NO_COLOR`` and goes plain when not a TTY."""
    return Console(
        stderr=stderr,
        quiet=quiet,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def fail(error: NemoctlError) -> typer.Exit:
    """Print a library error cleanly (no traceback) and return the matching exit."""
    from rich.markup import escape

    err = console(stderr=True)
    # Messages carry text like ``litellm[proxy]==X``: never let rich read it as markup.
    err.print(f"[bold red]error:[/] {escape(error.message)}", markup=True, highlight=False)
    if error.hint:
        err.print(f"[dim]hint:[/] {escape(error.hint)}", markup=True, highlight=False)
    return typer.Exit(int(error.exit_code))


def run_command(app: typer.Typer) -> None:
    """Run the app; map library errors, Ctrl-C and usage errors to documented codes."""
    try:
        rc = app(standalone_mode=False)
    except NemoctlError as exc:
        raise SystemExit(fail(exc).exit_code) from None
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted", style="yellow")
        raise SystemExit(int(ExitCode.INTERRUPTED)) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:
        # Typer vendors click, so its usage errors are matched by shape, not class.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            raise SystemExit(int(ExitCode.BAD_INPUT)) from None
        if type(exc).__name__ == "Abort":
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        console(stderr=True).print(
            f"internal error ({type(exc).__name__}): {exc}\n"
            "This is a bug in nemoctl; rerun with NEMOCTL_DEBUG=1 for a traceback.",
            style="red",
            markup=False,
        )
        if os.environ.get("NEMOCTL_DEBUG"):
            raise
        sys.exit(int(ExitCode.INTERNAL))
    sys.exit(rc if isinstance(rc, int) else 0)
