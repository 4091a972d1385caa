"""The plain-text fallback for files no parser applies to (Markdown, YAML).

Word-boundary matches of table names (``@@map``), Prisma model names, and qualified
``Model.field`` / ``table.column`` pairs.  Reported as ``kind = "text"``: a mention,
never a typed use.  Bare field names (``spend``) are not matched: too common a word.
A table named without a column reaches it in a way no parser can follow (a runbook's
``SELECT *``, a config value): every column of it is "possibly used".
"""

from __future__ import annotations

import re

from nemoctl.impact.names import Names
from nemoctl.impact.raw import RawUse

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")


def scan_text(data: bytes, names: Names) -> list[RawUse]:
    found: list[RawUse] = []
    text = data.decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _WORD.finditer(line):
            word = match.group(0)
            head, _, tail = word.partition(".")
            model = names.tables.get(head) or names.classes.get(head)
            if model is None:
                continue
            column = match.start() + 1
            member = (names.field_of_column(model, tail) or (
                tail if tail in names.fields.get(model, ()) else None)) if tail else None
            if member:
                found.append(RawUse(model, member, "field", number, column, "text"))
            else:
                found.append(RawUse(model, "", "possible", number, column, "text"))
    return found
