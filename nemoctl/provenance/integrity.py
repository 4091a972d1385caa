"""What is installed is what was published: LiteLLM's files against their ``RECORD``.

A wheel's ``RECORD`` lists every file it installs with its sha256; installers copy it
into the environment's ``.dist-info``.  For each watched distribution installed in the
project's environment this checks:

- every recorded file exists (``INSTALL_MISSING``) and hashes as recorded
  (``INSTALL_MODIFIED``);
- no file was added inside the distribution's package directories
  (``INSTALL_ADDED``; bytecode caches under ``__pycache__`` are not verified, and said so);
- the installed ``RECORD`` itself matches the ``RECORD`` of the published wheel, when
  that wheel is in nemoctl's verified cache (``INSTALL_RECORD_MISMATCH``): editing a
  file *and* its ``RECORD`` line is caught there;
- it was installed from an index, not a URL, path or checkout (``direct_url.json``,
  PEP 610: ``INSTALL_NOT_FROM_INDEX``), and is the pinned version
  (``INSTALL_VERSION_MISMATCH``).

Hashing LiteLLM (~3,000 files, ~100 MB) costs about a second, so each file's hash is
remembered by its stat (size, mtime, ctime, inode) in nemoctl's cache and recomputed
when any of them changes; ctime cannot be set back by a user, so a file edited and
``touch``-ed back to its old mtime is still re-hashed.  The cache file carries a
digest over its own content and is ignored when that does not match.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from nemoctl.config import cache_dir
from nemoctl.provenance.model import DEFAULT_WATCHED, Observation

_CACHE_LAYOUT = 1


@dataclass(frozen=True, slots=True)
class InstalledDist:
    name: str
    version: str
    site: Path
    dist_info: Path

    @property
    def record_path(self) -> Path:
        return self.dist_info / "RECORD"


@dataclass(frozen=True, slots=True)
class IntegrityResult:
    observations: tuple[Observation, ...]
    #: ``{package: version}`` of every watched distribution found.
    installed: dict[str, str]
    #: Files hashed this run (0 on a warm cache); files verified in all.
    hashed: int
    verified: int
    notes: tuple[str, ...] = ()


def installed_dists(sites: Iterable[Path], watched: Iterable[str]) -> list[InstalledDist]:
    wanted = {canonicalize_name(n) for n in watched}
    found = []
    for site in sites:
        try:
            entries = sorted(os.scandir(site), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".dist-info") or not entry.is_dir():
                continue
            stem = entry.name[: -len(".dist-info")]
            name, _, version = stem.rpartition("-")
            if canonicalize_name(name) in wanted:
                found.append(InstalledDist(canonicalize_name(name), version, site,
                                           Path(entry.path)))
    return found


def _b64(digest: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return _b64(h.digest())


def parse_record(text: str) -> dict[str, str]:
    """``{path: "sha256=…" or ""}`` from a RECORD's CSV rows."""
    rows: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if row:
            rows[row[0]] = row[1] if len(row) > 1 else ""
    return rows


# --------------------------------------------------------------------------- cache


class _StatCache:
    """``{absolute path: [size, mtime_ns, ctime_ns, inode, hash]}``, digest-checked.

    Stored as ``<sha256 of the body>\n<body JSON>``: verifying it hashes the text as
    read, rather than re-serialising ~3,000 entries on every warm check.
    """

    def __init__(self, key: str) -> None:
        self.path = cache_dir() / "provenance" / "integrity" / f"{key}.json"
        self.entries: dict[str, list[object]] = {}
        self.extra: dict[str, object] = {}
        self.dirty = False
        try:
            digest, _, text = self.path.read_text(encoding="utf-8").partition("\n")
            if hashlib.sha256(text.encode()).hexdigest() == digest:
                body = json.loads(text)
                if body.get("layout") == _CACHE_LAYOUT:
                    self.entries = dict(body["files"])
                    self.extra = dict(body.get("extra", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # absent, torn or tampered: start cold

    def hash_of(self, path: str, st: os.stat_result) -> tuple[str, bool]:
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = self.entries.get(path)
        if known is not None and known[:4] == stamp:
            return str(known[4]), False
        value = _hash_file(Path(path))
        self.entries[path] = [*stamp, value]
        self.dirty = True
        return value, True

    def remember(self, key: str, value: object) -> None:
        if self.extra.get(key) != value:
            self.extra[key] = value
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        text = json.dumps({"layout": _CACHE_LAYOUT, "files": self.entries,
                           "extra": self.extra}, sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(hashlib.sha256(text.encode()).hexdigest() + "\n" + text,
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only cache only costs speed


# --------------------------------------------------------------------------- verification


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _first_difference(installed: Path, published: bytes | None) -> int:
    """The first line where an edited text file differs from the wheel's copy (0: unknown)."""
    if published is None:
        return 0
    try:
        ours = installed.read_bytes().decode("utf-8").splitlines()
        theirs = published.decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    for number, (a, b) in enumerate(zip(ours, theirs, strict=False), 1):
        if a != b:
            return number
    return min(len(ours), len(theirs)) + 1


class _Verifier:
    def __init__(self, root: Path, cache: _StatCache) -> None:
        self.root = root
        self.cache = cache
        self.found: list[Observation] = []
        self.notes: list[str] = []
        self.hashed = 0
        self.verified = 0

    def add(self, rule_id: str, dist: InstalledDist, path: Path | str, line: int,
            what: str, key: str) -> None:
        shown = path if isinstance(path, str) else _display(path, self.root)
        where = f"{shown}:{line}" if line else shown
        self.found.append(Observation(
            rule_id, shown, line, dist.name, what,
            f"{where}: {dist.name} {dist.version} {what}", (dist.name, key)))

    def verify(self, dist: InstalledDist, pinned: str | None) -> None:
        try:
            record_bytes = dist.record_path.read_bytes()
            record = parse_record(record_bytes.decode("utf-8"))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            self.add("INSTALL_MISSING", dist, dist.record_path, 0,
                     f"has no readable RECORD ({exc.__class__.__name__}): its files cannot "
                     "be verified", "RECORD")
            return
        if pinned is not None and dist.name == "litellm" and dist.version != pinned:
            self.add("INSTALL_VERSION_MISMATCH", dist, dist.dist_info, 0,
                     f"is installed, but the pins name {pinned}", "version")
        direct = dist.dist_info / "direct_url.json"
        if direct.is_file():
            self.add("INSTALL_NOT_FROM_INDEX", dist, direct, 0,
                     f"was installed from {_direct_source(direct)}, not from the index",
                     "direct_url")
        wheel = _published(dist)
        # Plain strings and os.stat, not pathlib: ~3,000 files on every warm check.
        site = str(dist.site) + os.sep
        for rel, recorded in sorted(record.items()):
            if not recorded.startswith("sha256="):
                continue
            full = site + rel
            try:
                st = os.lstat(full)
            except OSError:
                self.add("INSTALL_MISSING", dist, Path(full), 0,
                         f"is missing {rel}, which its RECORD lists", f"missing:{rel}")
                continue
            if not stat.S_ISREG(st.st_mode):
                # A link or a device where a file was installed: never followed (a link
                # to /dev/zero would hash forever), and not what the wheel installed.
                self.add("INSTALL_MODIFIED", dist, Path(full), 0,
                         f"has {rel} replaced by something that is not a regular file",
                         f"modified:{rel}")
                continue
            actual, fresh = self.cache.hash_of(full, st)
            self.hashed += fresh
            self.verified += 1
            if actual != recorded:
                path = Path(full)
                published = wheel.member(rel) if wheel else None
                self.add("INSTALL_MODIFIED", dist, path, _first_difference(path, published),
                         f"has a modified {rel} (its hash differs from RECORD)",
                         f"modified:{rel}")
        record_digest = hashlib.sha256(record_bytes).hexdigest()
        self._added(dist, record, record_digest)
        if wheel is None:
            self.notes.append(f"{dist.name} {dist.version}: the published wheel is not in "
                              "nemoctl's cache, so its RECORD was compared with nothing "
                              f"(run `nemoctl upstream source {dist.version}` to fetch it)")
        else:
            self._compare_record(dist, record, wheel, record_digest)

    def _added(self, dist: InstalledDist, record: dict[str, str], record_digest: str) -> None:
        """Files inside the distribution's package directories that RECORD does not list.

        A file added or removed changes its directory's mtime and ctime; so when every
        directory walked last time has the same stamps (and RECORD is the same), the
        last walk's answer (nothing added) stands and no directory is listed again.
        """
        roots = {rel.split("/", 1)[0] for rel in record
                 if "/" in rel and not rel.startswith("..")}
        roots.discard(dist.dist_info.name)
        site = str(dist.site) + os.sep
        key = f"dirs:{dist.dist_info}"
        known = self.cache.extra.get(key)
        if isinstance(known, dict) and known.get("record") == record_digest \
                and _dirs_unchanged(known.get("dirs")):
            return
        listed = set(record)
        stamps: dict[str, list[int]] = {}
        added = False
        for top in sorted(roots):
            for dirpath, dirnames, filenames in os.walk(site + top):
                dirnames.sort()
                try:
                    st = os.stat(dirpath)
                    stamps[dirpath] = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
                except OSError:
                    pass
                in_pycache = dirpath.endswith("__pycache__")
                prefix = dirpath[len(site):].replace(os.sep, "/") + "/"
                for filename in filenames:
                    if in_pycache and filename.endswith(".pyc"):
                        continue
                    rel = prefix + filename
                    if rel not in listed:
                        added = True
                        full = os.path.join(dirpath, filename)
                        self.add("INSTALL_ADDED", dist, Path(full), 0,
                                 f"has a file its RECORD does not list: {rel}",
                                 f"added:{rel}")
        if not added:
            self.cache.remember(key, {"record": record_digest, "dirs": stamps})

    def _compare_record(self, dist: InstalledDist, record: dict[str, str],
                        wheel: _Wheel, installed_digest: str) -> None:
        key = f"record:{dist.name}:{dist.version}:{wheel.sha256}"
        if self.cache.extra.get(key) == installed_digest:
            return  # this exact RECORD was compared with this wheel before
        published = wheel.record()
        if published is None:
            self.notes.append(f"{dist.name} {dist.version}: the cached wheel has no RECORD")
            return
        info = dist.dist_info.name
        problems = []
        for rel, digest in sorted(published.items()):
            if rel.startswith(info + "/") or ".data/" in rel.split("/", 1)[0] + "/":
                continue  # metadata and relocated data files are rewritten by installers
            if record.get(rel) != digest:
                problems.append(rel)
        roots = {rel.split("/", 1)[0] for rel in published if "/" in rel}
        roots.discard(info)
        for rel in record:
            top = rel.split("/", 1)[0]
            if top in roots and rel not in published and not rel.endswith(".pyc"):
                problems.append(rel)
        for rel in sorted(set(problems)):
            self.add("INSTALL_RECORD_MISMATCH", dist, dist.record_path, 0,
                     f"RECORD disagrees with the published wheel on {rel}", f"record:{rel}")
        if not problems:
            self.cache.remember(key, installed_digest)


def _dirs_unchanged(dirs: object) -> bool:
    if not isinstance(dirs, dict) or not dirs:
        return False
    for path, stamp in dirs.items():
        try:
            st = os.stat(path)
        except OSError:
            return False
        if [st.st_mtime_ns, st.st_ctime_ns, st.st_ino] != stamp:
            return False
    return True


def _direct_source(path: Path) -> str:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "a direct URL (direct_url.json unreadable)"
    url = str(data.get("url", "?")) if isinstance(data, dict) else "?"
    if isinstance(data, dict):
        if isinstance(data.get("vcs_info"), dict):
            return f"version control {url}"
        dir_info = data.get("dir_info")
        if isinstance(dir_info, dict):
            return f"{'an editable checkout' if dir_info.get('editable') else 'a directory'} {url}"
    return f"the URL {url}"


class _Wheel:
    """The verified cached wheel of one release, read lazily."""

    def __init__(self, path: Path, sha256: str) -> None:
        self.path = path
        self.sha256 = sha256

    def member(self, rel: str) -> bytes | None:
        from nemoctl.upstream.wheel import read_member

        try:
            return read_member(self.path, rel)
        except Exception:  # absent member or unreadable zip: the line is unknown
            return None

    def record(self) -> dict[str, str] | None:
        import zipfile

        try:
            with zipfile.ZipFile(self.path) as zf:
                name = next((n for n in zf.namelist()
                             if n.endswith(".dist-info/RECORD") and n.count("/") == 1), None)
                if name is None:
                    return None
                return parse_record(zf.read(name).decode("utf-8"))
        except (OSError, zipfile.BadZipFile, UnicodeDecodeError):
            return None


def _published(dist: InstalledDist) -> _Wheel | None:
    from nemoctl.errors import NemoctlError
    from nemoctl.upstream import cached_wheel

    try:
        cached = cached_wheel(dist.name, dist.version)
    except NemoctlError:
        return None
    return _Wheel(cached.path, cached.sha256) if cached else None


def verify_installed(root: Path, sites: tuple[Path, ...], *,
                     watched: Iterable[str] = DEFAULT_WATCHED,
                     pinned: str | None = None) -> IntegrityResult:
    """Verify every watched distribution installed in ``sites`` (see the module doc)."""
    dists = installed_dists(sites, watched)
    key = hashlib.sha256("\0".join(str(s.resolve()) for s in sites).encode()).hexdigest()[:24]
    cache = _StatCache(key)
    verifier = _Verifier(root, cache)
    for dist in dists:
        verifier.verify(dist, pinned)
    cache.save()
    if dists:
        verifier.notes.append("bytecode caches (__pycache__/*.pyc) are not verified")
    return IntegrityResult(tuple(verifier.found), {d.name: d.version for d in dists},
                           verifier.hashed, verifier.verified, tuple(verifier.notes))
