"""Release metadata from the indexes pip is configured with (PEP 503/691/592/700).

The supply-chain policy needs what pip does not report: upload times (PEP 700,
JSON API only), yank reasons (PEP 592) and published hashes.  This client asks
the same indexes and find-links as pip, in pip's order, and says per source what
it could and could not learn: a file index or a find-links directory has no
upload times, a plain HTML index none either, and that must be explicit rather
than silently treated as "old enough".
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from nemoctl._versions import MAX_VERSION_LENGTH, parse_version
from nemoctl.errors import FetchError
from nemoctl.upstream._pipconfig import PipSettings, pip_settings, redact_url

JSON_CT = "application/vnd.pypi.simple.v1+json"
_ACCEPT = f"{JSON_CT}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
_MEMO_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ReleaseFile:
    filename: str
    url: str
    sha256: str | None
    upload_time: datetime | None
    yanked: bool
    yanked_reason: str | None
    source: str
    size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "url": self.url,
            "sha256": self.sha256,
            "upload_time": self.upload_time.isoformat() if self.upload_time else None,
            "yanked": self.yanked,
            "yanked_reason": self.yanked_reason,
            "source": self.source,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    files: tuple[ReleaseFile, ...]

    @property
    def yanked(self) -> bool:
        """PEP 592: a release is yanked when every one of its files is."""
        return bool(self.files) and all(f.yanked for f in self.files)

    @property
    def yanked_reason(self) -> str | None:
        reasons = [f.yanked_reason for f in self.files if f.yanked and f.yanked_reason]
        return reasons[0] if reasons else None

    @property
    def upload_time(self) -> datetime | None:
        """The newest upload among the files: a file added late counts as new."""
        times = [f.upload_time for f in self.files if f.upload_time]
        return max(times) if times else None

    def file(self, filename: str) -> list[ReleaseFile]:
        return [f for f in self.files if f.filename == filename]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "yanked": self.yanked,
            "yanked_reason": self.yanked_reason,
            "upload_time": self.upload_time.isoformat() if self.upload_time else None,
            "files": [f.to_dict() for f in self.files],
        }


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What one configured index or find-links location told us."""

    url: str
    kind: str  # "json" | "html" | "file-index" | "find-links"
    found: bool
    has_upload_times: bool
    has_yank_data: bool
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "kind": self.kind, "found": self.found,
            "has_upload_times": self.has_upload_times, "has_yank_data": self.has_yank_data,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class IndexListing:
    package: str
    releases: tuple[Release, ...]  # newest first
    sources: tuple[SourceStatus, ...]

    def release(self, version: str) -> Release | None:
        wanted = parse_version(version)
        for release in self.releases:
            if wanted is not None and parse_version(release.version) == wanted:
                return release
        return None

    def searched(self) -> str:
        return ", ".join(s.url for s in self.sources) or "no index (pip has --no-index)"


def query_index(package: str, settings: PipSettings | None = None) -> IndexListing:
    """Every release of ``package`` on pip's indexes and find-links, newest first.

    Raises FetchError only when no source could be read at all; a failing
    mirror next to a working one is recorded in ``sources``.
    """
    settings = settings or pip_settings()
    project = canonicalize_name(package)
    key = (project, settings)
    hit = _memo.get(key)
    if hit and time.monotonic() - hit[0] < _MEMO_SECONDS:
        return hit[1]

    files: list[tuple[Version, ReleaseFile]] = []
    statuses: list[SourceStatus] = []
    with _http_client(settings) as client:
        for index_url in settings.index_urls:
            status, found = _query_simple(client, index_url, project)
            statuses.append(status)
            files += found
        for location in settings.find_links:
            status, found = _query_find_links(client, location, project)
            statuses.append(status)
            files += found
    if statuses and all(s.error for s in statuses):
        raise FetchError(
            f"could not read any package index for {package}: "
            + "; ".join(f"{s.url}: {s.error}" for s in statuses)
        )
    by_version: dict[Version, list[ReleaseFile]] = {}
    labels: dict[Version, str] = {}
    for version, rf in files:
        by_version.setdefault(version, []).append(rf)
        labels.setdefault(version, str(version))
    releases = tuple(
        Release(labels[v], tuple(by_version[v])) for v in sorted(by_version, reverse=True)
    )
    listing = IndexListing(package=project, releases=releases, sources=tuple(statuses))
    _memo[key] = (time.monotonic(), listing)
    return listing


def list_releases(package: str) -> list[Release]:
    """Releases of ``package`` (newest first) across pip's configured sources."""
    return list(query_index(package).releases)


def clear_memo() -> None:
    _memo.clear()


_memo: dict[tuple[str, PipSettings], tuple[float, IndexListing]] = {}


# -- sources ------------------------------------------------------------------------


def _http_client(settings: PipSettings) -> Any:
    import ssl

    import httpx

    verify: Any = True
    if settings.cert:
        cert = Path(settings.cert)
        verify = ssl.create_default_context(
            cafile=str(cert) if cert.is_file() else None,
            capath=str(cert) if cert.is_dir() else None,
        )
    return httpx.Client(
        proxy=settings.proxy,
        verify=verify,
        cert=settings.client_cert,
        timeout=settings.timeout,
        follow_redirects=True,
        trust_env=True,
        headers={"User-Agent": "nemoctl (simple-api client)"},
    )


def _query_simple(client: Any, index_url: str, project: str) -> tuple[SourceStatus, list[Any]]:
    base = index_url if index_url.endswith("/") else index_url + "/"
    page_url = urljoin(base, f"{project}/")
    shown = redact_url(index_url)
    if urlsplit(base).scheme == "file":
        return _query_file_index(page_url, shown, project)
    try:
        resp = client.get(page_url, headers={"Accept": _ACCEPT}, auth=_netrc_auth(page_url))
    except Exception as exc:
        return SourceStatus(shown, "html", False, False, False, _short_error(exc)), []
    if resp.status_code == 404:
        return SourceStatus(shown, "json", False, False, False), []
    if resp.status_code >= 400:
        return SourceStatus(shown, "html", False, False, False, f"HTTP {resp.status_code}"), []
    final = str(resp.url)
    if resp.headers.get("content-type", "").split(";")[0].strip() == JSON_CT:
        found = _parse_json(resp.json(), final, shown, project)
        has_times = any(rf.upload_time for _, rf in found)
        return SourceStatus(shown, "json", bool(found), has_times, True), found
    found = _parse_html(resp.text, final, shown, project)
    return SourceStatus(shown, "html", bool(found), False, True), found


def _query_file_index(page_url: str, shown: str, project: str) -> tuple[SourceStatus, list[Any]]:
    from urllib.request import url2pathname  # lazy: urllib.request loads http and email

    directory = Path(url2pathname(unquote(urlsplit(page_url).path)))
    page = directory / "index.html"
    if not page.is_file():
        return SourceStatus(shown, "file-index", False, False, False), []
    found = _parse_html(page.read_text(encoding="utf-8", errors="replace"),
                        page.as_uri(), shown, project)
    return SourceStatus(shown, "file-index", bool(found), False, True), found


def _query_find_links(client: Any, location: str, project: str) -> tuple[SourceStatus, list[Any]]:
    shown = redact_url(location)
    scheme = urlsplit(location).scheme
    if scheme in ("http", "https"):
        try:
            resp = client.get(location, auth=_netrc_auth(location))
            resp.raise_for_status()
        except Exception as exc:
            return SourceStatus(shown, "find-links", False, False, False, _short_error(exc)), []
        found = _parse_html(resp.text, str(resp.url), shown, project)
        return SourceStatus(shown, "find-links", bool(found), False, True), found
    from urllib.request import url2pathname

    path = Path(url2pathname(urlsplit(location).path)) if scheme == "file" else Path(location)
    found = []
    if path.is_dir():
        for entry in sorted(path.iterdir()):
            parsed = _version_from_filename(entry.name, project)
            if parsed is not None:
                found.append((parsed, ReleaseFile(entry.name, entry.as_uri(), None, None, False,
                                                  None, shown, entry.stat().st_size)))
    elif path.is_file():
        found = _parse_html(path.read_text(encoding="utf-8", errors="replace"),
                            path.as_uri(), shown, project)
    # A directory cannot express yanks or upload times at all: say so.
    return SourceStatus(shown, "find-links", bool(found), False, False), found


def _netrc_auth(url: str) -> Any:
    if "@" in urlsplit(url).netloc or not (Path.home() / ".netrc").is_file():
        return None  # httpx applies URL credentials itself
    import httpx

    try:
        return httpx.NetRCAuth(None)
    except Exception:
        return None


def _short_error(exc: Exception) -> str:
    return redact_url(f"{type(exc).__name__}: {exc}")[:200]


# -- parsing ------------------------------------------------------------------------


def _parse_json(data: Any, page_url: str, shown: str, project: str) -> list[Any]:
    found = []
    for entry in data.get("files", []) if isinstance(data, dict) else []:
        filename = str(entry.get("filename", ""))
        version = _version_from_filename(filename, project)
        if version is None:
            continue
        yanked_raw = entry.get("yanked", False)
        yanked = bool(yanked_raw)
        reason = yanked_raw if isinstance(yanked_raw, str) and yanked_raw else None
        upload = entry.get("upload-time")
        hashes = entry.get("hashes") or {}
        found.append((version, ReleaseFile(
            filename=filename,
            url=redact_url(urljoin(page_url, str(entry.get("url", "")))),
            sha256=hashes.get("sha256"),
            upload_time=_parse_time(upload) if isinstance(upload, str) else None,
            yanked=yanked,
            yanked_reason=reason,
            source=shown,
            size=entry.get("size") if isinstance(entry.get("size"), int) else None,
        )))
    return found


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def _parse_html(text: str, page_url: str, shown: str, project: str) -> list[Any]:
    parser = _Anchors()
    parser.feed(text)
    found = []
    for attrs in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        url = urljoin(page_url, href)
        path, _, fragment = url.partition("#")
        filename = unquote(path.rsplit("/", 1)[-1])
        version = _version_from_filename(filename, project)
        if version is None:
            continue
        sha = fragment[len("sha256="):] if fragment.startswith("sha256=") else None
        yanked = "data-yanked" in attrs
        found.append((version, ReleaseFile(
            filename=filename, url=redact_url(path), sha256=sha, upload_time=None,
            yanked=yanked, yanked_reason=(attrs.get("data-yanked") or None) if yanked else None,
            source=shown,
        )))
    return found


_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<ver>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")
_SDIST = re.compile(r"^(?P<name>.+)-(?P<ver>[^-]+)\.(tar\.gz|zip)$")


def _version_from_filename(filename: str, project: str) -> Version | None:
    match = _WHEEL.match(filename) or _SDIST.match(filename)
    if not match or canonicalize_name(match["name"]) != project:
        return None
    if len(match["ver"]) > MAX_VERSION_LENGTH:
        return None  # a hostile index: 10,000 digits would pass int's digit limit
    try:
        return Version(match["ver"])
    except (InvalidVersion, ValueError):
        return None


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
