"""Does the PR's project lockfile (uv.lock, poetry.lock) lock what its pins name?

Dependabot's ``pip`` ecosystem, or a hand edit, moves the pin in ``pyproject.toml``
and leaves ``uv.lock`` behind; ``uv sync --frozen`` would then install the old
version, and everything verified about the new one would be beside the point.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from nemoctl._limits import loads_toml
from nemoctl._versions import same_version
from nemoctl.ci.changes import UpstreamChange
from nemoctl.upgrade.lockfile import LOCKFILES


@dataclass(frozen=True, slots=True)
class LockfileMismatch:
    lockfile: str
    package: str
    pinned: str
    locked: tuple[str, ...]

    @property
    def message(self) -> str:
        locked = ", ".join(self.locked) or "nothing"
        return (f"{self.lockfile} locks {self.package} {locked}, but the PR pins "
                f"{self.pinned}: run `uv lock` (or `poetry lock`), or `nemoctl ci --write`")

    def to_dict(self) -> dict[str, Any]:
        return {"lockfile": self.lockfile, "package": self.package, "pinned": self.pinned,
                "locked": list(self.locked)}


def lockfile_mismatches(root: Path, changes: tuple[UpstreamChange, ...]) -> list[LockfileMismatch]:
    """Every changed pin that the project's lockfile does not lock at the pinned version."""
    name = next((n for n in LOCKFILES if (root / n).is_file()), None)
    if name is None:
        return []
    try:
        data = loads_toml((root / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [LockfileMismatch(name, f"(unreadable: {exc})", "", ())]
    locked: dict[str, list[str]] = {}
    for entry in data.get("package", []):
        if isinstance(entry, dict) and "name" in entry:
            locked.setdefault(canonicalize_name(str(entry["name"])), []).append(
                str(entry.get("version", ""))
            )
    result = []
    for change in changes:
        for pin in change.pins:
            if not pin.changed or pin.head_version is None:
                continue
            versions = locked.get(canonicalize_name(pin.package), [])
            if not any(_same(v, pin.head_version) for v in versions):
                result.append(LockfileMismatch(name, pin.package, pin.head_version,
                                               tuple(sorted(versions))))
    return result


def _same(a: str, b: str) -> bool:
    return same_version(a, b)
