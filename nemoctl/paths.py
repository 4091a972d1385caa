"""Where nemoctl's files are (the project root, the cache) and how project files are read.

The lowest layer of the package (see docs/architecture.md): it imports nothing of
nemoctl but :mod:`nemoctl.errors`, so every module may use it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tomllib
from pathlib import Path
from typing import Any

from nemoctl._limits import loads_toml
from nemoctl.errors import ConfigError

log = logging.getLogger("nemoctl.cache")


def cache_dir() -> Path:
    """nemoctl's cache root: ``$NEMOCTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/nemoctl``."""
    explicit = os.environ.get("NEMOCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nemoctl"


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` resolves (symlinks followed) to somewhere under ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def discard(path: Path, why: str) -> None:
    """Remove a bad cache entry (only ever inside the cache root) and say so."""
    log.warning("nemoctl: discarded cache entry %s (%s); it will be rebuilt", path, why)
    if inside(cache_dir(), path) and not path.is_symlink():
        with contextlib.suppress(OSError):
            path.unlink()
    elif path.is_symlink() and inside(cache_dir(), path.parent):
        with contextlib.suppress(OSError):
            path.unlink()  # the link itself, never its target


def find_project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` holding a ``pyproject.toml``."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    raise ConfigError(
        f"no pyproject.toml found in {here} or any parent directory",
        hint="in a project that pins LiteLLM in requirements*.txt, run `nemoctl init`: "
        "it creates a minimal pyproject.toml holding [tool.nemoctl]",
    )


def read_text(path: Path) -> str:
    """A project file as UTF-8 text; unreadable or non-UTF-8 is a ConfigError (exit 2)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason})"
        ) from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; unreadable or malformed files are a ConfigError (exit 2)."""
    text = read_text(path)
    try:
        return loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def read_pyproject(path: Path) -> dict[str, Any]:
    return read_toml(path)
