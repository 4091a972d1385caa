"""What every command shares: the console, and turning errors into exit codes.

rich is imported only by :func:`console`, i.e. by commands that render with it: errors,
``--help`` and plain-text commands (``check``) never pay its ~0.2 s import.
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, TextIO

import typer

from nemoctl import redact
from nemoctl.errors import ExitCode, NemoctlError, from_os_error

if TYPE_CHECKING:
    from rich.console import Console


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
    from rich.console import Console

    return Console(
        stderr=stderr,
        quiet=quiet,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def _styled(text: str, code: str, stream: TextIO) -> str:
    """``text`` in an ANSI style when ``stream`` is a terminal and ``NO_COLOR`` is unset."""
    isatty = getattr(stream, "isatty", None)
    if os.environ.get("NO_COLOR") or not (callable(isatty) and isatty()):
        return text
    return f"\x1b[{code}m{text}\x1b[0m"


def say_error(message: str, hint: str | None = None, *, label: str = "error") -> None:
    """One error line (and its hint) on stderr: secrets masked, terminal controls escaped.

    Plain text, not rich (no markup is parsed, so ``litellm[proxy]==X`` prints as is),
    and one line however narrow the terminal or CI log.
    """
    from nemoctl.sanitize import escape_controls

    def clean(text: str) -> str:
        return escape_controls(redact.redact(text))

    err = sys.stderr
    err.write(f"{_styled(label + ':', '1;31', err)} {clean(message)}\n")
    if hint:
        err.write(f"{_styled('hint:', '2', err)} {clean(hint)}\n")
    err.flush()


def fail(error: NemoctlError) -> typer.Exit:
    """Print a library error cleanly (no traceback) and return the matching exit."""
    say_error(error.message, error.hint)
    return typer.Exit(int(error.exit_code))


def _interrupted() -> None:
    sys.stderr.write(_styled("interrupted", "33", sys.stderr) + "\n")


def run_command(app: typer.Typer) -> None:
    """Run the app; map library errors, Ctrl-C and usage errors to documented codes.

    Everything the command writes to stdout/stderr passes through the redaction
    layer (:mod:`nemoctl.redact`): secrets from the environment, pip's configuration
    and database URLs are masked whichever code path prints them.
    """
    redact.register_secrets_from_env()
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = redact.RedactingStream(out), redact.RedactingStream(err)
    try:
        code = _run(app)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BrokenPipeError:
        code = _reader_went_away()
    finally:
        sys.stdout, sys.stderr = out, err
    sys.exit(code)


def _reader_went_away() -> int:
    # `nemoctl diff ... | head`: the reader has what it wanted. Point stdout at
    # /dev/null so the interpreter's own final flush does not complain, and exit 0.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    return int(ExitCode.OK)


def _run(app: typer.Typer) -> int:
    try:
        rc = app(standalone_mode=False)
    except NemoctlError as exc:
        return int(fail(exc).exit_code)
    except KeyboardInterrupt:
        _interrupted()
        return int(ExitCode.INTERRUPTED)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except BrokenPipeError:
        return _reader_went_away()
    except OSError as exc:
        mapped = from_os_error(exc)
        if mapped is None:
            return _internal(exc)
        return int(fail(mapped).exit_code)
    except Exception as exc:
        # Typer vendors click, so its usage errors are matched by shape, not class.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return int(ExitCode.BAD_INPUT)
        if type(exc).__name__ == "Abort":  # click's rewording of Ctrl-C
            _interrupted()
            return int(ExitCode.INTERRUPTED)
        return _internal(exc)
    if rc == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a quiet return value
        _interrupted()
    return rc if isinstance(rc, int) else 0


def _internal(exc: BaseException) -> int:
    import traceback

    sys.stderr.write(_styled(
        f"internal error ({type(exc).__name__}): {exc}\n"
        "This is a bug in nemoctl; rerun with NEMOCTL_DEBUG=1 for a traceback.",
        "31", sys.stderr) + "\n")
    if os.environ.get("NEMOCTL_DEBUG"):
        # Printed here rather than re-raised, so the traceback is redacted too.
        sys.stderr.write("".join(traceback.format_exception(exc)))
    return int(ExitCode.INTERNAL)
