"""Is the pinned wheel still the one the schemas lock recorded? (`nemoctl check`)

Three independent witnesses must agree with ``schemas/lock.json``'s
``wheel_sha256``: the project lockfile's hashes for the pinned version (uv.lock
or poetry.lock, offline), the cached wheel re-hashed (offline, if cached), and,
when online and not cached, the hashes the configured indexes publish for that
release (catches a file replaced on the index or a withdrawn release).
"""

from __future__ import annotations

import contextlib
import json
import tomllib
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from nemoctl._atomic import write_atomic
from nemoctl._limits import loads_toml
from nemoctl._versions import same_version
from nemoctl.config import Config
from nemoctl.errors import NemoctlError
from nemoctl.pins import find_pins
from nemoctl.upstream import cache


def read_schema_lock(config: Config) -> dict[str, Any]:
    path = config.schemas_dir / "lock.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def verify_locked_wheel(config: Config, *, offline: bool = False) -> list[str]:
    """Problems, one line each; an empty list means the pinned wheel checks out."""
    rel = _rel(config, config.schemas_dir / "lock.json")
    try:
        lock = read_schema_lock(config)
    except FileNotFoundError:
        return [f"{rel} is missing (run `nemoctl generate`)"]
    except (OSError, ValueError) as exc:
        return [f"{rel} is unreadable: {exc}"]
    package = str(lock.get("package") or config.upstream().package)
    version = str(lock.get("version") or "")
    sha = lock.get("wheel_sha256")
    if not version:
        return [f"{rel} records no version"]
    if not cache.is_sha256(sha):
        return [f"{rel} records no wheel_sha256 for {package} {version}"]

    problems: list[str] = []
    try:
        pinned = {p.version for p in find_pins(config.root, package)}
    except NemoctlError as exc:
        pinned = set()
        problems.append(exc.message)
    if pinned and not any(_same_version(p, version) for p in pinned):
        problems.append(
            f"{package} is pinned to {', '.join(sorted(pinned))} but {rel} records {version} "
            "(regenerate with `nemoctl generate`, or upgrade with `nemoctl upgrade`)"
        )

    problems += _check_project_lockfile(config.root, package, version, sha, rel)

    stored = cache.wheels_root() / "sha256" / sha
    blobs = sorted(p for p in stored.iterdir() if p.is_file()) if stored.is_dir() else []
    if blobs:
        for blob in blobs:
            # Skips the re-hash for an unchanged file (stat stamp); removes a bad one.
            actual = cache.bad_blob_hash(sha, blob.name)
            if actual is not None:
                problems.append(
                    f"cached {blob.name} hashes to {actual}, not {sha} as {rel} records "
                    "(removed from the cache; it will be downloaded again)"
                )
    elif not offline:
        problems += _check_index(package, version, sha, rel)
    return problems


def _check_index(package: str, version: str, sha: str, rel: str) -> list[str]:
    from nemoctl.upstream import query_index  # only when the wheel is not cached

    try:
        listing = query_index(package)
    except NemoctlError as exc:
        return [f"cannot check {package} {version} against the index: {exc.message}"]
    release = listing.release(version)
    if release is None:
        return [f"{package} {version} (recorded in {rel}) is no longer on any configured index "
                f"(searched: {listing.searched()}): withdrawn"]
    published = {f.sha256 for f in release.files if f.sha256}
    if published and sha not in published:
        return [f"no file of {package} {version} on the index hashes to {sha} as {rel} records: "
                "the wheel was replaced or the lock is stale"]
    return []


def _check_project_lockfile(root: Path, package: str, version: str, sha: str,
                            rel: str) -> list[str]:
    for name in ("uv.lock", "poetry.lock"):
        path = root / name
        if not path.is_file():
            continue
        return _memoised_lock_check(path, name, package, version, sha, rel)
    return []


def _memoised_lock_check(path: Path, name: str, package: str, version: str, sha: str,
                         rel: str) -> list[str]:
    """The lockfile check, remembered by the lockfile's bytes and the question asked.

    Parsing a 1 MB ``uv.lock`` with tomllib costs ~0.25 s, most of a pre-commit
    ``check``; the answer is a pure function of those bytes and the arguments.
    """
    import hashlib

    from nemoctl.paths import cache_dir

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [f"{name} is unreadable: {exc}"]
    key = hashlib.sha256(json.dumps([hashlib.sha256(raw).hexdigest(), name, package, version,
                                     sha, rel]).encode()).hexdigest()
    memo = cache_dir() / "check-lockfile" / f"{key}.json"
    try:
        cached = json.loads(memo.read_text(encoding="utf-8"))
        if isinstance(cached, list) and all(isinstance(p, str) for p in cached):
            return cached
    except (OSError, ValueError):
        pass
    problems = _lock_problems(raw, name, package, version, sha, rel)
    with contextlib.suppress(OSError):  # a read-only cache only costs speed
        write_atomic(memo, json.dumps(problems).encode())
    return problems


def _lock_problems(raw: bytes, name: str, package: str, version: str, sha: str,
                   rel: str) -> list[str]:
    try:
        data = loads_toml(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [f"{name} is unreadable: {exc}"]
    entries = [p for p in data.get("package", []) if isinstance(p, dict)
               and canonicalize_name(str(p.get("name", ""))) == canonicalize_name(package)]
    if not entries:
        return [f"{name} has no entry for {package}"]
    entry = next((e for e in entries if _same_version(str(e.get("version", "")), version)),
                 None)
    if entry is None:
        locked = ", ".join(str(e.get("version")) for e in entries)
        return [f"{name} locks {package} {locked}, not {version} as {rel} records"]
    hashes = _entry_hashes(entry)
    if not hashes:
        return [f"{name}'s entry for {package} {version} carries no hashes"]
    if sha not in hashes:
        return [f"{name}'s hashes for {package} {version} do not include the wheel "
                f"sha256 {sha} recorded in {rel}"]
    return []


def _entry_hashes(entry: dict[str, Any]) -> set[str]:
    files: list[Any] = []
    files += entry.get("wheels", []) or []  # uv.lock
    if isinstance(entry.get("sdist"), dict):
        files.append(entry["sdist"])
    files += entry.get("files", []) or []  # poetry.lock
    hashes = set()
    for item in files:
        raw = item.get("hash") if isinstance(item, dict) else None
        if isinstance(raw, str) and raw.startswith("sha256:"):
            hashes.add(raw.removeprefix("sha256:"))
    return hashes


def _same_version(a: str, b: str) -> bool:
    return same_version(a, b)


def _rel(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)
