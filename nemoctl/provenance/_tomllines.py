"""Line numbers for TOML values, found with ``tomllib`` one line at a time.

``tomllib`` and ``tomlkit`` parse documents but report no positions, and findings must
name the line.  This walks the physical lines and lets ``tomllib`` read each one: a
table header (``[tool.uv.sources]``, ``[[package]]``) sets the current table, a
key/value line is parsed as a one-line document and its key path is joined to the
current table.  Values that span lines (arrays) are found by parsing each element
line on its own.  A value this cannot place is reported at line 0 (unknown), never
at a guessed line.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from typing import Any


def _header(stripped: str) -> tuple[tuple[str, ...], bool] | None:
    """The table path of a ``[a.b]`` / ``[[a.b]]`` header line, and whether it is an array."""
    if not stripped.startswith("["):
        return None
    try:
        parsed: Any = tomllib.loads(stripped)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    array = False
    node: Any = parsed
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        path.append(name)
        if isinstance(node, list):
            array = True
            node = node[0] if node else {}
    return tuple(path), array


def _key_line(stripped: str) -> dict[str, Any] | None:
    """A ``key = value`` line as a one-line document; a multi-line value's opening line
    parses with its value replaced, so only the key path is known."""
    if not stripped or stripped.startswith(("#", "[")):
        return None
    try:
        return tomllib.loads(stripped)
    except tomllib.TOMLDecodeError:
        pass
    key, sep, _ = stripped.partition("=")
    if not sep:
        return None
    try:
        return tomllib.loads(key + "= 0")
    except tomllib.TOMLDecodeError:
        return None


def _reach(node: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


_MISSING = object()


def find_key(text: str, path: Sequence[str], *, start: int = 0,
             accept: Callable[[Any], bool] | None = None) -> int:
    """The 1-based line defining ``path`` (a key path from the document root) at or after
    line ``start``; 0 when not found.  ``accept`` filters on the parsed value."""
    table: tuple[str, ...] = ()
    for lineno, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        header = _header(stripped)
        if header is not None:
            table = header[0]
            if lineno >= start and tuple(path) == table and accept is None:
                return lineno
            continue
        if lineno < start:
            continue
        parsed = _key_line(stripped)
        if parsed is None or tuple(path[: len(table)]) != table:
            continue
        value = _reach(parsed, path[len(table):])
        if value is not _MISSING and (accept is None or accept(value)):
            return lineno
    return 0


def find_array_string(text: str, array_path: Sequence[str], value: str) -> int:
    """The line of the string ``value`` inside the array at ``array_path``; 0 if unknown."""
    key_line = find_key(text, array_path)
    if not key_line:
        return 0
    lines = text.splitlines()
    opening = _key_line(lines[key_line - 1].strip())
    inline = _reach(opening, array_path[-1:]) if opening else _MISSING
    if isinstance(inline, list):  # the whole array on one line
        return key_line if value in inline else 0
    for lineno in range(key_line + 1, len(lines) + 1):
        stripped = lines[lineno - 1].strip()
        if stripped.startswith("]"):
            return 0
        element = stripped.rstrip().rstrip(",")
        try:
            parsed = tomllib.loads(f"x = [{element}]")
        except tomllib.TOMLDecodeError:
            continue
        if value in parsed["x"]:
            return lineno
    return 0


def string_key(line: str, key: str) -> str | None:
    """The string value of a one-line ``key = "…"``, else None."""
    stripped = line.strip()
    if not stripped.startswith(key):
        return None
    parsed = _key_line(stripped)
    value = parsed.get(key) if parsed else None
    return value if isinstance(value, str) else None


def array_table_lines(text: str, path: Sequence[str]) -> list[int]:
    """The header line of every ``[[path]]`` entry, in order."""
    found = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped.startswith("[["):
            continue  # only array-table headers matter; parsing every line costs
        if stripped == "[[" + ".".join(path) + "]]":  # the canonical spelling
            found.append(lineno)
            continue
        header = _header(stripped)
        if header is not None and header == (tuple(path), True):
            found.append(lineno)
    return found
