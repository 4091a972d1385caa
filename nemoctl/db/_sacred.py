"""The sacred fields the database check puts first, from ``schemas/sacred_fields.toml``.

The file's format belongs to the diff (:func:`nemoctl.diff.load_sacred`); the
database check needs each entry's model, field and declared Prisma type.
"""

from __future__ import annotations

from pathlib import Path

from nemoctl.db.verify import SacredKey


def load_sacred_keys(path: Path) -> tuple[SacredKey, ...]:
    """``(model, field, type)`` per entry, sorted; an absent file means none."""
    from nemoctl.diff import load_sacred

    return tuple(sorted((e.model, e.field, e.type) for e in load_sacred(path).fields))
