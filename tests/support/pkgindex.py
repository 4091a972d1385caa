"""Hermetic package indexes for tests: real wheels, a real HTTP simple index.

``build_wheel`` writes a genuine, installable wheel (METADATA, WHEEL, RECORD with
hashes; deterministic bytes).  ``LocalIndex`` serves a directory of wheels as a
PEP 691 JSON + PEP 503 HTML simple index on 127.0.0.1, with per-file PEP 700
upload times, PEP 592 yanks and an optional deliberately wrong hash, so every
supply-chain refusal can be exercised without touching a live registry.

    with LocalIndex(wheel_dir, yanked={"litellm-1.2.0-py3-none-any.whl": "broken"}) as idx:
        env = {**os.environ, **idx.pip_env()}   # pip and uv now see only this index
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import threading
import zipfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

#: Upload time given to files without an explicit one: old enough for any
#: minimum-release-age policy, so tests that do not care about age are not refused.
DEFAULT_UPLOAD_TIME = "2024-01-02T03:04:05.000000Z"
#: Pass as an upload time to omit ``upload-time`` for that file entirely.
NO_UPLOAD_TIME: Any = object()

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)
JSON_CT = "application/vnd.pypi.simple.v1+json"
HTML_CT = "application/vnd.pypi.simple.v1+html"


def normalize(name: str) -> str:
    """PEP 503 project name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist_name(name: str) -> str:
    """The escaped name used in wheel filenames and .dist-info directories."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_wheel(
    out_dir: Path,
    name: str,
    version: str,
    files: Mapping[str, bytes | str],
    requires: list[str] | None = None,
    extras: Mapping[str, list[str]] | None = None,
    *,
    tag: str = "py3-none-any",
    requires_python: str | None = None,
) -> Path:
    """Write ``<name>-<version>-<tag>.whl`` into ``out_dir`` and return its path.

    ``requires`` become unconditional ``Requires-Dist`` lines; each ``extras`` entry
    becomes ``Provides-Extra`` plus ``Requires-Dist: <req>; extra == "<extra>"``.
    The bytes are deterministic: the same inputs give the same sha256.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    dist = _dist_name(name)
    info = f"{dist}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        "Summary: test wheel built by tests.support.pkgindex",
    ]
    if requires_python:
        metadata.append(f"Requires-Python: {requires_python}")
    metadata += [f"Requires-Dist: {req}" for req in requires or []]
    for extra, reqs in (extras or {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f'Requires-Dist: {req}; extra == "{extra}"' for req in reqs]
    wheel_meta = "\n".join(
        ["Wheel-Version: 1.0", "Generator: tests.support.pkgindex", "Root-Is-Purelib: true",
         f"Tag: {tag}", ""]
    )
    members: dict[str, bytes] = {
        path: (data.encode() if isinstance(data, str) else data) for path, data in files.items()
    }
    members[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    members[f"{info}/WHEEL"] = wheel_meta.encode()
    record_lines = [f"{path},{_record_hash(data)},{len(data)}" for path, data in members.items()]
    record_lines.append(f"{info}/RECORD,,")
    members[f"{info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()

    path = out_dir / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zinfo = zipfile.ZipInfo(member, date_time=_ZIP_DATE)
            zinfo.external_attr = 0o644 << 16
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(zinfo, data)
    return path


def build_fake_litellm(
    out_dir: Path,
    version: str,
    schema_text: str,
    proxy_extras_version: str | None = None,
) -> Path:
    """A small ``litellm`` wheel carrying ``litellm/proxy/schema.prisma``.

    Its ``proxy`` extra pins ``litellm-proxy-extras==<proxy_extras_version>`` like
    the real one does (no requirement when ``None``).
    """
    extras = {"proxy": [f"litellm-proxy-extras=={proxy_extras_version}"]
              if proxy_extras_version else []}
    return build_wheel(
        out_dir,
        "litellm",
        version,
        {
            "litellm/__init__.py": f'__version__ = "{version}"\n',
            "litellm/proxy/__init__.py": "",
            "litellm/proxy/schema.prisma": schema_text,
        },
        extras=extras,
    )


def build_fake_proxy_extras(out_dir: Path, version: str) -> Path:
    """A ``litellm-proxy-extras`` wheel to satisfy ``build_fake_litellm``'s proxy extra."""
    return build_wheel(
        out_dir,
        "litellm-proxy-extras",
        version,
        {"litellm_proxy_extras/__init__.py": f'__version__ = "{version}"\n'},
    )


def _project_of(filename: str) -> str | None:
    if filename.endswith(".whl"):
        return normalize(filename.split("-")[0])
    if filename.endswith((".tar.gz", ".zip")):
        stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
        return normalize(stem.rsplit("-", 1)[0])
    return None


def _version_of(filename: str) -> str:
    if filename.endswith(".whl"):
        return filename.split("-")[1]
    return filename.removesuffix(".tar.gz").removesuffix(".zip").rsplit("-", 1)[1]


def _wheel_metadata(path: Path) -> bytes | None:
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            if member.count("/") == 1 and member.endswith(".dist-info/METADATA"):
                return zf.read(member)
    return None


def _iso(value: str | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


class LocalIndex:
    """Serve ``directory``'s wheels/sdists as a simple index on 127.0.0.1.

    Per-file knobs (keys are filenames; all mutable while serving):

    * ``upload_times``: ISO string or datetime; ``NO_UPLOAD_TIME`` omits the key.
      Files not listed get :data:`DEFAULT_UPLOAD_TIME`.
    * ``yanked``: filename -> reason (``""`` = yanked without a reason).
    * ``wrong_hash``: filenames whose published sha256 is deliberately wrong.
    * ``html_only``: serve PEP 503 HTML only (no JSON, hence no upload times),
      like a plain static index.

    ``requests`` records every request path, so tests can tell a cache hit from
    a download.
    """

    def __init__(
        self,
        directory: Path,
        *,
        upload_times: Mapping[str, Any] | None = None,
        yanked: Mapping[str, str] | None = None,
        wrong_hash: set[str] | frozenset[str] | None = None,
        html_only: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.upload_times: dict[str, Any] = dict(upload_times or {})
        self.yanked: dict[str, str] = dict(yanked or {})
        self.wrong_hash: set[str] = set(wrong_hash or ())
        self.html_only = html_only
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._address: tuple[str, int] | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- what the index publishes -------------------------------------------------

    def _files(self, project: str) -> list[Path]:
        return sorted(
            p for p in self.directory.iterdir()
            if p.is_file() and _project_of(p.name) == project
        )

    def projects(self) -> list[str]:
        names = {_project_of(p.name) for p in self.directory.iterdir() if p.is_file()}
        return sorted(n for n in names if n)

    def published_sha256(self, filename: str) -> str:
        real = sha256_file(self.directory / filename)
        if filename in self.wrong_hash:
            return hashlib.sha256(b"tampered:" + real.encode()).hexdigest()
        return real

    def project_json(self, project: str) -> dict[str, Any]:
        files = []
        for path in self._files(project):
            entry: dict[str, Any] = {
                "filename": path.name,
                "url": f"../../files/{path.name}",
                "hashes": {"sha256": self.published_sha256(path.name)},
                "size": path.stat().st_size,
                "yanked": False,
            }
            if path.name in self.yanked:
                entry["yanked"] = self.yanked[path.name] or True
            upload = self.upload_times.get(path.name, DEFAULT_UPLOAD_TIME)
            if upload is not NO_UPLOAD_TIME:
                entry["upload-time"] = _iso(upload)
            if path.suffix == ".whl" and _wheel_metadata(path) is not None:
                meta = _wheel_metadata(path) or b""
                entry["core-metadata"] = {"sha256": hashlib.sha256(meta).hexdigest()}
            files.append(entry)
        versions = sorted({_version_of(p.name) for p in self._files(project)})
        return {"meta": {"api-version": "1.1"}, "name": project, "versions": versions,
                "files": files}

    def project_html(self, project: str) -> str:
        rows = []
        for path in self._files(project):
            attrs = ""
            if path.name in self.yanked:
                attrs += f' data-yanked="{html.escape(self.yanked[path.name])}"'
            if path.suffix == ".whl":
                meta = _wheel_metadata(path)
                if meta is not None:
                    digest = hashlib.sha256(meta).hexdigest()
                    attrs += f' data-dist-info-metadata="sha256={digest}"'
                    attrs += f' data-core-metadata="sha256={digest}"'
            href = f"../../files/{path.name}#sha256={self.published_sha256(path.name)}"
            rows.append(f'<a href="{html.escape(href)}"{attrs}>{html.escape(path.name)}</a><br/>')
        return (
            '<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1">'
            f"<title>Links for {project}</title></head><body>\n"
            + "\n".join(rows)
            + "\n</body></html>\n"
        )

    # -- serving --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        # Kept after the server stops, so tests can look for the URL in messages.
        if self._address is None:
            raise RuntimeError("LocalIndex was never started; use it as a context manager")
        host, port = self._address
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The simple index URL, ending in ``/simple/``."""
        return f"{self.base_url}/simple/"

    def file_url(self, filename: str) -> str:
        return f"{self.base_url}/files/{filename}"

    def pip_env(self) -> dict[str, str]:
        """Environment making pip, uv and nemoctl resolve from this index only."""
        return {
            "PIP_INDEX_URL": self.url,
            "PIP_EXTRA_INDEX_URL": "",
            "PIP_FIND_LINKS": "",
            "PIP_NO_INDEX": "",
            "PIP_CONFIG_FILE": "/dev/null",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "UV_INDEX_URL": self.url,
            "UV_DEFAULT_INDEX": self.url,
            "UV_NO_CONFIG": "1",
            "UV_PYTHON_DOWNLOADS": "never",
        }

    def downloads(self) -> list[str]:
        """Filenames served from /files/ (wheel bodies, not metadata), in order."""
        return [
            p.rsplit("/", 1)[1] for p in self.requests
            if p.startswith("/files/") and not p.endswith(".metadata")
        ]

    def __enter__(self) -> LocalIndex:
        index = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                # Tests mutate yanks and hashes while serving: never let uv/pip reuse a page.
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                split = urlsplit(self.path)
                path = unquote(split.path)
                with index._lock:
                    index.requests.append(path)
                wants_json = (
                    not index.html_only
                    and (JSON_CT in self.headers.get("Accept", "") or "format=json" in split.query)
                )
                parts = [p for p in path.split("/") if p]
                if parts == ["simple"]:
                    if wants_json:
                        body = json.dumps({"meta": {"api-version": "1.1"}, "projects": [
                            {"name": n} for n in index.projects()]}).encode()
                        return self._send(200, body, JSON_CT)
                    links = "".join(f'<a href="{n}/">{n}</a>\n' for n in index.projects())
                    return self._send(200, f"<html><body>\n{links}</body></html>".encode(),
                                      "text/html")
                if len(parts) == 2 and parts[0] == "simple":
                    project = parts[1]
                    if project != normalize(project):
                        self.send_response(301)
                        self.send_header("Location", f"/simple/{normalize(project)}/")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return None
                    if not index._files(project):
                        return self._send(404, b"not found", "text/plain")
                    if wants_json:
                        body = json.dumps(index.project_json(project)).encode()
                        return self._send(200, body, JSON_CT)
                    return self._send(200, index.project_html(project).encode(), HTML_CT)
                if len(parts) == 2 and parts[0] == "files":
                    name = parts[1]
                    if name.endswith(".metadata"):
                        target = index.directory / name.removesuffix(".metadata")
                        meta = _wheel_metadata(target) if target.is_file() else None
                        if meta is None:
                            return self._send(404, b"not found", "text/plain")
                        return self._send(200, meta, "application/octet-stream")
                    target = index.directory / name
                    if "/" in name or not target.is_file():
                        return self._send(404, b"not found", "text/plain")
                    return self._send(200, target.read_bytes(), "application/octet-stream")
                return self._send(404, b"not found", "text/plain")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self._address = (str(host), int(port))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def iter_wheels(directory: Path) -> Iterator[Path]:
    yield from sorted(directory.glob("*.whl"))
