"""Consumer projects that take LiteLLM from elsewhere than the index, built for real.

* ``checkout``: a LiteLLM "fork" — a git repository with a static ``pyproject.toml``
  (so ``uv lock`` reads it offline without building), as someone's checkout would be.
* ``index``: a local simple index serving one fake ``litellm`` 1.0.0 wheel whose
  ``litellm/proxy/_types.py`` declares ``SpendLogsPayload.organization_id``.
* ``venv_template``: a real virtual environment (``uv venv`` + ``uv pip install`` from
  that index, files copied, not linked) made once per session; ``consumer_env`` copies
  it into a project's ``.venv`` for each test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pkgindex import LocalIndex, build_wheel

NEMOCTL = str(Path(sys.executable).parent / "nemoctl")

TYPES_PY = '''\
"""Fake LiteLLM proxy types."""

from typing import TypedDict


class SpendLogsPayload(TypedDict):
    request_id: str
    spend: float
    model_group: str
    organization_id: str | None
'''

#: Only the checks this package adds: the others need a rendered, protected project.
ONLY_PROVENANCE = ["--allow-unprotected", "--format", "json", "--skip", "lock", "--skip",
                   "generated", "--skip", "sacred", "--skip", "supply-chain", "--skip",
                   "requirements"]


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args],
        cwd=root, check=True, capture_output=True, text=True).stdout


def uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fork") / "litellm"
    (root / "litellm" / "proxy").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "litellm"\nversion = "1.0.0"\n\n[build-system]\n'
        'requires = ["hatchling"]\nbuild-backend = "hatchling.build"\n')
    (root / "litellm" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (root / "litellm" / "proxy" / "__init__.py").write_text("")
    (root / "litellm" / "proxy" / "_types.py").write_text(TYPES_PY)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "fork")
    return root


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prov-wheels")
    build_wheel(out, "litellm", "1.0.0", {
        "litellm/__init__.py": '__version__ = "1.0.0"\n',
        "litellm/proxy/__init__.py": "",
        "litellm/proxy/_types.py": TYPES_PY,
    })
    return out


@pytest.fixture(scope="session")
def index(wheels: Path) -> Iterator[LocalIndex]:
    with LocalIndex(wheels) as served:
        yield served


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prov-cache")


@pytest.fixture
def env(index: LocalIndex, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What every child sees: only the local index, the session cache, no active venv."""
    settings = {**index.pip_env(), "NEMOCTL_CACHE_DIR": str(cache_root), "NO_COLOR": "1"}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    full = {**os.environ, **settings}
    full.pop("VIRTUAL_ENV", None)
    return full


@pytest.fixture(scope="session")
def venv_template(tmp_path_factory: pytest.TempPathFactory, index: LocalIndex,
                  cache_root: Path) -> Path:
    """A real environment with litellm 1.0.0 installed from the index (and its wheel in
    nemoctl's cache, so RECORDs compare with the published one)."""
    root = tmp_path_factory.mktemp("prov-venv") / ".venv"
    environ = {**os.environ, **index.pip_env(), "NEMOCTL_CACHE_DIR": str(cache_root)}
    environ.pop("VIRTUAL_ENV", None)
    subprocess.run([uv(), "venv", "--quiet", "--python", sys.executable, str(root)],
                   env=environ, check=True)
    subprocess.run([uv(), "pip", "install", "--quiet", "--link-mode=copy", "--python",
                    str(root / "bin" / "python"), "litellm==1.0.0"], env=environ, check=True)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {**index.pip_env(), "NEMOCTL_CACHE_DIR": str(cache_root)}.items():
            mp.setenv(key, value)
        from nemoctl.upstream import fetch_wheel

        fetch_wheel("litellm", "1.0.0")
    return root


UV_PROJECT = """\
[project]
name = "consumer"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "litellm==1.0.0",
]

[tool.uv]
package = false
"""


@dataclass
class Project:
    root: Path
    env: dict[str, str]

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def line_of(self, rel: str, needle: str) -> int:
        """The 1-based line holding ``needle`` (the test knows what it wrote)."""
        for number, line in enumerate((self.root / rel).read_text().splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {rel}")

    def nemoctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([NEMOCTL, *args], cwd=self.root, env=self.env, text=True,
                              capture_output=True, timeout=300)

    def check(self, *extra: str) -> tuple[int, dict[str, dict[str, object]], str]:
        proc = self.nemoctl("check", *ONLY_PROVENANCE, *extra)
        assert "Traceback" not in proc.stderr, proc.stderr
        report = json.loads(proc.stdout)
        return proc.returncode, {c["name"]: c for c in report["checks"]}, proc.stderr

    def hashes(self) -> dict[str, bytes]:
        return {p.relative_to(self.root).as_posix(): p.read_bytes()
                for p in sorted(self.root.rglob("*")) if p.is_file()
                and ".venv" not in p.relative_to(self.root).parts}

    def uv_lock(self) -> None:
        subprocess.run([uv(), "lock", "--quiet"], cwd=self.root, env=self.env, check=True)

    def install_env(self, template: Path) -> Path:
        target = self.root / ".venv"
        shutil.copytree(template, target, symlinks=True)
        return next(target.glob("lib/python*/site-packages"))


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Project:
    root = tmp_path / "consumer"
    root.mkdir()
    return Project(root, env)


def problems(item: dict[str, object]) -> list[str]:
    value = item["problems"]
    assert isinstance(value, list)
    return [str(p) for p in value]
