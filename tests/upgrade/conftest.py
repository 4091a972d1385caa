"""A local package index of fake ``litellm`` releases and consumer git repos to upgrade.

Releases (each with its own ``litellm-proxy-extras`` pin, like the real one):

* 1.0.0 — the pinned base.
* 1.1.0 — adds an optional column (non-blocking change).
* 1.2.0 — retypes the sacred ``LiteLLM_SpendLogs.prompt_tokens`` (Int → BigInt).
* 1.4.0 — schema fine, but drops ``litellm.completion_cost``: the consumer's contract fails.
* 1.5.0 — pins ``litellm-proxy-extras==0.1.5``, which the index does not have.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pkgindex import LocalIndex, build_fake_proxy_extras, build_wheel

DATASOURCE = """\
datasource client {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-py"
}
"""


def schema(extra_field: str = "", prompt_type: str = "Int") -> str:
    return DATASOURCE + f"""
model LiteLLM_SpendLogs {{
  request_id    String   @id
  spend         Float    @default(0.0)
  prompt_tokens {prompt_type:<8} @default(0)
  model_group   String?  @default("")
  startTime     DateTime{extra_field}
}}
"""


SCHEMAS = {
    "1.0.0": schema(),
    "1.1.0": schema("\n  custom_llm_provider String?"),
    "1.2.0": schema(prompt_type="BigInt"),
    "1.4.0": schema("\n  custom_llm_provider String?"),
    "1.5.0": schema("\n  custom_llm_provider String?"),
}
EXTRAS = {"1.0.0": "0.1.0", "1.1.0": "0.1.1", "1.2.0": "0.1.2", "1.4.0": "0.1.4",
          "1.5.0": "0.1.5"}
MISSING_EXTRAS = {"0.1.5"}

LITELLM_INIT = '''__version__ = "{version}"


def completion_cost(prompt_tokens: int, completion_tokens: int) -> float:
    return (prompt_tokens + completion_tokens) * 1e-6
'''

# The consumer's own contract suite (a plain script: the isolated environment holds
# only the upstream, as a real consumer's would unless it lists more).
CONTRACT_SCRIPT = '''\
import os
import sys

import litellm

failed = []
if litellm.__version__ != os.environ["NEMOCTL_UPGRADE_VERSION"]:
    failed.append("contract_version_matches")
if not callable(getattr(litellm, "completion_cost", None)):
    failed.append("contract_completion_cost_exists")
for name in failed:
    print(f"FAILED {name}")
sys.exit(1 if failed else 0)
'''

SACRED = """\
[[field]]
model = "LiteLLM_SpendLogs"
field = "prompt_tokens"
type = "Int"
owner = "billing"
reason = "invoices sum prompt tokens per request"
"""


def build_release(out: Path, version: str) -> None:
    init = LITELLM_INIT.format(version=version)
    if version == "1.4.0":
        init = f'__version__ = "{version}"\n'
    build_wheel(
        out, "litellm", version,
        {"litellm/__init__.py": init, "litellm/proxy/__init__.py": "",
         "litellm/proxy/schema.prisma": SCHEMAS[version]},
        extras={"proxy": [f"litellm-proxy-extras=={EXTRAS[version]}"]},
    )
    if EXTRAS[version] not in MISSING_EXTRAS:
        build_fake_proxy_extras(out, EXTRAS[version])


@pytest.fixture(scope="session")
def wheel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    for version in SCHEMAS:
        build_release(out, version)
    return out


@pytest.fixture(scope="session")
def local_index(wheel_dir: Path) -> Iterator[LocalIndex]:
    with LocalIndex(wheel_dir) as index:
        yield index


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nemoctl-cache")


@pytest.fixture
def index_env(
    local_index: LocalIndex, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """pip/uv/nemoctl see only the local index; returned for subprocesses too."""
    env = {**local_index.pip_env(), "NEMOCTL_CACHE_DIR": str(shared_cache), "NO_COLOR": "1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from nemoctl.upstream.index import clear_memo

    local_index.yanked.clear()
    clear_memo()  # index pages are memoised for a minute; a test may have yanked a file
    yield {**os.environ, **env}
    local_index.yanked.clear()
    clear_memo()


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


NEMOCTL_TABLE = """
[tool.nemoctl]
schemas-dir = "schemas"
generated-dir = "generated"

[tool.nemoctl.contracts]
command = ["python", "contracts/check.py"]
"""

STYLES = {
    "uv": """\
[project]
name = "consumer"
version = "0.1.0"
requires-python = ">=3.11"
# The gateway's upstream: moved only by `nemoctl upgrade`.
dependencies = [
    "litellm[proxy]==1.0.0",  # exact
    "litellm-proxy-extras==0.1.0",
]

[tool.uv]
package = false
""",
    "poetry": """\
[tool.poetry]
name = "consumer"
version = "0.1.0"
description = ""
authors = ["Test <test@example.invalid>"]

[tool.poetry.dependencies]
python = "^3.11"
litellm = {version = "1.0.0", extras = ["proxy"]}   # exact
litellm-proxy-extras = "==0.1.0"
""",
    "requirements": """\
[project]
name = "consumer"
version = "0.1.0"
requires-python = ">=3.11"
""",
}


@dataclass
class Consumer:
    root: Path
    style: str
    env: dict[str, str]

    def hashes(self) -> dict[str, str]:
        """Every file outside .git and .nemoctl, by sha256: byte-identity checks."""
        result = {}
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if path.is_file() and rel.parts[0] not in (".git", ".nemoctl"):
                result[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return result

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()

    def status(self) -> str:
        return git(self.root, "status", "--porcelain", "--untracked-files=all")

    def cli(self, *args: str, extra_env: dict[str, str] | None = None,
            wait: bool = True) -> subprocess.CompletedProcess[str] | subprocess.Popen[str]:
        cmd = [str(Path(sys.executable).parent / "nemoctl"), "upgrade", *args]
        env = {**self.env, **(extra_env or {})}
        if not wait:
            return subprocess.Popen(cmd, cwd=self.root, env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return subprocess.run(cmd, cwd=self.root, env=env, text=True, capture_output=True)


def make_consumer(root: Path, style: str, env: dict[str, str]) -> Consumer:
    from nemoctl.codegen import render_outputs

    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(STYLES[style] + NEMOCTL_TABLE)
    if style == "requirements":
        (root / "requirements.txt").write_text(
            "# pinned by hand\nlitellm[proxy]==1.0.0\nlitellm-proxy-extras==0.1.0\n"
        )
    (root / "contracts").mkdir()
    (root / "contracts" / "check.py").write_text(CONTRACT_SCRIPT)
    (root / "schemas").mkdir()
    (root / "schemas" / "sacred_fields.toml").write_text(SACRED)
    for rel, data in render_outputs(
        SCHEMAS["1.0.0"], upstream_version="1.0.0", wheel_sha256=None
    ).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if style == "uv":
        from uv import find_uv_bin

        subprocess.run([str(find_uv_bin()), "lock", "--quiet"], cwd=root, env=env, check=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "consumer at litellm 1.0.0")
    return Consumer(root, style, env)


@pytest.fixture(scope="session")
def consumer_template(
    tmp_path_factory: pytest.TempPathFactory, local_index: LocalIndex, shared_cache: Path
) -> Path:
    """The uv consumer, made once per session (render, ``uv lock``, git) for ``consumer``
    to copy: the same files, lock (the session's index URL) and history every time."""
    settings = {**local_index.pip_env(), "NEMOCTL_CACHE_DIR": str(shared_cache), "NO_COLOR": "1"}
    with pytest.MonkeyPatch.context() as mp:  # as ``index_env`` does for one test
        for key, value in settings.items():
            mp.setenv(key, value)
        root = tmp_path_factory.mktemp("consumer-template") / "repo"
        return make_consumer(root, "uv", {**os.environ, **settings}).root


@pytest.fixture
def consumer(tmp_path: Path, index_env: dict[str, str], consumer_template: Path) -> Consumer:
    root = tmp_path / "repo"
    shutil.copytree(consumer_template, root, symlinks=True)
    return Consumer(root, "uv", index_env)
