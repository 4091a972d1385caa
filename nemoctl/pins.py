"""Find the exact pins of an upstream package in a project.

A pin can live in PEP 621 ``[project].dependencies`` and optional dependencies,
PEP 735 ``[dependency-groups]``, Poetry's ``[tool.poetry.*dependencies]`` tables,
or a ``requirements*.txt`` file next to ``pyproject.toml`` (and a pip-tools
``requirements*.in``, the input its ``.txt`` is compiled from).  Reading is here;
editing (format-preserving, with tomlkit) is in :mod:`nemoctl.upgrade.bump`.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from nemoctl._limits import loads_toml
from nemoctl.errors import ConfigError
from nemoctl.paths import read_pyproject, read_text

_POETRY_EXACT = re.compile(r"^(?:==)?\s*(\d[^\s,*<>=!~^]*)$")


@dataclass(frozen=True, slots=True)
class Pin:
    """One place that pins ``package`` exactly."""

    package: str
    version: str
    #: Where it lives: a file name plus a TOML path or line, e.g.
    #: ``pyproject.toml:dependency-groups.upstream[0]`` or ``requirements.txt:12``.
    location: str
    #: The text as written (a PEP 508 string, or Poetry's value).
    text: str


def exact_version(requirement: Requirement) -> str | None:
    """The version of an ``==X`` requirement (no wildcard), else ``None``."""
    specs = list(requirement.specifier)
    if len(specs) != 1 or specs[0].operator not in ("==", "===") or "*" in specs[0].version:
        return None
    return specs[0].version


REQUIREMENT_PATTERNS = ("requirements*.txt", "requirements*.in")


def _is_requirements_name(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in REQUIREMENT_PATTERNS)


def requirement_files(root: Path) -> list[Path]:
    """The ``requirements*.txt`` and pip-tools ``requirements*.in`` files at ``root``."""
    found = {p for pattern in REQUIREMENT_PATTERNS for p in root.glob(pattern) if p.is_file()}
    return sorted(found)


def find_pins(root: Path, package: str) -> list[Pin]:
    """Every exact pin of ``package`` in the project at ``root``, in file order."""
    read_pyproject(root / "pyproject.toml")  # a clear error for a missing or broken file
    texts = {"pyproject.toml": read_text(root / "pyproject.toml")}
    for req_file in requirement_files(root):
        texts[req_file.name] = read_text(req_file)
    return find_pins_in_text(texts, package)


def find_pins_in_text(texts: Mapping[str, str], package: str) -> list[Pin]:
    """Like :func:`find_pins`, over file texts keyed by file name (e.g. read from git).

    ``texts`` holds ``pyproject.toml`` and any ``requirements*.txt`` / ``.in``; other
    names are ignored, so a caller may pass every file of a directory.
    """
    want = canonicalize_name(package)
    try:
        data = loads_toml(texts.get("pyproject.toml", ""))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pyproject.toml is not valid TOML: {exc}") from None
    pins: list[Pin] = []

    def pep508(entries: Any, where: str) -> None:
        if not isinstance(entries, list):
            return
        for i, entry in enumerate(entries):
            if not isinstance(entry, str):
                continue  # dependency-group includes are tables
            try:
                req = Requirement(entry)
            except InvalidRequirement as exc:
                raise ConfigError(
                    f"pyproject.toml:{where}[{i}]: invalid requirement: {exc}"
                ) from None
            if canonicalize_name(req.name) == want and (version := exact_version(req)):
                pins.append(Pin(package, version, f"pyproject.toml:{where}[{i}]", entry))

    project = _table(data.get("project"), "project")
    pep508(project.get("dependencies"), "project.dependencies")
    optional = _table(project.get("optional-dependencies"), "project.optional-dependencies")
    for extra, entries in optional.items():
        pep508(entries, f"project.optional-dependencies.{extra}")
    for group, entries in _table(data.get("dependency-groups"), "dependency-groups").items():
        pep508(entries, f"dependency-groups.{group}")

    poetry = _table(_table(data.get("tool"), "tool").get("poetry"), "tool.poetry")
    tables: list[tuple[str, Any]] = [
        ("tool.poetry.dependencies", poetry.get("dependencies")),
        ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies")),
    ]
    for group, spec in _table(poetry.get("group"), "tool.poetry.group").items():
        if not isinstance(spec, dict):
            raise ConfigError(f"pyproject.toml: [tool.poetry.group.{group}] must be a table")
        tables.append((f"tool.poetry.group.{group}.dependencies", spec.get("dependencies")))
    for where, table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            if canonicalize_name(name) != want:
                continue
            raw = value.get("version") if isinstance(value, dict) else value
            if isinstance(raw, str) and (m := _POETRY_EXACT.match(raw.strip())):
                pins.append(Pin(package, m.group(1), f"pyproject.toml:{where}.{name}", raw))

    req_names = sorted(n for n in texts if _is_requirements_name(n))
    for req_name in req_names:
        for lineno, line in enumerate(texts[req_name].splitlines(), 1):
            stripped = line.split("#", 1)[0].strip().rstrip("\\").strip()
            if not stripped or stripped.startswith("-"):
                continue
            try:
                req = Requirement(stripped.split(";")[0].split(" --hash")[0])
            except InvalidRequirement:
                continue  # URLs, editable paths: not a pin we manage
            if canonicalize_name(req.name) == want and (version := exact_version(req)):
                pins.append(Pin(package, version, f"{req_name}:{lineno}", stripped))
    return pins


def _table(value: Any, where: str) -> dict[str, Any]:
    """A TOML table that the standards require to be one (absent = empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else type(value).__name__
        raise ConfigError(f"pyproject.toml: [{where}] must be a table, not {kind}")
    return value


def pinned_version(root: Path, package: str) -> str:
    """The single version ``package`` is pinned to; an error if none or inconsistent."""
    pins = find_pins(root, package)
    if not pins:
        raise ConfigError(
            f"no exact pin of {package} (e.g. \"{package}==1.2.3\") found in "
            f"{root / 'pyproject.toml'} or requirements*.txt"
        )
    versions = {p.version for p in pins}
    if len(versions) > 1:
        where = ", ".join(f"{p.location} ({p.version})" for p in pins)
        raise ConfigError(f"{package} is pinned to different versions: {where}")
    version = versions.pop()
    try:
        if len(version) > 128:
            raise InvalidVersion(version)
        Version(version)
    except (InvalidVersion, ValueError):  # ValueError: a number past int's digit limit
        shown = repr(version) if len(version) <= 60 else repr(version[:40]) + "..."
        raise ConfigError(f"{package} is pinned to an invalid version {shown}") from None
    return version
