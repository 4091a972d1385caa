"""The API inventory of one wheel, cached under ``<cache_dir>/surfaces/<wheel-sha256>/``.

    inv = inventory_for("litellm", "1.110.2")    # cold: griffe (~20-30 s); warm: ms

Stored as SQLite (``api.sqlite``: one row per object path, looked up by key), so a warm
run reads only the handful of rows the consumer's uses touch instead of parsing a
20 MB document.  Verified before use: ``api.sha256`` holds the database's sha256 and
the wheel digest it was built from; a file that does not match (edited, truncated,
another format) is rebuilt, never trusted.  Written atomically (temporary file, then
``os.replace``), so a concurrent or interrupted build leaves the old one or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nemoctl.apisurface.diffing import Change, changes_between
from nemoctl.apisurface.inventory import Inventory, build_inventory

#: Bump when the inventory's content for the same wheel changes meaning.
FORMAT = "api-1"
_DB = "api.sqlite"
_STAMP = "api.sha256"


class SqliteRecords:
    def __init__(self, conn: sqlite3.Connection, uri: str = "") -> None:
        self.conn = conn
        #: The read-only URI it was opened with (diffing attaches a second database).
        self.uri = uri

    def get(self, path: str) -> list[Any] | None:
        row = self.conn.execute("SELECT rec FROM obj WHERE path = ?", (path,)).fetchone()
        return None if row is None else json.loads(row[0])

    def children(self, prefix: str) -> Iterator[tuple[str, list[Any]]]:
        # Paths sort by code point; "." + U+10FFFF bounds every path with this prefix.
        rows = self.conn.execute("SELECT path, rec FROM obj WHERE path > ? AND path < ?",
                                 (prefix, prefix + "\U0010ffff"))
        for path, rec in rows:
            if "." not in path[len(prefix):]:
                yield path, json.loads(rec)

    def named(self, name: str) -> Iterator[tuple[str, list[Any]]]:
        rows = self.conn.execute("SELECT path, rec FROM obj WHERE path LIKE ? ESCAPE '\\' "
                                 "ORDER BY path", ("%." + name.replace("_", "\\_"),))
        for path, rec in rows:
            yield path, json.loads(rec)

    def items(self) -> Iterator[tuple[str, list[Any]]]:
        for path, rec in self.conn.execute("SELECT path, rec FROM obj ORDER BY path"):
            yield path, json.loads(rec)


def surfaces_dir(wheel_sha256: str) -> Path:
    from nemoctl.config import cache_dir

    return cache_dir() / "surfaces" / wheel_sha256


def inventory_for(package: str, version: str) -> Inventory:
    """The inventory of ``package==version`` from its verified wheel, cached.

    Warm, only the wheel's digest is needed (the cached, verified wheel answers it
    without the network); the unpacked tree — whose check stats every file — is opened
    only to build a missing inventory."""
    from nemoctl.upstream import fetch_wheel
    from nemoctl.upstream.unpack import unpack

    fetched = fetch_wheel(package, version)
    found = open_cached(surfaces_dir(fetched.sha256), fetched.sha256, package, version)
    if found is not None:
        return found
    wheel = unpack(fetched)
    return cached_inventory(wheel.path, wheel.sha256, package, version)


def cached_inventory(tree: Path, wheel_sha256: str, package: str, version: str) -> Inventory:
    directory = surfaces_dir(wheel_sha256)
    found = open_cached(directory, wheel_sha256, package, version)
    if found is not None:
        return found
    inv = build_inventory(tree, package, version)
    store(inv, directory, wheel_sha256)
    reopened = open_cached(directory, wheel_sha256, package, version)
    # A cache dir that cannot be written still gives the answer, only slower next time.
    return reopened if reopened is not None else inv


def open_cached(directory: Path, wheel_sha256: str, package: str,
                version: str) -> Inventory | None:
    db = directory / _DB
    try:
        stamp = json.loads((directory / _STAMP).read_text(encoding="utf-8"))
        data = db.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("format") != FORMAT \
            or stamp.get("wheel_sha256") != wheel_sha256 \
            or stamp.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    try:
        uri = f"{db.as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        unloaded = dict(conn.execute("SELECT module, reason FROM unloaded").fetchall())
    except sqlite3.Error:
        return None
    if meta.get("package") != package or meta.get("version") != version:
        conn.close()
        return None
    return Inventory(package, version, SqliteRecords(conn, uri), unloaded, wheel_sha256)


def store(inv: Inventory, directory: Path, wheel_sha256: str) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".api-", suffix=".sqlite", dir=directory)
        os.close(fd)
    except OSError:
        return
    try:
        conn = sqlite3.connect(tmp)
        with conn:
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute("CREATE TABLE obj (path TEXT PRIMARY KEY, rec TEXT) WITHOUT ROWID")
            conn.execute("CREATE TABLE unloaded (module TEXT PRIMARY KEY, reason TEXT)")
            conn.executemany("INSERT INTO meta VALUES (?, ?)",
                             [("package", inv.package), ("version", inv.version),
                              ("format", FORMAT)])
            conn.executemany("INSERT INTO obj VALUES (?, ?)",
                             ((p, json.dumps(r, separators=(",", ":")))
                              for p, r in inv.records.items()))
            conn.executemany("INSERT INTO unloaded VALUES (?, ?)", sorted(inv.unloaded.items()))
        conn.execute("VACUUM")
        conn.close()
        digest = hashlib.sha256(Path(tmp).read_bytes()).hexdigest()
        os.replace(tmp, directory / _DB)
        stamp = json.dumps({"format": FORMAT, "wheel_sha256": wheel_sha256, "sha256": digest})
        fd, tmp_stamp = tempfile.mkstemp(prefix=".api-", suffix=".sha256", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(stamp)
        os.replace(tmp_stamp, directory / _STAMP)
    except (OSError, sqlite3.Error):
        Path(tmp).unlink(missing_ok=True)


def cached_changes(old: Inventory, new: Inventory) -> list[Change]:
    """:func:`changes_between`, cached per pair of wheels (a pure function of the two)."""
    if not (old.wheel_sha256 and new.wheel_sha256):
        return changes_between(old, new)
    path = surfaces_dir(old.wheel_sha256) / f"api-changes-{new.wheel_sha256}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") == FORMAT:
            return [Change(*row) for row in data["changes"]]
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        pass
    changes = changes_between(old, new)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".api-changes-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": FORMAT, "changes": [[c.path, c.what, c.before, c.after]
                                                     for c in changes]}, out)
        os.replace(tmp, path)
    except OSError:
        pass
    return changes
