"""Every public API change between two releases' inventories (what "unused" counts).

A change is an object of the old release that no longer resolves from its path in the
new one (a move that is still re-exported is not a change), or that resolves to an
object whose signature, bases, kind or value differ.  Private paths (a segment that
starts with ``_``, dunder methods excepted) are left out, as griffe leaves them out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nemoctl.apisurface.inventory import Inventory


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    what: str  # "removed", "signature changed", "bases changed", "value changed", …
    before: str = ""
    after: str = ""


def _public(path: str) -> bool:
    for part in path.split(".")[1:]:
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return False
    return True


def _differing(old: Inventory, new: Inventory) -> Iterator[tuple[str, list[Any],
                                                                  list[Any] | None]]:
    from nemoctl.apisurface.cache import SqliteRecords

    a, b = old.records, new.records
    if isinstance(a, SqliteRecords) and isinstance(b, SqliteRecords) and a.uri and b.uri:
        # Both cached: let SQLite join the two tables (C speed; ~136 k rows each).
        conn = sqlite3.connect(a.uri, uri=True)
        try:
            conn.execute("ATTACH DATABASE ? AS n", (b.uri,))
            rows = conn.execute(
                "SELECT o.path, o.rec, n.obj.rec FROM main.obj o LEFT JOIN n.obj "
                "ON o.path = n.obj.path WHERE n.obj.rec IS NULL OR o.rec != n.obj.rec")
            for path, before, after in rows:
                if _public(path):
                    yield path, json.loads(before), None if after is None else json.loads(after)
        finally:
            conn.close()
        return
    for path, rec in a.items():
        other = b.get(path)
        if other != rec:
            yield path, rec, other


def changes_between(old: Inventory, new: Inventory) -> list[Change]:
    out: list[Change] = []
    for path, before, after in _differing(old, new):
        if not _public(path):
            continue
        if after is None or before[0] == "=" or after[0] == "=":
            resolved = new.resolve(path)
            if resolved.state == "missing":
                if old.resolve(path).state == "found":
                    out.append(Change(path, "removed"))
                continue
            if before[0] == "=" or resolved.obj is None:
                continue  # an alias that still resolves: judged through its target
            then = old.get(path)
            now = resolved.obj
            if then is None or (then.kind, then.params, then.bases, then.value, then.labels) \
                    == (now.kind, now.params, now.bases, now.value, now.labels):
                continue
            out.append(Change(path, f"{then.kind} changed"))
            continue
        if before[0] != after[0]:
            out.append(Change(path, "kind changed", before[0], after[0]))
        elif before[0] == "f":
            out.append(Change(path, "signature changed"))
        elif before[0] == "c":
            if before[1] != after[1]:
                out.append(Change(path, "bases changed", ", ".join(before[1]),
                                  ", ".join(after[1])))
        elif before[0] == "a" and before[1] != after[1]:
            out.append(Change(path, "value changed", str(before[1]), str(after[1])))
    return sorted(out, key=lambda c: c.path)
