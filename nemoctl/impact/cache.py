"""The incremental scan cache: one result per file content hash, under nemoctl's cache dir.

A key is ``language : name-table digest : context : sha256(file bytes)``; the context is
empty except for TypeScript, where it is the hash of the generated ``.d.ts`` and the
``tsconfig*.json`` files.  A TypeScript entry also records the sha256 of the project
files its types come from directly (its resolved imports and the global declaration
files): an entry is used only while those, and transitively theirs, are unchanged, so
editing ``types.ts`` rescans every file that imports it, directly or not.  One JSON file
per project root keeps a warm start to a single read; entries not used by a run are
dropped when it saves, so the file never outgrows the project.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from nemoctl._atomic import write_atomic
from nemoctl.paths import cache_dir

#: Bump when a scanner's output for the same input changes meaning.
FORMAT = "impact-7"


class ScanCache:
    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = cache_dir() / "impact" / f"{digest}.json"
        self.enabled = enabled
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = 0
        if enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("format") == FORMAT:
                self.entries = data.get("entries", {})

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if value is not None:
            self.hits += 1
            self.used[key] = value
        return value

    def peek(self, key: str) -> Any:
        """The stored entry for ``key`` without counting a hit or keeping it."""
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self) -> None:
        if not self.enabled or self.used == self.entries:
            return
        body = json.dumps({"format": FORMAT, "entries": self.used}, separators=(",", ":"))
        # A cache that cannot be written only costs the next run its speed.
        with contextlib.suppress(OSError):
            write_atomic(self.path, body.encode())
