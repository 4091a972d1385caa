"""The project's own Python environment: where its LiteLLM is installed.

Looked for, in order: ``[tool.nemoctl] environment`` (explicit, so it may lie outside
the project), ``VIRTUAL_ENV`` when it points inside the project, the project's
``.venv`` (uv's, or Poetry's in-project one), and Poetry's cache environment for this
project (named as Poetry names it: the project name, the first 8 characters of the
url-safe base64 sha256 of the project path, the Python version).  An environment
outside the project found any other way (an activated virtualenv of another
checkout) is ignored, with a note: it may hold somebody else's LiteLLM.

Nothing is imported from the environment and no interpreter is started: its
distributions are read from ``site-packages`` on disk.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ProjectEnvironment:
    path: Path
    #: How it was found: ``environment``, ``VIRTUAL_ENV``, ``.venv``, ``poetry``.
    origin: str
    python: Path
    site_packages: tuple[Path, ...]

    def to_dict(self) -> dict[str, str | list[str]]:
        return {"path": str(self.path), "origin": self.origin, "python": str(self.python),
                "site_packages": [str(p) for p in self.site_packages]}


@dataclass(frozen=True, slots=True)
class EnvLookup:
    """The environment, or why there is none (``problem``: broken, a finding; ``note``:
    simply none, or one ignored)."""

    env: ProjectEnvironment | None
    problem: str = ""
    note: str = ""


def _inspect(path: Path, origin: str) -> EnvLookup:
    shown = str(path)
    if not path.exists():
        return EnvLookup(None, problem=f"{origin} names {shown}, which does not exist")
    if not path.is_dir():
        return EnvLookup(None, problem=f"{origin} names {shown}, which is not a directory")
    python = next((p for p in (path / "bin" / "python", path / "Scripts" / "python.exe")
                   if p.exists()), None)
    sites = tuple(sorted(p for p in (*path.glob("lib/python*/site-packages"),
                                     path / "Lib" / "site-packages") if p.is_dir()))
    if not sites:
        return EnvLookup(None, problem=f"the environment {shown} ({origin}) has no "
                         "site-packages directory: broken or not a virtual environment")
    if python is None:
        return EnvLookup(None, problem=f"the environment {shown} ({origin}) has no working "
                         "interpreter (bin/python is missing or a dangling link)")
    return EnvLookup(ProjectEnvironment(path, origin, python, sites))


def poetry_env_name(name: str, project_dir: Path) -> str:
    """Poetry's ``EnvManager.generate_env_name`` (without the ``-py3.X`` suffix)."""
    sanitized = "".join("_" if c in ' $`!*@"\\\r\n\t' else c for c in name.lower())[:42]
    normalized = os.path.normcase(os.path.realpath(project_dir))
    digest = base64.urlsafe_b64encode(hashlib.sha256(normalized.encode()).digest()).decode()
    return f"{sanitized}-{digest[:8]}"


def _poetry_env(root: Path, environ: Mapping[str, str]) -> Path | None:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if not isinstance(poetry, dict) and not (root / "poetry.lock").is_file():
        return None
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    name = (poetry or {}).get("name") or (project or {}).get("name")
    if not isinstance(name, str):
        return None
    base = environ.get("POETRY_VIRTUALENVS_PATH")
    if base:
        venvs = Path(base)
    else:
        cache = environ.get("POETRY_CACHE_DIR") or os.path.join(
            environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"), "pypoetry")
        venvs = Path(cache) / "virtualenvs"
    prefix = poetry_env_name(name, root) + "-py"
    try:
        found = sorted(p for p in venvs.iterdir() if p.name.startswith(prefix))
    except OSError:
        return None
    return found[-1] if found else None


def find_environment(root: Path, configured: Path | None,
                     environ: Mapping[str, str] | None = None) -> EnvLookup:
    environ = os.environ if environ is None else environ
    if configured is not None:
        return _inspect(configured, "[tool.nemoctl] environment")
    notes = []
    active = environ.get("VIRTUAL_ENV")
    if active:
        active_path = Path(active)
        if active_path.resolve().is_relative_to(root.resolve()):
            return _inspect(active_path, "VIRTUAL_ENV")
        notes.append(f"VIRTUAL_ENV ({active}) is outside the project and was not used; "
                     "name it in [tool.nemoctl] environment to verify it")
    if (root / ".venv").exists():
        return _inspect(root / ".venv", ".venv")
    poetry = _poetry_env(root, environ)
    if poetry is not None:
        return _inspect(poetry, "poetry")
    notes.append("no project environment (.venv, Poetry's, or [tool.nemoctl] environment): "
                 "installed files not verified")
    return EnvLookup(None, note="; ".join(notes))
