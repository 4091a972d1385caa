"""Real consumer repositories of every kind, a local index of fake LiteLLM releases.

Releases (real wheels, served by ``tests.support.pkgindex.LocalIndex``):

* litellm 1.0.0 — the pinned base; its ``proxy`` extra pins
  ``litellm-proxy-extras==0.1.0`` and ``litellm-enterprise==0.1.0`` exactly.
* litellm 1.1.0 — adds an optional column; pins extras 0.1.1 and enterprise 0.1.1.

So a requirements file that pins ``litellm-enterprise`` by hand must have that pin
moved too, or ``pip install -r`` fails: the case issue 12 saw with a real release.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.pkgindex import LocalIndex, build_wheel

BIN = Path(sys.executable).parent
NEMOCTL = str(BIN / "nemoctl")

DATASOURCE = """\
datasource client {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-py"
}
"""


def schema(extra: str = "") -> str:
    return DATASOURCE + f"""
model LiteLLM_SpendLogs {{
  request_id      String   @id
  spend           Float    @default(0.0)
  prompt_tokens   Int      @default(0)
  model_group     String?  @default("")
  organization_id String?
  startTime       DateTime{extra}
}}

model LiteLLM_DailyOrganizationSpend {{
  id            String  @id
  spend         Float   @default(0.0)
  prompt_tokens BigInt  @default(0)
}}
"""


RELEASES = {
    "1.0.0": (schema(), "0.1.0", "0.1.0"),
    "1.1.0": (schema("\n  custom_llm_provider String?"), "0.1.1", "0.1.1"),
}

CONTRACT_SCRIPT = '''\
import os
import sys

import litellm

sys.exit(0 if litellm.__version__ == os.environ["NEMOCTL_UPGRADE_VERSION"] else 1)
'''


@pytest.fixture(scope="session")
def adopt_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("adopt-wheels")
    for version, (text, extras, enterprise) in RELEASES.items():
        build_wheel(
            out, "litellm", version,
            {"litellm/__init__.py": f'__version__ = "{version}"\n',
             "litellm/proxy/__init__.py": "", "litellm/proxy/schema.prisma": text},
            extras={"proxy": [f"litellm-proxy-extras=={extras}",
                              f"litellm-enterprise=={enterprise}"]},
        )
        build_wheel(out, "litellm-proxy-extras", extras,
                    {"litellm_proxy_extras/__init__.py": ""})
        build_wheel(out, "litellm-enterprise", enterprise,
                    {"litellm_enterprise/__init__.py": ""})
    return out


@pytest.fixture(scope="session")
def adopt_index(adopt_wheels: Path) -> Iterator[LocalIndex]:
    with LocalIndex(adopt_wheels) as index:
        yield index


@pytest.fixture(scope="session")
def adopt_env(adopt_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory
              ) -> dict[str, str]:
    """pip, uv, Poetry and nemoctl see only the local index (env for subprocesses)."""
    cache = tmp_path_factory.mktemp("adopt-cache")
    env = {**os.environ, **adopt_index.pip_env()}
    env.update({
        "NEMOCTL_CACHE_DIR": str(cache / "nemoctl"),
        "UV_CACHE_DIR": str(cache / "uv"),
        "POETRY_CACHE_DIR": str(cache / "poetry"),
        "POETRY_VIRTUALENVS_CREATE": "false",
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    })
    env.pop("VIRTUAL_ENV", None)
    # The nemoctl under test, uv, poetry and pip-compile come from this environment.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # nemoctl's node tools are installed once per cache: reuse the warm user cache's.
    from nemoctl.paths import cache_dir

    warm = cache_dir() / "node"
    if warm.is_dir():
        (cache / "nemoctl").mkdir(parents=True, exist_ok=True)
        os.symlink(warm, cache / "nemoctl" / "node")
    return env


KINDS = ("uv", "poetry", "poetry2", "pip-tools", "requirements")


def pyproject_for(kind: str, index_url: str) -> str | None:
    if kind == "uv":
        return """\
[project]
name = "gateway"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "litellm[proxy]==1.0.0",  # the gateway: exact, never a range
    "litellm-proxy-extras==0.1.0",
]

[tool.uv]
package = false
"""
    if kind == "poetry":
        return f"""\
[tool.poetry]
name = "gateway"
version = "0.1.0"
description = ""
authors = ["Test <test@example.invalid>"]
package-mode = false

[tool.poetry.dependencies]
python = "^3.11"
litellm = {{version = "1.0.0", extras = ["proxy"]}}   # exact

[[tool.poetry.source]]
name = "local"
url = "{index_url}"
priority = "primary"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"""
    if kind == "poetry2":  # Poetry 2: PEP 621 [project] pins, Poetry only for the lock
        return f"""\
[project]
name = "gateway"
version = "0.1.0"
requires-python = ">=3.11,<4"
dependencies = ["litellm[proxy]==1.0.0"]

[tool.poetry]
package-mode = false

[[tool.poetry.source]]
name = "local"
url = "{index_url}"
priority = "primary"
"""
    return None


@dataclass
class Repo:
    root: Path
    kind: str
    env: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, *cmd: str, check: bool = True, label: str | None = None,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        started = time.perf_counter()
        proc = subprocess.run(list(cmd), cwd=self.root, env={**self.env, **(extra_env or {})},
                              capture_output=True, text=True, timeout=600)
        if label:
            self.timings[label] = round(time.perf_counter() - started, 2)
        if check and proc.returncode != 0:
            raise AssertionError(f"{cmd} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def nemoctl(self, *args: str, check: bool = True, label: str | None = None
                ) -> subprocess.CompletedProcess[str]:
        return self.run(NEMOCTL, *args, check=check, label=label)

    def git(self, *args: str) -> str:
        return self.run("git", *args).stdout

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")


def make_repo(root: Path, kind: str, env: dict[str, str], index_url: str) -> Repo:
    """A consumer repository at litellm 1.0.0 locked with its own real tool, committed."""
    root.mkdir(parents=True)
    repo = Repo(root, kind, env)
    repo.git("init", "-q", "-b", "main")
    text = pyproject_for(kind, index_url)
    if text is not None:
        (root / "pyproject.toml").write_text(text)
    if kind == "uv":
        repo.run(str(BIN / "uv"), "lock", "--quiet", label="uv lock")
    elif kind in ("poetry", "poetry2"):
        repo.run(str(BIN / "poetry"), "lock", label="poetry lock")
    elif kind == "pip-tools":
        (root / "requirements.in").write_text("# the gateway\nlitellm[proxy]==1.0.0\n")
        repo.run(str(BIN / "pip-compile"), "--quiet", "--no-emit-index-url",
                 "--index-url", index_url, "requirements.in", label="pip-compile")
    elif kind == "requirements":
        (root / "requirements.txt").write_text(
            "# pinned by hand\nlitellm[proxy]==1.0.0\nlitellm-proxy-extras==0.1.0\n"
            "litellm-enterprise==0.1.0  # ours too\n"
        )
    (root / "contracts").mkdir()
    (root / "contracts" / "check.py").write_text(CONTRACT_SCRIPT)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", f"a {kind} gateway at litellm 1.0.0")
    return repo


CONTRACTS_TABLE = """
[tool.nemoctl.contracts]
command = ["python", "contracts/check.py"]
"""
