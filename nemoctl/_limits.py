"""Resource limits at the parser boundaries (docs/security.md, "Input sizes and parsers").

Every parser nemoctl runs on input it does not control -- Python's ``ast``, pglast,
TOML, the TypeScript compiler, version strings -- either accepts an input within these
bounds or rejects it as a reported, skipped input or bad input (exit 2).  What a
parser raises when it gives up on a pathological input (``MemoryError`` from CPython's
parser stack, ``RecursionError`` from a deep tree, ``UnicodeDecodeError``,
``ValueError``) is turned into :class:`InputRefused` here, so no command dies of
exit 70 on a file a user (or an attacker's pull request) wrote.
"""

from __future__ import annotations

import ast
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from nemoctl.errors import BadInputError

#: One ``migration.sql``; LiteLLM's biggest is a few KB.
MAX_SQL_BYTES = 8 * 1024 * 1024
#: A Python or TypeScript source file parsed for a contract or a scan.
MAX_SOURCE_BYTES = 8 * 1024 * 1024


class InputRefused(Exception):
    """A parser (or a limit in front of it) rejected an input; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_python(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` that never takes the process down on a hostile file.

    CPython's parser answers very deep nesting (200,000 unary minus signs) with
    ``MemoryError`` ("parser stack overflowed") or ``RecursionError``; both are about
    the input, not the machine, so they become :class:`InputRefused`.
    """
    if len(source) > MAX_SOURCE_BYTES:
        raise InputRefused(f"{len(source)} bytes is over the {MAX_SOURCE_BYTES}-byte limit")
    try:
        return ast.parse(source, filename=filename, type_comments=False)
    except SyntaxError as exc:
        raise InputRefused(f"line {exc.lineno}: {exc.msg}") from None
    except (MemoryError, RecursionError):
        raise InputRefused("too deeply nested to parse") from None
    except ValueError as exc:  # NUL bytes, bad encodings declared in the file
        raise InputRefused(str(exc)) from None


def read_bounded_text(path: Path, *, max_bytes: int, what: str = "file") -> str:
    """A regular file as UTF-8 text, refused (exit 2) when it is anything else.

    Not a regular file (a directory, FIFO -- reading one would block forever), over
    ``max_bytes``, or not UTF-8: :class:`BadInputError` naming the path and the reason.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise BadInputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise BadInputError(f"{what} {path} is not a regular file")
    if info.st_size > max_bytes:
        raise BadInputError(f"{what} {path} is {info.st_size} bytes, over the "
                            f"{max_bytes}-byte limit; refusing to read it")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    return decode_utf8(data, f"{what} {path}")


def decode_utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{where} is not UTF-8 text (byte {exc.start}: {exc.reason})"
                            ) from None


def loads_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` whose only failure is ``TOMLDecodeError``.

    ``tomllib`` parses nested arrays and inline tables recursively: ``a = [[[...]]]``
    a thousand levels deep raises ``RecursionError``, which callers that catch
    ``TOMLDecodeError`` (every one of them) let through as a crash.
    """
    try:
        return tomllib.loads(text)
    except (RecursionError, MemoryError):
        raise tomllib.TOMLDecodeError("arrays or inline tables nested too deeply to parse"
                                      ) from None


def require_regular_file(path: Path, what: str) -> None:
    """Exit 2 unless ``path`` is a regular file, naming what it is instead.

    Checked before opening: reading a FIFO blocks forever, and "does not exist" for a
    directory sends the user looking in the wrong place.
    """
    from nemoctl._atomic import describe_kind

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise BadInputError(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise BadInputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise BadInputError(f"{what} {path} is {describe_kind(mode)}, not a file")
