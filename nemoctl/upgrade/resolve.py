"""Does a version resolve here, before anything is written?

``uv pip compile`` resolves the upstream requirement (with its extras and coupled
pins) for the project's lowest supported Python against exactly the indexes pip is
configured with (pip's own option parser reads pip.conf and ``PIP_*``), using
pip's "best match across all indexes" semantics.  When it fails, uv's explanation
is reduced to the one requirement that is missing, e.g.
``litellm-proxy-extras==0.4.113 (no such version on the configured indexes)``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from nemoctl import _proc
from nemoctl._versions import parse_version
from nemoctl.config import Config
from nemoctl.errors import ToolchainError
from nemoctl.paths import read_pyproject

#: ``latest`` gives up after this many candidates refused by the supply-chain policy.
MAX_CANDIDATES = 12

_NO_VERSION = re.compile(r"there is no version of (?P<req>[^\s,]+)")
_NOT_FOUND = re.compile(r"(?P<req>[^\s,]+) was not found in the package registry")
_ONLY = re.compile(
    r"only (?P<avail>[^\s,]+(?: is| are)?)[^,]*? available and (?P<by>[^\s,]+) depends on "
    r"(?P<req>[^\s,]+(?:,[<>=!~][^\s,]+)*)"
)
_NO_VERSIONS = re.compile(r"(?:there are no versions of|no versions of) (?P<req>[^\s,]+)")


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """The package indexes pip would use."""

    index_url: str | None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False

    def uv_args(self) -> list[str]:
        args = ["--index-strategy", "unsafe-best-match"]
        if self.no_index:
            args.append("--no-index")
        if self.index_url:
            args += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            args += ["--extra-index-url", url]
        for link in self.find_links:
            args += ["--find-links", link]
        return args

    def to_dict(self) -> dict[str, Any]:
        # URLs may carry credentials; report hosts only.
        return {
            "index_url": _redact(self.index_url),
            "extra_index_urls": [_redact(u) for u in self.extra_index_urls],
            "find_links": [_redact(u) for u in self.find_links],
            "no_index": self.no_index,
        }


def _redact(url: str | None) -> str | None:
    if url is None:
        return None
    return re.sub(r"//[^/@]+@", "//***@", url)


def pip_index_options() -> IndexOptions:
    """pip's view of the indexes (pip.conf files, ``PIP_*`` variables, defaults)."""
    from nemoctl.upstream import pip_settings

    settings = pip_settings()
    urls = settings.index_urls
    return IndexOptions(
        index_url=urls[0] if urls else None,
        extra_index_urls=tuple(urls[1:]),
        find_links=settings.find_links,
        no_index=not urls,
    )


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one requirement set."""

    requirements: tuple[str, ...]
    python: str
    ok: bool
    #: name -> version of every package in the resolved set (empty on failure).
    resolved: dict[str, str] = field(default_factory=dict)
    #: The requirement that could not be met, e.g. ``litellm-proxy-extras==0.4.113``.
    missing: str | None = None
    #: One sentence on why, from uv's explanation.
    reason: str | None = None
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirements": list(self.requirements),
            "python": self.python,
            "ok": self.ok,
            "resolved_count": len(self.resolved),
            "coupled": {k: v for k, v in self.resolved.items() if k in self.requirements_names},
            "missing": self.missing,
            "reason": self.reason,
            "duration_s": round(self.duration_s, 3),
        }

    @property
    def requirements_names(self) -> set[str]:
        return {re.split(r"[\[=<>!~;\s]", r, maxsplit=1)[0].lower() for r in self.requirements}


def python_for(requires_python: str | None) -> str:
    """The lowest ``X.Y`` the project supports (``>=3.11`` -> ``3.11``), else this Python."""
    if requires_python:
        lows: list[Version] = []
        for spec in SpecifierSet(requires_python):
            if spec.operator in (">=", "==", "~=", ">"):
                low_bound = parse_version(spec.version.rstrip(".*"))  # bounded: 128 chars
                if low_bound is not None:
                    lows.append(low_bound)
        if lows:
            low = max(lows)
            minor = low.release[1] if len(low.release) > 1 else 0
            return f"{low.release[0]}.{minor}"
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def project_python(config: Config) -> str:
    """The lowest Python the project supports, as ``X.Y`` (PEP 621 or Poetry)."""
    data = read_pyproject(config.pyproject)
    spec = data.get("project", {}).get("requires-python")
    if spec is None:
        poetry_python = data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
        if isinstance(poetry_python, str) and (m := re.search(r"(\d+)\.(\d+)", poetry_python)):
            return f"{m.group(1)}.{m.group(2)}"
    return python_for(spec if isinstance(spec, str) else None)


def _uv_bin() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:  # pragma: no cover - uv is a dependency
        raise ToolchainError("the `uv` package is not installed") from None
    return str(find_uv_bin())


def explain_failure(stderr: str) -> tuple[str | None, str]:
    """(the missing requirement, a one-line reason) from uv's resolver error."""
    text = " ".join(stderr.split())
    if m := _NO_VERSION.search(text):
        req = m.group("req")
        return req, f"{req} is not available from the configured indexes"
    if m := _NOT_FOUND.search(text):
        req = m.group("req")
        return req, f"{req} was not found on the configured indexes"
    if m := _ONLY.search(text):
        req = m.group("req")
        avail = m.group("avail").removesuffix(" is").removesuffix(" are")
        return req, f"{m.group('by')} needs {req}, but only {avail} is available"
    if m := _NO_VERSIONS.search(text):
        req = m.group("req")
        return req, f"no version of {req} is available from the configured indexes"
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith(("cause:", "error:", "╰─▶")) or "Because" in line:
            return None, line.removeprefix("cause:").strip()
    return None, (stderr.strip().splitlines() or ["uv failed without a message"])[-1]


def resolve(
    requirements: Iterable[str],
    *,
    python: str,
    indexes: IndexOptions | None = None,
    timeout: float = 300.0,
) -> Resolution:
    """Resolve ``requirements`` with uv for ``python``; never raises for "does not resolve"."""
    reqs = tuple(requirements)
    indexes = indexes or pip_index_options()
    cmd = [
        _uv_bin(), "pip", "compile", "-", "--quiet", "--no-header", "--no-annotate",
        "--python-version", python, *indexes.uv_args(),
    ]
    started = time.perf_counter()
    try:
        proc = _proc.run(
            cmd, input="\n".join(reqs) + "\n", capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"uv did not finish resolving within {timeout:.0f} s") from None
    duration = time.perf_counter() - started
    if proc.returncode == 0:
        resolved: dict[str, str] = {}
        for line in proc.stdout.splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, _, version = line.partition("==")
                resolved[name.strip().lower()] = version.split(";")[0].strip()
        return Resolution(reqs, python, True, resolved, duration_s=duration)
    missing, reason = explain_failure(proc.stderr)
    return Resolution(reqs, python, False, missing=missing, reason=reason, duration_s=duration)
