"""Scan a project for uses of LiteLLM's Python API: the impact scan's files → an ApiUsage.

    usage = scan_api(config)

The files are the impact scan's (:func:`nemoctl.impact.files.discover`: tracked files
under ``[tool.nemoctl.impact] paths``, nemoctl's own output excluded, size-capped,
symlinks out of the tree skipped); only Python files are read.  Results are cached per
file content hash in ``<cache_dir>/apisurface/<project digest>.json``, so a warm scan
costs the walk, one hash per file and one JSON read.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from nemoctl.apisurface.consumer import ScanError, is_test_path, scan_source
from nemoctl.apisurface.model import ApiUsage, ApiUse, Unparseable
from nemoctl.config import Config

#: Bump when the scanner's output for the same input changes meaning.
FORMAT = "apiscan-3"


def scan_api(config: Config, *, cache: bool = True) -> ApiUsage:
    from nemoctl.impact.files import discover
    from nemoctl.impact.scan import default_excludes

    impact = config.impact
    root = config.root.resolve()
    files, _skipped, _configs = discover(
        root, paths=impact.paths, exclude=[*default_excludes(config), *impact.exclude],
        max_size=impact.max_file_size)
    store = _Cache(root, enabled=cache)
    uses: list[ApiUse] = []
    bad: list[Unparseable] = []
    sources: dict[str, bytes] = {}
    scanned = 0
    for f in files:
        if f.language != "python":
            continue
        scanned += 1
        key = hashlib.sha256(f.data).hexdigest() + (":t" if is_test_path(f.path) else ":s")
        hit = store.get(key)
        if hit is None:
            try:
                found = scan_source(f.data, f.path)
            except ScanError as exc:
                store.put(key, {"error": str(exc)})
                bad.append(Unparseable(f.path, str(exc)))
                continue
            store.put(key, {"uses": [u.to_row() for u in found]})
            uses.extend(found)
            if found:
                sources[f.path] = f.data
        elif "error" in hit:
            bad.append(Unparseable(f.path, str(hit["error"])))
        elif hit["uses"]:
            # Snippets are made when a finding is printed (from ``sources``), not here:
            # redacting every line of a large project would cost more than the scan.
            uses.extend(ApiUse.from_row(f.path, row, "") for row in hit["uses"])
            sources[f.path] = f.data
    store.save()
    return ApiUsage(tuple(uses), scanned, tuple(bad), store.hits, sources)


class _Cache:
    """One JSON file per project root; entries unused by a run are dropped on save.

    Entries do not depend on the path (a use's file is the path it is found at now) —
    except whether the file is a test, which is part of the key below."""

    def __init__(self, root: Path, *, enabled: bool) -> None:
        from nemoctl.config import cache_dir

        digest = hashlib.sha256(str(root).encode()).hexdigest()[:16]
        self.path = cache_dir() / "apisurface" / f"{digest}.json"
        self.enabled = enabled
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = 0
        if enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("format") == FORMAT \
                    and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]

    def get(self, key: str) -> dict[str, Any] | None:
        value = self.entries.get(key)
        if isinstance(value, dict):
            self.hits += 1
            self.used[key] = value
            return value
        return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        self.used[key] = value

    def save(self) -> None:
        if not self.enabled or self.used == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"format": FORMAT, "entries": self.used}, out,
                          separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
