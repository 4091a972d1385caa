"""Content-addressed wheel store: ``cache_dir()/wheels/sha256/<hash>/<filename>``.

A blob's name is its hash, so a stored file is checked by re-hashing it on every
read; a corrupt or truncated blob is deleted and fetched again, never used.  Which
blob a ``package==version`` means is a small JSON *reference*, kept per source
configuration because the same version can be a different file on another index.

Nothing read from the cache is trusted: a reference is validated (a hash is 64 hex
digits, a file name has no separators, every path it yields resolves inside the
cache root) and an invalid one is discarded with a warning and rebuilt, never
followed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, TypeGuard

from nemoctl._atomic import write_atomic
from nemoctl.paths import cache_dir, discard, inside

_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
log = logging.getLogger("nemoctl.cache")


def is_sha256(value: object) -> TypeGuard[str]:
    """A lower-case hex sha256 digest (and nothing that could be a path)."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def is_safe_filename(value: object) -> TypeGuard[str]:
    """One path component: no separators, no ``..``, no NUL, a sane length."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 255
        and value not in (".", "..")
        and not any(ch in value for ch in "/\\\0")
        and not value.startswith(".")
    )


def wheels_root() -> Path:
    return cache_dir() / "wheels"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def blob_path(sha256: str, filename: str) -> Path:
    if not is_sha256(sha256) or not is_safe_filename(filename):
        raise ValueError(f"not a cache blob name: {sha256!r}/{filename!r}")
    return wheels_root() / "sha256" / sha256 / filename


def _stat_stamp(path: Path) -> str:
    # ctime cannot be set by a writer: any change to the bytes (or a replaced file)
    # changes the stamp, so an unchanged stamp means the bytes hashed last time.
    st = path.stat()
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _stamp_path(path: Path) -> Path:
    # Beside the store, not in it: a blob directory holds blobs only.
    return wheels_root() / "verified" / path.parent.name / path.name


def verified_blob(sha256: str, filename: str) -> Path | None:
    """The stored file if present and still hashing to ``sha256``; a bad one is removed.

    The full re-hash (~0.1 s for a 38 MB wheel) is skipped when the file's stat stamp
    (device, inode, size, mtime and ctime in ns) is the one recorded right after it
    last hashed correctly; any write to the file changes its ctime, so it is hashed
    again.
    """
    if not is_sha256(sha256) or not is_safe_filename(filename):
        return None
    path = blob_path(sha256, filename)
    if path.is_symlink() or not path.is_file() or not inside(wheels_root(), path):
        if path.is_symlink():
            discard(path, "a symbolic link")
        return None
    return path if bad_blob_hash(sha256, filename) is None else None


def bad_blob_hash(sha256: str, filename: str) -> str | None:
    """None when the stored file hashes to ``sha256``; else its actual hash (file removed)."""
    path = blob_path(sha256, filename)
    stamp_file = _stamp_path(path)
    try:
        if (not stamp_file.is_symlink()
                and stamp_file.read_text(encoding="ascii") == f"{sha256} {_stat_stamp(path)}"):
            return None
    except OSError:
        pass
    actual = sha256_of(path)
    if actual == sha256:
        with contextlib.suppress(OSError):
            write_atomic(stamp_file, f"{sha256} {_stat_stamp(path)}".encode("ascii"))
        return None
    discard(path, "its content no longer matches its sha256")
    with contextlib.suppress(OSError):
        stamp_file.unlink()
    return actual


def store_blob(source: Path, sha256: str) -> Path:
    """Move ``source`` (already hashed) into the store atomically."""
    target = blob_path(sha256, source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return target


def ref_path(fingerprint: str, package: str, version: str) -> Path:
    return wheels_root() / "refs" / fingerprint / package / f"{version}.json"


def read_ref(fingerprint: str, package: str, version: str) -> dict[str, Any] | None:
    """A validated reference, or ``None`` (missing, or bad and discarded)."""
    path = ref_path(fingerprint, package, version)
    try:
        if path.is_symlink():
            raise ValueError("a symbolic link")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        discard(path, f"unreadable: {exc}")
        return None
    problem = _ref_problem(data)
    if problem:
        discard(path, problem)
        return None
    return dict(data)


def _ref_problem(data: object) -> str | None:
    if not isinstance(data, dict):
        return "not a JSON object"
    if not is_sha256(data.get("sha256")):
        return "sha256 is not 64 hex digits"
    filename = data.get("filename")
    if not is_safe_filename(filename) or not str(filename).endswith(".whl"):
        return "filename is not a plain wheel file name"
    index_sha = data.get("index_sha256")
    if index_sha is not None and not is_sha256(index_sha):
        return "index_sha256 is not 64 hex digits"
    if not inside(wheels_root(), blob_path(data["sha256"], str(filename))):
        return "its blob path leaves the cache"
    return None


def write_ref(fingerprint: str, package: str, version: str, data: dict[str, Any]) -> None:
    path = ref_path(fingerprint, package, version)
    write_atomic(path, (json.dumps(data, sort_keys=True, indent=2) + "\n").encode())
