"""Refresh the project's lockfile with the project's own tool after the pins moved."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl import _proc
from nemoctl.errors import BadInputError, ResolutionError, ToolchainError

LOCKFILES = ("uv.lock", "poetry.lock")


@dataclass(frozen=True, slots=True)
class LockRefresh:
    """Which lockfile was refreshed, how, and how long it took."""

    path: str | None
    command: tuple[str, ...] = ()
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "command": list(self.command),
            "duration_s": round(self.duration_s, 3),
        }


def lock_command(root: Path) -> tuple[str, list[str]] | None:
    """(lockfile name, command) for the project's lock tool, ``None`` without a lockfile.

    Raises :class:`BadInputError` up front when the lockfile's tool is missing, so
    the failure happens in preflight, before anything is written.
    """
    if (root / "uv.lock").is_file():
        from uv import find_uv_bin

        return "uv.lock", [str(find_uv_bin()), "lock"]
    if (root / "poetry.lock").is_file():
        poetry = shutil.which("poetry")
        if poetry is None:
            raise BadInputError(
                "poetry.lock is present but `poetry` is not on PATH",
                hint="install Poetry so the lockfile can be refreshed with the pins",
            )
        version = _proc.run([poetry, "--version"], capture_output=True, text=True).stdout
        # Poetry 2 dropped --no-update (it became the default).
        legacy = any(f"version 1.{n}" in version or f"(version 1.{n}" in version for n in range(10))
        return "poetry.lock", [poetry, "lock", *(["--no-update"] if legacy else [])]
    return None


def refresh_lockfile(root: Path, *, timeout: float = 600.0) -> LockRefresh:
    found = lock_command(root)
    if found is None:
        return LockRefresh(None)
    name, cmd = found
    started = time.perf_counter()
    try:
        proc = _proc.run(cmd, cwd=root, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolchainError(
            f"`{' '.join(cmd[-2:])}` did not finish within {timeout:.0f} s"
        ) from None
    if proc.returncode != 0:
        tail = " ".join((proc.stderr or proc.stdout).split())[-600:]
        raise ResolutionError(
            f"refreshing {name} failed: {tail}",
            hint="the new pins conflict with another dependency of the project",
        )
    return LockRefresh(name, (Path(cmd[0]).name, *cmd[1:]), time.perf_counter() - started)
