"""Which (model, field) pairs are sacred, from ``schemas/sacred_fields.toml``.

The diff owns the file's format (:func:`nemoctl.diff.load_sacred`); the database
check only needs the model and field names, so it asks the diff's loader when
present and otherwise reads the common shapes directly.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nemoctl.errors import ConfigError

SacredKey = tuple[str, str]


def load_sacred_keys(path: Path) -> tuple[SacredKey, ...]:
    """Sorted ``(model, field)`` pairs; an absent file means none."""
    if not path.is_file():
        return ()
    try:
        # Looked up by name: the diff package is optional for this module.
        load_sacred = importlib.import_module("nemoctl.diff").load_sacred
    except (ImportError, AttributeError):
        return _from_toml(path)
    return _from_objects(load_sacred(path)) or _from_toml(path)


def _from_objects(sacred: Any) -> tuple[SacredKey, ...]:
    items: Iterable[Any] = getattr(sacred, "fields", None) or (
        sacred if isinstance(sacred, list | tuple) else ()
    )
    keys: set[SacredKey] = set()
    for item in items:
        model = getattr(item, "model", None)
        field = getattr(item, "field", None) or getattr(item, "name", None)
        if isinstance(model, str) and isinstance(field, str):
            keys.add((model, field))
    return tuple(sorted(keys))


def _from_toml(path: Path) -> tuple[SacredKey, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    keys: set[SacredKey] = set()
    for value in data.values():
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict) and isinstance(entry.get("model"), str):
                field = entry.get("field") or entry.get("name")
                if isinstance(field, str):
                    keys.add((entry["model"], field))
                names = entry.get("fields")
                for name in names if isinstance(names, list) else []:
                    if isinstance(name, str):
                        keys.add((entry["model"], name))
    return tuple(sorted(keys))
