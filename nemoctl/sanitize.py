"""Escape terminal control characters in text that came from a schema or a tool.

Names, ``@map`` strings, defaults and ``///`` comments in a Prisma schema are
upstream data.  Printed raw, an ESC or BEL in them drives the reader's terminal
(moves the cursor, rewrites earlier lines, sets the window title) and a bidi
override reorders what a reviewer sees in a pull-request comment.  Every human,
markdown and annotation renderer passes such text through :func:`escape_controls`;
JSON output keeps the exact value (``json.dumps`` already escapes controls).

Pure and dependency-free, like :mod:`nemoctl.redact`.
"""

from __future__ import annotations

__all__ = ["escape_controls", "has_controls", "markdown_cell", "rich_escape"]

# Bidi embeddings/overrides/isolates (U+202A..U+202E, U+2066..U+2069) and marks.
_BIDI = frozenset({*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C})


def _unsafe(cp: int, *, keep_newlines: bool) -> bool:
    if cp in (0x0A, 0x09) and keep_newlines:
        return False
    return cp < 0x20 or cp == 0x7F or 0x80 <= cp <= 0x9F or cp in _BIDI


def has_controls(text: str, *, keep_newlines: bool = False) -> bool:
    return any(_unsafe(ord(ch), keep_newlines=keep_newlines) for ch in text)


def escape_controls(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with control and bidi characters written as ``\\x1b`` / ``\\u202e``.

    Newlines and tabs are kept by default (multi-line messages stay readable);
    ``keep_newlines=False`` escapes them too, for one-line fields such as a name.
    A backslash is left alone: the output is for reading, not for parsing back.
    """
    if not has_controls(text, keep_newlines=keep_newlines):
        return text
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if not _unsafe(cp, keep_newlines=keep_newlines):
            out.append(ch)
        elif cp <= 0xFF:
            out.append(f"\\x{cp:02x}")
        else:
            out.append(f"\\u{cp:04x}")
    return "".join(out)


def rich_escape(text: str) -> str:
    """For rich output: controls escaped, then rich's markup (``[...]``) escaped."""
    from rich.markup import escape

    return escape(escape_controls(text))


def markdown_cell(text: str | None) -> str:
    """One Markdown table cell: controls escaped, ``|`` and line breaks neutralised."""
    flat = (text or "").replace("\r\n", " ").replace("\n", " ")
    return escape_controls(flat, keep_newlines=False).replace("|", "\\|")
