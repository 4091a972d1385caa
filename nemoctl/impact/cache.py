"""The incremental scan cache: one result per file content hash, under nemoctl's cache dir.

A key is ``language : name-table digest : context : sha256(file bytes)``; the context is
empty except for TypeScript, where it is the hash of the generated ``.d.ts`` and the
``tsconfig*.json`` files.  A TypeScript entry also records the sha256 of the project
files its types come from directly (its resolved imports and the global declaration
files): an entry is used only while those, and transitively theirs, are unchanged, so
editing ``types.ts`` rescans every file that imports it, directly or not.  One file per
project root keeps a warm start to a single read; entries not used by a run are
dropped when it saves, so the file never outgrows the project.

The file is written with :mod:`marshal` (plain dicts, lists, strings and ints only):
decoding tens of thousands of uses is several times faster than JSON, which is most of
a warm run.  It lives in the user's own cache directory and starts with the sha256 of
the rest: :mod:`marshal` is not meant for damaged input, so nothing is decoded before
the digest matches.  A file whose digest does not match, that does not decode, or that
decodes to anything but the expected shape is ignored (the scan rebuilds it).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from pathlib import Path
from typing import Any

from nemoctl._atomic import write_atomic
from nemoctl.config import cache_dir

#: Bump when a scanner's output for the same input changes meaning.
FORMAT = "impact-14"


class ScanCache:
    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = cache_dir() / "impact" / f"{digest}.marshal"
        self.enabled = enabled
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        #: path → ((size, mtime_ns, ctime_ns, inode), sha256): files proven unchanged
        #: by their stat are not read again
        self.stats: dict[str, Any] = {}
        self.new_stats: dict[str, Any] = {}
        self.hits = 0
        if enabled:
            data = _load(self.path)
            if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(
                    data.get("entries"), dict):
                self.entries = data["entries"]
                stats = data.get("stats")
                self.stats = stats if isinstance(stats, dict) else {}

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if value is not None:
            self.hits += 1
            self.used[key] = value
        return value

    def peek(self, key: str) -> Any:
        """The stored entry for ``key`` without counting a hit or keeping it."""
        return self.entries.get(key)

    def stat_of(self, path: str) -> tuple[tuple[int, ...], str] | None:
        found = self.stats.get(path)
        if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], str):
            return found
        return None

    def record_stat(self, path: str, stamp: tuple[int, ...], digest: str) -> None:
        self.new_stats[path] = (tuple(stamp), digest)

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self) -> None:
        if not self.enabled or (self.used == self.entries and self.new_stats == self.stats):
            return
        payload = marshal.dumps({"format": FORMAT, "entries": self.used,
                                 "stats": self.new_stats})
        # A cache that cannot be written only costs the next run its speed.
        with contextlib.suppress(OSError):
            write_atomic(self.path, hashlib.sha256(payload).digest() + payload)


def _load(path: Path) -> Any:
    """The decoded cache, or None when it is absent, damaged or does not verify."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    digest, payload = raw[:32], raw[32:]
    if len(digest) != 32 or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
