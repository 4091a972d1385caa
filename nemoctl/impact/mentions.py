"""The soundness sweep: a table's name written in a file where no parser accounts for it.

Every parser reports the tables it resolved, on the line it found them.  A mention of a
table's database (or model) name on a line where the file's parser reported nothing for
that table — a comment, a string built at run time, an ``EXECUTE format(...)`` in
PL/pgSQL, an attribute of a reflected mapping — reaches the table in a way nemoctl
cannot follow: every column of it is then "possibly used" (``kind = "text"``; in a file
that does not parse at all, ``unparsed-file``).

This is a search for names in text (the name *is* the evidence), not a parse.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nemoctl.impact.names import Names
from nemoctl.impact.raw import RawUse, line_col, line_starts


@lru_cache(maxsize=8)
def _pattern(tables: tuple[str, ...]) -> re.Pattern[bytes]:
    words = b"|".join(re.escape(t.encode()) for t in sorted(tables, key=len, reverse=True))
    return re.compile(rb"(?<![A-Za-z0-9_])(?:" + words + rb")(?![A-Za-z0-9_])")


def mentions(data: bytes, names: Names) -> list[tuple[str, int, int]]:
    """(model, line, column) of every whole-word mention of a table or model name."""
    if not names.tables:
        return []
    found = []
    starts: list[int] | None = None
    for match in _pattern(tuple(sorted(names.tables))).finditer(data):
        model = names.tables[match.group(0).decode()]
        if starts is None:
            starts = line_starts(data)
        line, col = line_col(data, match.start(), starts)
        found.append((model, line, col))
    return found


def sweep(data: bytes, names: Names, found: list[RawUse], *, kind: str = "text"
          ) -> list[RawUse]:
    """``possible`` rows for the mentions on lines where ``found`` has nothing for their
    table (all of them when ``found`` is empty, e.g. a file that does not parse)."""
    accounted = {(r.model, r.line) for r in found}
    return [RawUse(model, "", "possible", line, col, kind)
            for model, line, col in mentions(data, names)
            if (model, line) not in accounted]
