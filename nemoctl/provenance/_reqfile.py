"""A requirements-file reader that follows pip's documented grammar, line by line.

pip's format (https://pip.pypa.io/en/stable/reference/requirements-file-format/):

- a line ending in ``\\`` continues on the next one (the logical line keeps the number
  of its first physical line, as pip reports it);
- ``#`` starts a comment at the start of a line or after whitespace (``pkg#egg`` in a
  URL is not a comment);
- a logical line is a requirement (everything up to the first token starting with
  ``-``) followed by per-requirement options, or options alone (``-e``, ``-r``,
  ``--index-url`` ...), tokenised like a shell line.

Nothing here is a regular expression: the comment and continuation rules are applied
by scanning characters, the options by :func:`shlex.split`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReqLine:
    """One logical line of a requirements file."""

    lineno: int
    #: The logical line, comments and continuations removed.
    text: str
    #: The requirement part (a PEP 508 string, a URL or a path), or "" for options only.
    requirement: str
    #: The option tokens, in order (``["-e", "../litellm"]``, ``["--hash", "sha256:…"]``).
    options: tuple[str, ...]
    #: Why the options could not be tokenised (unbalanced quotes), else "".
    error: str = ""


def _strip_comment(line: str) -> str:
    """``line`` without a ``#`` comment that starts the line or follows whitespace."""
    for i, char in enumerate(line):
        if char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def logical_lines(text: str) -> list[tuple[int, str]]:
    """``(first physical line number, joined text)`` for every non-empty logical line."""
    out: list[tuple[int, str]] = []
    parts: list[str] = []
    start = 0
    for lineno, physical in enumerate(text.splitlines(), 1):
        if not parts:
            start = lineno
        # pip removes comments before joining continuations.
        stripped = _strip_comment(physical).rstrip()
        if stripped.endswith("\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(stripped)
        joined = " ".join(p.strip() for p in parts if p.strip())
        parts = []
        if joined:
            out.append((start, joined))
    if parts:
        joined = " ".join(p.strip() for p in parts if p.strip())
        if joined:
            out.append((start, joined))
    return out


def _split_requirement(line: str) -> tuple[str, str]:
    """pip's ``break_args_options``: leading tokens up to the first ``-`` token."""
    tokens = line.split(" ")
    args: list[str] = []
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(args).strip(), " ".join(tokens[i:])
        args.append(token)
    return " ".join(args).strip(), ""


def parse(text: str) -> list[ReqLine]:
    lines = []
    for lineno, logical in logical_lines(text):
        requirement, rest = _split_requirement(logical)
        try:
            options = tuple(shlex.split(rest, comments=False, posix=True))
        except ValueError as exc:
            lines.append(ReqLine(lineno, logical, requirement, (), str(exc)))
            continue
        lines.append(ReqLine(lineno, logical, requirement, options))
    return lines


def option_values(options: tuple[str, ...], *names: str) -> list[tuple[str, str]]:
    """``(option, value)`` for each occurrence of ``names`` (``-e x``, ``--editable=x``)."""
    found = []
    i = 0
    while i < len(options):
        token = options[i]
        for name in names:
            if token == name and i + 1 < len(options):
                found.append((name, options[i + 1]))
                i += 1
                break
            if name.startswith("--") and token.startswith(name + "="):
                found.append((name, token[len(name) + 1:]))
                break
            if not name.startswith("--") and token.startswith(name) and len(token) > len(name):
                found.append((name, token[len(name):]))  # pip accepts ``-e./x`` too
                break
        i += 1
    return found
