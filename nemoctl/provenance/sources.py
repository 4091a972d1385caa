"""Where LiteLLM comes from: every project file that can decide it, read with real parsers.

Read: ``[project]`` dependencies, optional dependencies and ``[dependency-groups]``
(PEP 508 direct references), ``[tool.uv.sources]`` and ``uv.lock``'s ``source``,
Poetry's dependency tables (``git`` / ``path`` / ``url`` / ``develop`` / ``source``) and
``poetry.lock``'s ``[package.source]``, and ``requirements*.txt`` / ``.in`` (with the
files they include by ``-r``): ``-e``, VCS and archive URLs, paths, per-line and
file-wide ``--index-url`` / ``--extra-index-url`` / ``--find-links``.

A watched package (LiteLLM and the packages released with it) that comes from
anything but the configured package index is an :class:`Observation`.  A URL or path
requirement whose package cannot be told is reported too (``SOURCE_UNIDENTIFIED``):
it may be LiteLLM, and nothing is relaxed without proof.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from nemoctl.provenance import _reqfile, _tomllines
from nemoctl.provenance.model import DEFAULT_WATCHED, Observation

_VCS = ("git+", "hg+", "svn+", "bzr+")
_INDEX_OPTIONS = ("--index-url", "-i", "--extra-index-url", "--find-links", "-f")
#: Project files larger than this are not read (no real lockfile comes near it).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: ``-r`` chains are followed this deep (a cycle or a runaway chain stops here).
_MAX_INCLUDE_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Origin:
    """What a place says about a package's source."""

    rule_id: str
    #: ``git https://github.com/x/litellm@abc123``, ``path ../litellm (editable)`` ...
    source: str


def classify_url(url: str, *, editable: bool = False) -> Origin:
    """The rule for a direct reference: VCS, local path / ``file:`` URL, or remote archive."""
    lowered = url.lower()
    if lowered.startswith(_VCS):
        return Origin("SOURCE_GIT", f"{url.split('+', 1)[0]} {url.split('+', 1)[1]}"
                      + (" (editable)" if editable else ""))
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https", "ftp"):
        return Origin("SOURCE_URL", f"url {url}")
    if editable:
        return Origin("SOURCE_EDITABLE", f"editable {url}")
    return Origin("SOURCE_PATH", f"path {url}")


def _origin_from_table(spec: dict[str, Any], *, tool: str,
                       index_url: Callable[[str], str | None]) -> Origin | None:
    """uv's ``[tool.uv.sources]`` entry or Poetry's dependency table."""
    editable = bool(spec.get("editable")) or bool(spec.get("develop"))
    if "git" in spec:
        ref = next((str(spec[k]) for k in ("rev", "tag", "branch") if k in spec), "")
        return Origin("SOURCE_GIT", f"git {spec['git']}" + (f"@{ref}" if ref else ""))
    if "path" in spec:
        return Origin("SOURCE_EDITABLE" if editable else "SOURCE_PATH",
                      f"path {spec['path']}" + (" (editable)" if editable else ""))
    if "url" in spec:
        return Origin("SOURCE_URL", f"url {spec['url']}")
    if spec.get("workspace"):
        return Origin("SOURCE_PATH", "a uv workspace member")
    key = "index" if tool == "uv" else "source"
    if key in spec:
        url = index_url(str(spec[key]))
        return Origin("SOURCE_INDEX_OVERRIDE",
                      f"index {spec[key]!r}" + (f" ({url})" if url else ""))
    return None


class _Scan:
    def __init__(self, root: Path, watched: Iterable[str],
                 index_allowed: Callable[[str], bool]) -> None:
        self.root = root
        self.watched = {canonicalize_name(n) for n in watched}
        self.index_allowed = index_allowed
        self.found: list[Observation] = []

    def add(self, rule_id: str, path: str, line: int, package: str, source: str,
            snippet: str = "") -> None:
        what = {
            "SOURCE_GIT": "from a version-control checkout",
            "SOURCE_PATH": "from a local path",
            "SOURCE_EDITABLE": "as an editable install of a local checkout",
            "SOURCE_URL": "from a direct URL",
            "SOURCE_INDEX_OVERRIDE": "from another index than the configured one",
        }.get(rule_id)
        where = f"{path}:{line}" if line else path
        if what is None:  # SOURCE_UNIDENTIFIED: the source text already says why
            message = f"{where}: {source}; if it is LiteLLM, it does not come from the index"
        else:
            message = f"{where}: {package} comes {what}: {source}"
        self.found.append(Observation(rule_id, path, line, package, source, message,
                                      (path, package, source), snippet))

    def watched_name(self, name: str) -> str | None:
        canon = canonicalize_name(name)
        return canon if canon in self.watched else None


# --------------------------------------------------------------------------- pyproject


def _scan_pyproject(scan: _Scan, text: str, data: dict[str, Any]) -> None:
    rel = "pyproject.toml"

    def pep508(entries: Any, path: tuple[str, ...]) -> None:
        if not isinstance(entries, list):
            return
        for entry in entries:
            if not isinstance(entry, str):
                continue
            try:
                req = Requirement(entry)
            except InvalidRequirement:
                continue  # pins.py reports malformed requirements
            name = scan.watched_name(req.name)
            if name and req.url:
                origin = classify_url(req.url)
                scan.add(origin.rule_id, rel, _tomllines.find_array_string(text, path, entry),
                         name, origin.source, entry)

    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(project, dict)
    pep508(project.get("dependencies"), ("project", "dependencies"))
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for extra, entries in optional.items():
            pep508(entries, ("project", "optional-dependencies", extra))
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, entries in groups.items():
            pep508(entries, ("dependency-groups", group))

    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    assert isinstance(tool, dict)
    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
    assert isinstance(uv, dict)
    indexes = {str(i.get("name")): str(i.get("url", "")) for i in uv.get("index", [])
               if isinstance(i, dict)} if isinstance(uv.get("index"), list) else {}
    sources = uv.get("sources")
    if isinstance(sources, dict):
        for name, spec in sources.items():
            package = scan.watched_name(name)
            if package is None:
                continue
            for one in spec if isinstance(spec, list) else [spec]:
                if not isinstance(one, dict):
                    continue
                origin = _origin_from_table(one, tool="uv", index_url=indexes.get)
                if origin is None:
                    continue
                if origin.rule_id == "SOURCE_INDEX_OVERRIDE" and scan.index_allowed(
                        indexes.get(str(one.get("index")), "")):
                    continue
                line = _tomllines.find_key(text, ("tool", "uv", "sources", name))
                scan.add(origin.rule_id, rel, line, package, origin.source)

    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    assert isinstance(poetry, dict)
    poetry_sources = {str(s.get("name")): str(s.get("url", ""))
                      for s in poetry.get("source", []) if isinstance(s, dict)} \
        if isinstance(poetry.get("source"), list) else {}
    tables: list[tuple[tuple[str, ...], Any]] = [
        (("tool", "poetry", "dependencies"), poetry.get("dependencies")),
        (("tool", "poetry", "dev-dependencies"), poetry.get("dev-dependencies")),
    ]
    groups_table = poetry.get("group")
    if isinstance(groups_table, dict):
        for group, spec in groups_table.items():
            if isinstance(spec, dict):
                tables.append((("tool", "poetry", "group", group, "dependencies"),
                               spec.get("dependencies")))
    for path, table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            package = scan.watched_name(name)
            if package is None:
                continue
            for one in value if isinstance(value, list) else [value]:
                if not isinstance(one, dict):
                    continue
                origin = _origin_from_table(one, tool="poetry", index_url=poetry_sources.get)
                if origin is None:
                    continue
                if origin.rule_id == "SOURCE_INDEX_OVERRIDE" and scan.index_allowed(
                        poetry_sources.get(str(one.get("source")), "")):
                    continue
                scan.add(origin.rule_id, rel, _tomllines.find_key(text, (*path, name)),
                         package, origin.source)


# --------------------------------------------------------------------------- lockfiles


def _lock_packages(text: str, watched: Collection[str]) -> list[tuple[int, int, dict[str, Any]]]:
    """``(index, header line, table)`` of the watched ``[[package]]`` entries of a lock.

    Lockfiles run to thousands of lines (LiteLLM's own: ~5,000) and parsing a whole one
    costs ~0.2 s, too much for every ``check``.  Each ``[[package]]`` block (its header
    up to the next one) is a self-contained TOML document, so only the blocks whose
    ``name`` line names a watched package are parsed; if any block will not parse on
    its own, the whole file is parsed instead.
    """
    lines = text.splitlines()
    starts = _tomllines.array_table_lines(text, ("package",))
    found = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        block = lines[start - 1:end]
        name = next((_tomllines.string_key(line, "name") for line in block[1:6]
                     if _tomllines.string_key(line, "name") is not None), None)
        if name is not None and canonicalize_name(name) not in watched:
            continue
        try:
            parsed = tomllib.loads("\n".join(block))
        except tomllib.TOMLDecodeError:
            return _whole_lock(text, starts, watched)
        packages = parsed.get("package")
        if isinstance(packages, list) and packages and isinstance(packages[0], dict):
            table = packages[0]
            if canonicalize_name(str(table.get("name", ""))) in watched:
                found.append((index, start, table))
    return found


def _whole_lock(text: str, starts: list[int], watched: Collection[str]
                ) -> list[tuple[int, int, dict[str, Any]]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []  # the lockfile's own tool (and nemoctl's lock checks) report it
    packages = data.get("package")
    if not isinstance(packages, list):
        return []
    return [(i, starts[i] if i < len(starts) else 0, p) for i, p in enumerate(packages)
            if isinstance(p, dict) and canonicalize_name(str(p.get("name", ""))) in watched]


def _scan_uv_lock(scan: _Scan, text: str) -> None:
    rel = "uv.lock"
    for _, start, package in _lock_packages(text, scan.watched):
        name = scan.watched_name(str(package.get("name", "")))
        source = package.get("source")
        if name is None or not isinstance(source, dict):
            continue
        origin: Origin | None = None
        if "registry" in source:
            if not scan.index_allowed(str(source["registry"])):
                origin = Origin("SOURCE_INDEX_OVERRIDE", f"registry {source['registry']}")
        elif "git" in source:
            origin = Origin("SOURCE_GIT", f"git {source['git']}")
        elif "editable" in source:
            origin = Origin("SOURCE_EDITABLE", f"editable {source['editable']}")
        elif "url" in source:
            origin = Origin("SOURCE_URL", f"url {source['url']}")
        else:
            kind, where = next(iter(source.items()), ("", ""))
            origin = Origin("SOURCE_PATH", f"{kind} {where}".strip())
        if origin is None:
            continue
        line = _tomllines.find_key(text, ("package", "source"), start=start) if start else 0
        scan.add(origin.rule_id, rel, line, name, origin.source)


def _scan_poetry_lock(scan: _Scan, text: str) -> None:
    rel = "poetry.lock"
    for _, start, package in _lock_packages(text, scan.watched):
        name = scan.watched_name(str(package.get("name", "")))
        if name is None:
            continue
        source = package.get("source")
        origin: Origin | None = None
        if isinstance(source, dict):
            kind = str(source.get("type", ""))
            url = str(source.get("url", ""))
            ref = str(source.get("resolved_reference") or source.get("reference") or "")
            if kind == "git":
                origin = Origin("SOURCE_GIT", f"git {url}" + (f"@{ref}" if ref else ""))
            elif kind == "directory":
                develop = bool(package.get("develop"))
                origin = Origin("SOURCE_EDITABLE" if develop else "SOURCE_PATH",
                                f"directory {url}" + (" (develop)" if develop else ""))
            elif kind == "file":
                origin = Origin("SOURCE_PATH", f"file {url}")
            elif kind == "url":
                origin = Origin("SOURCE_URL", f"url {url}")
            elif kind in ("legacy", "pypi") and url and not scan.index_allowed(url):
                origin = Origin("SOURCE_INDEX_OVERRIDE", f"{kind} index {url}")
        if origin is None:
            continue
        line = _tomllines.find_key(text, ("package", "source"), start=start) if start else 0
        scan.add(origin.rule_id, rel, line, name, origin.source)


# --------------------------------------------------------------------------- requirements


def _name_of_reference(target: str, base: Path) -> str | None:
    """The project a URL or path requirement installs, when it can be told."""
    fragment = urlsplit(target).fragment
    for part in fragment.split("&"):
        key, _, value = part.partition("=")
        if key == "egg" and value:
            return value.split("[")[0]
    leaf = unquote(urlsplit(target).path).rstrip("/").rsplit("/", 1)[-1]
    try:
        return str(parse_wheel_filename(leaf)[0])
    except InvalidWheelFilename:
        pass
    try:
        return str(parse_sdist_filename(leaf)[0])
    except InvalidSdistFilename:
        pass
    if urlsplit(target).scheme in ("", "file"):
        directory = (base / unquote(urlsplit(target).path)).resolve()
        for project_file in (directory / "pyproject.toml",):
            try:
                data = tomllib.loads(project_file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            project = data.get("project")
            name = project.get("name") if isinstance(project, dict) else None
            poetry = data.get("tool", {}).get("poetry", {}) if isinstance(
                data.get("tool"), dict) else {}
            name = name or (poetry.get("name") if isinstance(poetry, dict) else None)
            if isinstance(name, str):
                return name
    return None


def _scan_requirements(scan: _Scan, path: Path, seen: set[Path], depth: int = 0) -> None:
    resolved = path.resolve()
    if resolved in seen or depth > _MAX_INCLUDE_DEPTH:
        return
    seen.add(resolved)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return  # pins.py and check's requirements step refuse such a file
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # pins.py / check's requirements step report unreadable files
    try:
        rel = path.relative_to(scan.root).as_posix()
    except ValueError:
        rel = str(path)
    lines = _reqfile.parse(text)
    installs_watched: list[str] = []
    file_wide: list[tuple[int, str, str]] = []
    for line in lines:
        if line.error:
            scan.add("SOURCE_UNIDENTIFIED", rel, line.lineno, "",
                     f"a line pip cannot tokenise ({line.error})", line.text)
            continue
        for _, included in _reqfile.option_values(line.options, "-r", "--requirement"):
            include = (path.parent / included).resolve()
            if include.is_relative_to(scan.root.resolve()):
                _scan_requirements(scan, include, seen, depth + 1)
            else:  # never read files outside the project into a report
                scan.add("SOURCE_UNIDENTIFIED", rel, line.lineno, "",
                         f"-r {included}: an include outside the project, not read",
                         line.text)
        editable = _reqfile.option_values(line.options, "-e", "--editable")
        if not line.requirement:
            for option, value in _reqfile.option_values(line.options, *_INDEX_OPTIONS):
                file_wide.append((line.lineno, option, value))
        targets = [(value, True) for _, value in editable]
        if line.requirement:
            targets.append((line.requirement, False))
        for target, is_editable in targets:
            _requirement_target(scan, rel, path.parent, line, target, is_editable,
                                installs_watched)
    if installs_watched:
        for lineno, option, value in file_wide:
            if option in ("--find-links", "-f") or not scan.index_allowed(value):
                for package in sorted(set(installs_watched)):
                    scan.add("SOURCE_INDEX_OVERRIDE", rel, lineno, package,
                             f"{option} {value} (applies to every line of {rel})")


def _requirement_target(scan: _Scan, rel: str, base: Path, line: _reqfile.ReqLine,
                        target: str, editable: bool, installs_watched: list[str]) -> None:
    spec = target.split(" ;")[0].strip()
    name: str | None = None
    url: str | None = None
    if not editable:
        try:
            req = Requirement(target)
        except InvalidRequirement:
            url = spec
        else:
            name, url = req.name, req.url
    else:
        url = spec
    if url is not None and name is None:
        name = _name_of_reference(url, base)
    if name is None:
        scan.add("SOURCE_UNIDENTIFIED", rel, line.lineno, "",
                 f"{'editable ' if editable else ''}{url}: cannot tell which package "
                 "it installs", line.text)
        return
    package = scan.watched_name(name)
    if package is None:
        return
    installs_watched.append(package)
    if url is not None:
        origin = classify_url(url, editable=editable)
        scan.add(origin.rule_id, rel, line.lineno, package, origin.source, line.text)
    for option, value in _reqfile.option_values(line.options, *_INDEX_OPTIONS):
        scan.add("SOURCE_INDEX_OVERRIDE", rel, line.lineno, package,
                 f"{option} {value} on the {package} line", line.text)


# --------------------------------------------------------------------------- entry point


def scan_sources(root: Path, watched: Iterable[str] = DEFAULT_WATCHED, *,
                 index_allowed: Callable[[str], bool] | None = None,
                 requirement_files: Iterable[Path] | None = None) -> list[Observation]:
    """Every place in the project at ``root`` that takes a watched package elsewhere
    than the configured index.  ``index_allowed(url)`` says whether an index URL is the
    configured one (default: :func:`nemoctl.provenance.indexes.is_configured_index`)."""
    if index_allowed is None:
        from nemoctl.provenance.indexes import is_configured_index

        index_allowed = is_configured_index
    scan = _Scan(root, watched, index_allowed)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            text = pyproject.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            pass  # load_config / pins report a broken pyproject.toml as bad input
        else:
            _scan_pyproject(scan, text, data)
    for name, reader in (("uv.lock", _scan_uv_lock), ("poetry.lock", _scan_poetry_lock)):
        lock = root / name
        if lock.is_file():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                if lock.stat().st_size > MAX_FILE_BYTES:
                    scan.add("SOURCE_UNIDENTIFIED", name, 0, "",
                             f"{name} is larger than {MAX_FILE_BYTES} bytes and was not read")
                    continue
                reader(scan, lock.read_text(encoding="utf-8"))
    if requirement_files is None:
        from nemoctl.pins import requirement_files as find_requirement_files

        requirement_files = find_requirement_files(root)
    seen: set[Path] = set()
    for req_file in requirement_files:
        _scan_requirements(scan, req_file, seen)
    return sorted(scan.found, key=lambda o: (o.path, o.line, o.rule_id, o.source))
