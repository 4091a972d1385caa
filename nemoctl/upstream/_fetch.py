"""Download a release's wheel with pip (never installing it) into the cache."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from nemoctl import _proc
from nemoctl._filelock import FileLock
from nemoctl.config import UpstreamConfig
from nemoctl.errors import BadInputError, FetchError, SupplyChainError
from nemoctl.upstream import cache
from nemoctl.upstream._pipconfig import (
    PipSettings,
    pip_settings,
    redact_text,
    settings_fingerprint,
)
from nemoctl.upstream.wheel import read_cached_member

_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchedWheel:
    path: Path
    filename: str
    sha256: str
    package: str
    version: str
    #: The sha256 the index published for this file (None: the source publishes none).
    index_sha256: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "package": self.package,
            "version": self.version,
            "index_sha256": self.index_sha256,
        }


@dataclass(frozen=True, slots=True)
class UpstreamSchema:
    text: str
    version: str
    wheel: FetchedWheel


#: Longer is not a release anyone publishes; it would also overflow a file name
#: (versions name cache entries) and Python's int-conversion limit.
MAX_VERSION_LENGTH = 128


def normalize_version(version: str) -> str:
    """The canonical form of a PEP 440 version; BadInputError if it is not one."""
    text = version.strip()
    shown = (repr(version) if len(version) <= 60
             else repr(version[:40]) + f"... ({len(version)} characters)")
    if len(text) > MAX_VERSION_LENGTH:
        raise BadInputError(
            f"{shown} is not a valid version: longer than {MAX_VERSION_LENGTH} characters"
        )
    try:
        return str(Version(text))
    except (InvalidVersion, ValueError):  # ValueError: a number past int's digit limit
        raise BadInputError(
            f"{shown} is not a valid version (expected a PEP 440 version like 1.102.4)"
        ) from None


def check_package_name(package: str) -> str:
    if len(package) > 200 or not _NAME.match(package):
        shown = repr(package) if len(package) <= 60 else repr(package[:40]) + "..."
        raise BadInputError(f"{shown} is not a valid package name")
    return str(canonicalize_name(package))


def fetch_wheel(package: str, version: str, *, refresh: bool = False) -> FetchedWheel:
    """The wheel pip would pick for ``package==version``, cached and sha256-verified.

    A warm cache answers without the network; ``refresh`` downloads through pip again
    (and re-records which file the version means).

    Goes through ``pip download`` so every pip setting (indexes, find-links,
    credentials, keyring, proxies, certificates) applies exactly as for an install.
    """
    project = check_package_name(package)
    version = normalize_version(version)
    cached = cached_wheel(project, version)
    if cached is not None and not refresh:
        return cached
    settings = pip_settings()
    fingerprint = settings.fingerprint()
    root = cache.wheels_root()
    with FileLock(root / "locks" / f"{project}-{version}.lock"):
        ref = None if refresh else cache.read_ref(fingerprint, project, version)
        if ref is not None:
            path = cache.verified_blob(str(ref["sha256"]), str(ref["filename"]))
            if path is not None:
                return FetchedWheel(path, str(ref["filename"]), str(ref["sha256"]), project,
                                    version, ref.get("index_sha256"))
        return _download(project, version, settings, fingerprint)


def cached_wheel(package: str, version: str) -> FetchedWheel | None:
    """The verified cached wheel for ``package==version`` under pip's current sources.

    No network and no pip import when the cache is warm; None when not cached.
    """
    project = check_package_name(package)
    version = normalize_version(version)
    ref = cache.read_ref(settings_fingerprint(), project, version)
    if ref is None:
        return None
    path = cache.verified_blob(str(ref["sha256"]), str(ref["filename"]))
    if path is None:
        return None
    return FetchedWheel(path, str(ref["filename"]), str(ref["sha256"]), project, version,
                        ref.get("index_sha256"))


def fetch_schema(upstream: UpstreamConfig, version: str, *,
                 refresh: bool = False) -> UpstreamSchema:
    """The schema file shipped inside ``upstream``'s wheel for ``version``."""
    wheel = fetch_wheel(upstream.package, version, refresh=refresh)
    try:
        data = read_cached_member(wheel.path, wheel.sha256, upstream.schema_path)
    except BadInputError as exc:
        raise FetchError(
            f"{upstream.package} {wheel.version}: {exc.message}",
            hint="check schema-path in [tool.nemoctl.upstreams."
            f"{upstream.name}] (now {upstream.schema_path!r})",
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FetchError(f"{upstream.schema_path} in {wheel.filename} is not UTF-8") from None
    return UpstreamSchema(text=text, version=wheel.version, wheel=wheel)


def _download(project: str, version: str, settings: PipSettings, fingerprint: str) -> FetchedWheel:
    root = cache.wheels_root()
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="dl-", dir=root / "tmp"))
    try:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--progress-bar", "off", "--disable-pip-version-check", "--no-input",
               "-d", str(workdir), f"{project}=={version}"]
        env = {**os.environ, "PIP_NO_INPUT": "1", "PYTHONIOENCODING": "utf-8"}
        proc = _proc.run(cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            _raise_for_pip(proc.stdout + proc.stderr, project, version, settings)
        wheels = sorted(workdir.glob("*.whl"))
        if len(wheels) != 1:
            raise FetchError(f"pip download of {project}=={version} produced no single wheel")
        sha = cache.sha256_of(wheels[0])
        filename = wheels[0].name
        path = cache.store_blob(wheels[0], sha)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    index_sha = _published_sha256(project, version, filename, sha)
    cache.write_ref(fingerprint, project, version,
                    {"filename": filename, "sha256": sha, "index_sha256": index_sha})
    return FetchedWheel(path, filename, sha, project, version, index_sha)


def _published_sha256(project: str, version: str, filename: str, sha: str) -> str | None:
    """The hash an index publishes for this exact file (prefer the one that matches)."""
    from nemoctl.upstream.index import query_index

    try:
        release = query_index(project).release(version)
    except FetchError:
        return None
    published = [f.sha256 for f in release.file(filename) if f.sha256] if release else []
    if sha in published:
        return sha
    return published[0] if published else None


def _raise_for_pip(output: str, project: str, version: str, settings: PipSettings) -> None:
    output = redact_text(output, settings)
    searched = ", ".join(settings.sources()) or "none (pip is configured with --no-index)"
    if "DO NOT MATCH THE HASHES" in output:
        expected = re.search(r"Expected sha256 ([0-9a-f]{64})", output)
        got = re.search(r"Got\s+([0-9a-f]{64})", output)
        raise SupplyChainError(
            f"{project} {version}'s wheel hashes to "
            f"{got[1] if got else '?'} but the index publishes "
            f"{expected[1] if expected else 'a different sha256'}; refusing to use it",
            hint="the file on the index or a mirror/proxy in between was altered",
        )
    if "No matching distribution found" in output or "Could not find a version" in output:
        available = re.search(r"\(from versions: ([^)]*)\)", output)
        listed = available[1].strip() if available else "none"
        raise FetchError(
            f"{project}=={version}: no wheel on any configured index "
            f"(searched: {searched}; versions with wheels there: "
            f"{_tail(listed)})"
        )
    last = [line for line in output.strip().splitlines() if line.strip()][-3:]
    raise FetchError(f"pip could not download {project}=={version}: " + " | ".join(last))


def _tail(listed: str, keep: int = 8) -> str:
    versions = [v.strip() for v in listed.split(",") if v.strip()]
    if len(versions) <= keep:
        return ", ".join(versions) or "none"
    return "…, " + ", ".join(versions[-keep:])
