"""Content-addressed wheel store: ``cache_dir()/wheels/sha256/<hash>/<filename>``.

A blob's name is its hash, so a stored file is checked by re-hashing it on every
read; a corrupt or truncated blob is deleted and fetched again, never used.  Which
blob a ``package==version`` means is a small JSON *reference*, kept per source
configuration because the same version can be a different file on another index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from nemoctl.config import cache_dir

_CHUNK = 1 << 20


def wheels_root() -> Path:
    return cache_dir() / "wheels"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def blob_path(sha256: str, filename: str) -> Path:
    return wheels_root() / "sha256" / sha256 / filename


def verified_blob(sha256: str, filename: str) -> Path | None:
    """The stored file if present and still hashing to ``sha256``; a bad one is removed."""
    path = blob_path(sha256, filename)
    if not path.is_file():
        return None
    if sha256_of(path) == sha256:
        return path
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def store_blob(source: Path, sha256: str) -> Path:
    """Move ``source`` (already hashed) into the store atomically."""
    target = blob_path(sha256, source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return target


def ref_path(fingerprint: str, package: str, version: str) -> Path:
    return wheels_root() / "refs" / fingerprint / package / f"{version}.json"


def read_ref(fingerprint: str, package: str, version: str) -> dict[str, Any] | None:
    path = ref_path(fingerprint, package, version)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not {"filename", "sha256"} <= set(data):
        return None
    return data


def write_ref(fingerprint: str, package: str, version: str, data: dict[str, Any]) -> None:
    path = ref_path(fingerprint, package, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def find_blob(sha256: str) -> Path | None:
    """Any verified stored file with this hash (used to re-check a locked wheel)."""
    directory = wheels_root() / "sha256" / sha256
    if not directory.is_dir():
        return None
    for candidate in sorted(directory.iterdir()):
        if candidate.is_file():
            return verified_blob(sha256, candidate.name)
    return None
