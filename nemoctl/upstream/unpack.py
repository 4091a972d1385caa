"""A verified wheel unpacked read-only into nemoctl's cache, keyed by the wheel's sha256.

The API and configuration surfaces read LiteLLM's sources statically (griffe, ``ast``)
and ``nemoctl upstream source`` hands engineers a reference copy to read: all of them
use this one tree.  It lives outside any repository, is never put on ``sys.path``, and
has no write bits, so nobody edits "LiteLLM" by accident.

Trust nothing on disk: the tree is built from a wheel whose sha256 was verified, every
member name is checked (no absolute paths, no ``..``, no links, bounded count and size),
it is renamed into place only when complete, and a manifest of every file's stat stamp
is checked before each use (a changed, added or removed file discards the tree and it
is unpacked again).  ``verify(full=True)`` also re-hashes every file against the
wheel's ``RECORD``.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from nemoctl._filelock import FileLock
from nemoctl.errors import FetchError
from nemoctl.paths import cache_dir
from nemoctl.upstream._fetch import FetchedWheel, fetch_wheel
from nemoctl.upstream.cache import is_sha256

#: More than any real wheel holds (LiteLLM 1.110: ~3,400 files, ~120 MB unpacked).
MAX_MEMBERS = 50_000
MAX_UNPACKED_BYTES = 2 * 1024**3
_MANIFEST = ".nemoctl-manifest.json"
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class UnpackedWheel:
    #: The directory holding the wheel's contents (``litellm/``, ``litellm-X.dist-info/``).
    path: Path
    sha256: str
    package: str
    version: str

    def package_dir(self, name: str) -> Path:
        """The directory of a top-level import package (``litellm``)."""
        return self.path / name


def unpacked_root() -> Path:
    return cache_dir() / "unpacked"


def unpacked_wheel(package: str, version: str, *, refresh: bool = False) -> UnpackedWheel:
    """``package==version``'s verified wheel, unpacked read-only (fetched if needed)."""
    return unpack(fetch_wheel(package, version, refresh=refresh))


def unpack(wheel: FetchedWheel) -> UnpackedWheel:
    if not is_sha256(wheel.sha256):
        raise FetchError(f"not a wheel digest: {wheel.sha256!r}")
    root = unpacked_root()
    target = root / wheel.sha256
    result = UnpackedWheel(target, wheel.sha256, wheel.package, wheel.version)
    if _intact(target):
        return result
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(root / "locks" / f"{wheel.sha256}.lock"):
        if _intact(target):
            return result
        discard(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{wheel.sha256[:12]}-", dir=root))
        try:
            _extract(wheel.path, staging)
            _write_manifest(staging, wheel.sha256)
            _make_read_only(staging)
            os.rename(staging, target)
        except BaseException:
            discard(staging)
            raise
    return result


def verify(unpacked: UnpackedWheel, *, full: bool = False) -> list[str]:
    """Problems with the tree: files changed, added or missing since it was unpacked.

    ``full`` also re-hashes every file against the wheel's ``RECORD``.
    """
    problems = _manifest_problems(unpacked.path)
    if full and not problems:
        problems = _record_problems(unpacked.path)
    return problems


def discard(path: Path) -> None:
    """Remove an unpacked tree (it has no write bits, so give them back first)."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    for dirpath, dirnames, _ in os.walk(path):
        for name in dirnames:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(dirpath, name), 0o700, follow_symlinks=False)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    shutil.rmtree(path, ignore_errors=True)


# --- building -------------------------------------------------------------------------


def _extract(wheel_path: Path, into: Path) -> None:
    try:
        archive = zipfile.ZipFile(wheel_path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise FetchError(f"{wheel_path.name} is not a readable wheel: {exc}") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise FetchError(f"{wheel_path.name} has {len(members)} members "
                             f"(more than {MAX_MEMBERS}); refusing to unpack it")
        total = 0
        for info in members:
            relative = _safe_member(info, wheel_path.name)
            if relative is None:
                continue
            total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise FetchError(f"{wheel_path.name} unpacks to more than "
                                 f"{MAX_UNPACKED_BYTES // 1024**2} MB; refusing")
            destination = into.joinpath(*relative)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, destination.open("xb") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)


def _safe_member(info: zipfile.ZipInfo, wheel: str) -> tuple[str, ...] | None:
    """The member's path parts, or None for a directory entry; refuses anything odd."""
    name = info.filename
    if name.endswith("/"):
        return None
    mode = info.external_attr >> 16
    parts = tuple(name.split("/"))
    if (name.startswith("/") or "\\" in name or "\x00" in name
            or any(p in ("", ".", "..") for p in parts) or ":" in parts[0]
            or stat.S_ISLNK(mode)):
        raise FetchError(f"{wheel} has an unsafe member {name[:80]!r}; refusing to unpack it")
    return parts


def _files(root: Path) -> list[Path]:
    manifest = root / _MANIFEST
    return sorted(p for p in root.rglob("*")
                  if (p.is_file() or p.is_symlink()) and p != manifest)


def _stamp(path: Path) -> str:
    st = path.lstat()
    return f"{st.st_size}:{st.st_mtime_ns}:{stat.S_IMODE(st.st_mode):o}"


def _write_manifest(root: Path, sha256: str) -> None:
    # Stamps are taken after the mode change below would alter ctime only, never
    # mtime or size: the manifest records size and mtime, and the mode it will have.
    entries = {p.relative_to(root).as_posix(): p.lstat() for p in _files(root)}
    manifest = {"format": _FORMAT, "sha256": sha256,
                "files": {name: f"{st.st_size}:{st.st_mtime_ns}:444"
                          for name, st in entries.items()}}
    (root / _MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")


def _make_read_only(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o555)
    os.chmod(root, 0o555)


# --- checking -------------------------------------------------------------------------


def _intact(target: Path) -> bool:
    if target.is_symlink() or not target.is_dir():
        return False
    return not _manifest_problems(target)


def _manifest_problems(root: Path) -> list[str]:
    try:
        manifest = json.loads((root / _MANIFEST).read_text(encoding="utf-8"))
        recorded = manifest["files"]
        if manifest.get("format") != _FORMAT or manifest.get("sha256") != root.name \
                or not isinstance(recorded, dict):
            return ["the manifest does not describe this tree"]
    except (OSError, ValueError, KeyError, TypeError):
        return ["no readable manifest"]
    present = {p.relative_to(root).as_posix(): p for p in _files(root)}
    problems = [f"missing: {name}" for name in sorted(set(recorded) - set(present))]
    problems += [f"added: {name}" for name in sorted(set(present) - set(recorded))]
    for name in sorted(set(recorded) & set(present)):
        path = present[name]
        if path.is_symlink() or _stamp(path) != recorded[name]:
            problems.append(f"modified: {name}")
    return problems


def _record_problems(root: Path) -> list[str]:
    records = sorted(root.glob("*.dist-info/RECORD"))
    if len(records) != 1:
        return ["no single RECORD in the tree"]
    problems: list[str] = []
    text = records[0].read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 2 or not row[1]:
            continue
        name, digest = row[0], row[1]
        algorithm, _, expected = digest.partition("=")
        path = root / name
        if algorithm != "sha256" or not path.is_file():
            problems.append(f"missing: {name}")
            continue
        actual = base64.urlsafe_b64encode(
            hashlib.sha256(path.read_bytes()).digest()).rstrip(b"=").decode()
        if actual != expected:
            problems.append(f"modified: {name}")
    return problems
