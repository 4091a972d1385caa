"""Isolated, cached virtual environments holding one LiteLLM version for the contract suite.

An environment lives at ``cache_dir()/envs/litellm-<version>-<key>``; the key hashes
everything that decides its contents (Python, requirements, index options), so a
changed input builds a new environment instead of silently reusing a stale one.
Building happens under a lock in a sibling temporary directory that is renamed into
place only once the install succeeded: a half-built environment is never reused.
The user's active environment is never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from nemoctl import _proc
from nemoctl._filelock import FileLock
from nemoctl._versions import parse_version, shown
from nemoctl.errors import BadInputError, ResolutionError
from nemoctl.paths import cache_dir

#: What the suite needs beside LiteLLM.  ``prisma`` is there because LiteLLM's proxy
#: imports it on its auth error path (shipped only in its ``extra-proxy`` extra), and a
#: gateway that keeps spend logs in PostgreSQL always has it.
SUITE_REQUIREMENTS: tuple[str, ...] = ("pytest", "httpx", "fastapi", "prisma")

#: Bump when the way environments are built changes (2: compiled to bytecode).
_LAYOUT = "2"

_PIP_OPTIONS: tuple[tuple[str, str], ...] = (
    ("index-url", "--index-url"),
    ("extra-index-url", "--extra-index-url"),
    ("find-links", "--find-links"),
)
_PYPI = "https://pypi.org/simple"
_CREDENTIALS = re.compile(r"(//)[^/@\s:]+:[^/@\s]+@")
_PIP_SECTIONS = frozenset({"global", "install", ":env:"})


@dataclass(frozen=True)
class ContractEnv:
    """A ready environment: its root and the interpreter to run the suite with."""

    path: Path
    python: Path
    version: str
    reused: bool


def requirements(version: str) -> list[str]:
    return [f"litellm[proxy]=={version}", *SUITE_REQUIREMENTS]


def index_args(environ: dict[str, str] | None = None) -> list[str]:
    """uv arguments carrying pip's index configuration, so both see the same indexes.

    pip's primary index is searched first and its extra indexes after it: uv would
    otherwise prefer the extras, and a mirror holding a pure-Python build of a package
    (``soundfile`` without its bundled C library, say) would win over the primary's
    platform wheel.  When the caller configures uv itself (any ``UV_*`` index variable,
    as hermetic tests do), uv's own configuration wins and nothing is passed through.
    """
    env = dict(os.environ if environ is None else environ)
    if any(env.get(name) for name in ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX")):
        return []
    settings = _pip_settings(env)
    extras = settings.get("extra-index-url", "").split()
    args: list[str] = []
    if extras:
        for url in [settings.get("index-url") or _PYPI, *extras]:
            args += ["--index", url]
    elif settings.get("index-url"):
        args += ["--default-index", settings["index-url"]]
    for location in settings.get("find-links", "").split():
        args += ["--find-links", location]
    return args


def _pip_settings(env: dict[str, str]) -> dict[str, str]:
    """pip's effective index settings: its environment variables over its config files."""
    found: dict[str, str] = {}
    if env.get("PIP_CONFIG_FILE") != os.devnull:
        try:
            from pip._internal.configuration import Configuration

            configuration = Configuration(isolated=False)
            configuration.load()
            for name, value in configuration.items():
                # Recent pips list one dict per configuration file, older ones flat pairs.
                pairs = value.items() if isinstance(value, dict) else [(name, value)]
                for key, setting in pairs:
                    section, _, option = str(key).partition(".")
                    if section in _PIP_SECTIONS and option in dict(_PIP_OPTIONS):
                        found[option] = str(setting)
        except Exception:  # pip's internals moved or its config is broken: env vars still apply
            found = {}
    for key, _ in _PIP_OPTIONS:
        value = env.get("PIP_" + key.upper().replace("-", "_"))
        if value is not None:
            found[key] = value
    return found


def env_key(version: str, extra_args: list[str]) -> str:
    material = {
        "layout": _LAYOUT,
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "requirements": requirements(version),
        "index": extra_args,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:12]


def _uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def _location(version: str, root: Path | None) -> tuple[Path, list[str]]:
    if parse_version(version) is None:  # bounded: a 10,000-digit version is refused too
        raise BadInputError(f"not a version: {shown(version)}")
    extra = index_args()
    envs = (root or cache_dir()) / "envs"
    return envs / f"litellm-{version}-{env_key(version, extra)}", extra


def env_path(version: str, *, root: Path | None = None) -> Path:
    """Where the environment for ``litellm[proxy]==version`` lives (built or not)."""
    return _location(version, root)[0]


def existing_env(version: str, *, root: Path | None = None) -> ContractEnv | None:
    """The ready environment for ``litellm[proxy]==version`` if one exists; never builds."""
    final, _ = _location(version, root)
    if _complete(final):
        return ContractEnv(final, final / "bin" / "python", version, reused=True)
    return None


def installed_versions(env: ContractEnv, names: list[str]) -> dict[str, str]:
    """``{name: version}`` of the distributions ``names`` installed in ``env`` (by metadata)."""
    from importlib.metadata import distributions

    from packaging.utils import canonicalize_name

    wanted = {canonicalize_name(n): n for n in names}
    found: dict[str, str] = {}
    for site in sorted(env.path.glob("lib/python*/site-packages")):
        for dist in distributions(path=[str(site)]):
            name = canonicalize_name(dist.metadata["Name"] or "")
            if name in wanted:
                found[wanted[name]] = dist.version
    return found


def ensure_env(version: str, *, root: Path | None = None) -> ContractEnv:
    """Return a ready environment for ``litellm[proxy]==version``, building it if needed."""
    final, extra = _location(version, root)
    envs = final.parent
    python = final / "bin" / "python"
    if _complete(final):
        return ContractEnv(final, python, version, reused=True)
    envs.mkdir(parents=True, exist_ok=True)
    with FileLock(envs / f".{final.name}.lock"):
        if _complete(final):  # another process built it while we waited
            return ContractEnv(final, python, version, reused=True)
        building = envs / f".{final.name}.building-{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        try:
            _build(building, version, extra)
            if final.exists():  # an incomplete leftover from an older layout
                shutil.rmtree(final)
            building.rename(final)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return ContractEnv(final, python, version, reused=False)


def _complete(path: Path) -> bool:
    return (path / ".nemoctl-complete").is_file() and (path / "bin" / "python").exists()


def _build(path: Path, version: str, extra: list[str]) -> None:
    uv = _uv()
    env = {**os.environ, "VIRTUAL_ENV": "", "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV")
    # uv venv stores absolute paths in scripts, but the suite only runs `bin/python -m`,
    # which works from the renamed directory.
    _run([uv, "venv", "--quiet", "--python", sys.executable, str(path)], env, version)
    _run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            # Compiled once here: the suite runs with PYTHONDONTWRITEBYTECODE=1 and
            # LiteLLM's proxy imports in ~7 s from bytecode, ~13 s from source.
            "--compile-bytecode",
            "--python",
            str(path / "bin" / "python"),
            *extra,
            *requirements(version),
        ],
        env,
        version,
    )
    (path / ".nemoctl-complete").write_text(
        json.dumps({"litellm": version, "requirements": requirements(version)}, sort_keys=True)
        + "\n"
    )


def _run(cmd: list[str], env: dict[str, str], version: str) -> None:
    proc = _proc.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        # Index URLs may carry credentials; uv's messages can quote them.
        tail = _CREDENTIALS.sub(r"\1***@", "\n".join(detail[-15:]))
        raise ResolutionError(
            f"could not build an environment with litellm[proxy]=={version}:\n{tail}",
            hint="check that this version and its pinned extras exist on your configured index",
        )
