"""One LiteLLM version's config inventory: scanned once per wheel, then cached.

The wheel comes from nemoctl's verified wheel cache (``fetch_wheel``: re-hashed on every
read), unpacked read-only by :mod:`nemoctl.upstream.unpack`; its ``.py`` files are
parsed with ``ast``, never imported (:func:`scan_wheel` reads a wheel file directly).
The result is stored as canonical JSON at ``<cache_dir>/surfaces/<wheel-sha256>/config.json``
next to ``config.json.sha256``;
a read re-hashes the file, checks it names the same wheel and format, and rebuilds on
any mismatch (never trusting a tampered or truncated entry).
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nemoctl._atomic import write_atomic
from nemoctl.config import cache_dir
from nemoctl.configsurface.model import ConfigInventory
from nemoctl.errors import BadInputError

if TYPE_CHECKING:
    from nemoctl.configsurface.modules import Package

#: Bump when the scan changes what it finds: older cache entries are then rebuilt.
FORMAT = 8
TOP = "litellm"
_MAX_MEMBER = 8 * 1024 * 1024
log = logging.getLogger("nemoctl.configsurface")


def inventory(package: str, version: str, *, wheel_sha256: str | None = None
              ) -> ConfigInventory:
    """The inventory of ``package==version`` (fetched and verified through the cache).

    ``wheel_sha256`` (the digest a lock recorded for the version) answers from this
    cache without touching the wheel; otherwise, or on a miss, the wheel is fetched and
    verified, and the cache entry is looked up by the digest it really has."""
    if wheel_sha256 is not None:
        known = read_cache(wheel_sha256, version)
        if known is not None:
            return known
    from nemoctl.upstream import fetch_wheel
    from nemoctl.upstream.unpack import unpack

    wheel = fetch_wheel(package, version)
    cached = read_cache(wheel.sha256, wheel.version)
    if cached is not None:
        return cached
    from nemoctl.configsurface.modules import Package

    tree = unpack(wheel)
    result = scan_package(Package.from_directory(tree.path, TOP), wheel.sha256, package,
                          wheel.version)
    _write_cache(result)
    return result


def cache_path(sha256: str) -> Path:
    return cache_dir() / "surfaces" / sha256 / "config.json"


def inventory_of_wheel(path: Path, sha256: str, package: str, version: str) -> ConfigInventory:
    cached = read_cache(sha256, version)
    if cached is not None:
        return cached
    result = scan_wheel(path, sha256, package, version)
    _write_cache(result)
    return result


def scan_wheel(path: Path, sha256: str, package: str, version: str) -> ConfigInventory:
    sources: dict[str, tuple[str, str]] = {}
    from nemoctl.configsurface.modules import module_name

    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename
                if not (name.startswith(f"{TOP}/") and name.endswith(".py")) or \
                        info.file_size > _MAX_MEMBER or ".." in name.split("/"):
                    continue
                text = archive.read(info).decode("utf-8", errors="replace")
                sources[module_name(name)] = (name, text)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BadInputError(f"cannot read {path.name}: {exc}") from None
    from nemoctl.configsurface.modules import Package

    return scan_package(Package(TOP, dict(sorted(sources.items()))), sha256, package, version)


def scan_package(pkg: Package, sha256: str, package: str, version: str) -> ConfigInventory:
    from nemoctl.configsurface.envreads import scan_env
    from nemoctl.configsurface.settings import scan_sections

    sources = pkg.sources
    sections = scan_sections(pkg)
    env = scan_env(pkg)
    return ConfigInventory(package, version, sha256, sections, env.reads,
                           dynamic_env_reads=env.dynamic, files_scanned=len(sources),
                           words=source_words(text for _, text in sources.values()))


_NOT_WORD = {c: " " for c in range(128)
             if not (chr(c).isalnum() or chr(c) == "_")}


def source_words(texts: Iterable[str]) -> str:
    """snake_case and UPPER_CASE words of the source texts (not CamelCase: no key or
    variable is spelled so), 3 to 80 characters, sorted and space-separated."""
    words: set[str] = set()
    for text in texts:
        words.update(text.translate(_NOT_WORD).split())
    return " ".join(sorted(w for w in words if 3 <= len(w) <= 80
                           and (w.islower() or w.isupper()) and w.isascii()))


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def read_cache(sha256: str, version: str) -> ConfigInventory | None:
    path = cache_path(sha256)
    digest_path = path.with_name("config.json.sha256")
    try:
        text = path.read_text(encoding="utf-8")
        recorded = digest_path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if hashlib.sha256(text.encode()).hexdigest() != recorded:
        log.warning("nemoctl: config inventory cache %s does not match its digest; rebuilt",
                    path)
        return None
    try:
        raw = json.loads(text)
        if raw.get("format") != FORMAT or raw.get("wheel_sha256") != sha256:
            return None
        result = ConfigInventory.from_dict(raw)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return result if result.version == version else None


def _write_cache(result: ConfigInventory) -> None:
    path = cache_path(result.wheel_sha256)
    text = _canonical({**result.to_dict(), "format": FORMAT})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode())
        write_atomic(path.with_name("config.json.sha256"),
                     (hashlib.sha256(text.encode()).hexdigest() + "\n").encode())
    except OSError as exc:  # a read-only cache only costs the next run a rescan
        log.warning("nemoctl: could not cache the config inventory (%s)", exc.strerror)
