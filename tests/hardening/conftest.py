"""Shared set-up for the hardening tests: a real local index with small LiteLLM-shaped
wheels, an isolated cache (node tools linked in), a consumer project in a tmp dir,
and an in-process CLI runner that goes through the same boundary as ``nemoctl``
(``run_command``: redacting streams, error mapping), without a process start per call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from nemoctl import _node
from nemoctl.upstream import index as index_module
from tests.support.pkgindex import LocalIndex, build_fake_litellm, build_fake_proxy_extras

SCHEMA = """\
datasource client {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model LiteLLM_SpendLogs {
  request_id  String  @id
  spend       Float   @default(0.0)
  model_group String?
  @@map("spend_logs")
}
"""
SCHEMA_NEXT = SCHEMA.replace("  model_group String?\n", "")

SACRED = """\
[[field]]
model = "LiteLLM_SpendLogs"
field = "model_group"
type = "String?"
owner = "dashboards"
reason = "grouping"
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture(scope="session")
def node_dir() -> Path:
    return _node.node_modules().parent


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hardening-wheels")
    build_fake_litellm(out, "1.2.0", SCHEMA, proxy_extras_version="0.1.0")
    build_fake_litellm(out, "1.3.0", SCHEMA_NEXT, proxy_extras_version="0.1.0")
    build_fake_proxy_extras(out, "0.1.0")
    return out


@pytest.fixture(scope="session")
def index(wheels: Path) -> Iterator[LocalIndex]:
    with LocalIndex(wheels) as idx:
        yield idx


@pytest.fixture(scope="session")
def cache_template(tmp_path_factory: pytest.TempPathFactory, node_dir: Path,
                   index: LocalIndex, wheels: Path) -> Path:
    """A cache holding both test wheels and their parsed schemas, built once.

    Each test gets a copy (``cache``), so pip and node start once per session, not
    once per test, and a test may damage its copy freely.
    """
    from nemoctl.schema import parse_many
    from nemoctl.upstream import cache
    from nemoctl.upstream._pipconfig import pip_settings

    root = tmp_path_factory.mktemp("hardening-cache") / "cache"
    (root / "node").mkdir(parents=True)
    os.symlink(node_dir, root / "node" / node_dir.name)
    with pytest.MonkeyPatch.context() as m:
        m.setenv("NEMOCTL_CACHE_DIR", str(root))
        for key, value in index.pip_env().items():
            m.setenv(key, value)
        index_module.clear_memo()
        # Stored exactly as a download stores it (content-addressed blob + reference);
        # pip itself is exercised by tests/upstream, and costs ~5 s a wheel here.
        fingerprint = pip_settings().fingerprint()
        for version in ("1.2.0", "1.3.0"):
            wheel = wheels / f"litellm-{version}-py3-none-any.whl"
            sha = cache.sha256_of(wheel)
            staged = root / "staging" / wheel.name
            staged.parent.mkdir(exist_ok=True)
            shutil.copyfile(wheel, staged)
            cache.store_blob(staged, sha)
            cache.write_ref(fingerprint, "litellm", version,
                            {"filename": wheel.name, "sha256": sha, "index_sha256": sha})
        parse_many([(SCHEMA, "a.prisma"), (SCHEMA_NEXT, "b.prisma")])
    index_module.clear_memo()
    return root


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_template: Path,
          index: LocalIndex) -> Path:
    """A private copy of the warm cache, and pip pointed at the local index."""
    root = tmp_path / "cache"
    shutil.copytree(cache_template, root, symlinks=True)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(root))
    for key, value in index.pip_env().items():
        monkeypatch.setenv(key, value)
    index_module.clear_memo()
    return root


def write_project(root: Path, *, nemoctl: str = "", pin: str = "1.2.0",
                  sacred: str | None = None, snapshot: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "svc"\nversion = "0.1.0"\n'
        f'dependencies = ["litellm[proxy]=={pin}"]\n'
        + (f"\n[tool.nemoctl]\n{nemoctl}\n" if nemoctl else ""),
        encoding="utf-8",
    )
    if sacred is not None or snapshot is not None:
        (root / "schemas").mkdir(exist_ok=True)
    if sacred is not None:
        (root / "schemas" / "sacred_fields.toml").write_text(sacred, encoding="utf-8")
    if snapshot is not None:
        (root / "schemas" / "schema.prisma").write_text(snapshot, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "svc")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli(args, cwd=..., env=...)`` -> Result, through nemoctl's real CLI boundary."""
    from nemoctl.cli import app
    from nemoctl.cli._common import run_command

    def run(args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> Result:
        capsys.readouterr()
        with monkeypatch.context() as m:
            m.chdir(cwd)
            m.setattr(sys, "argv", ["nemoctl", *args])
            m.setenv("NO_COLOR", "1")
            m.setenv("COLUMNS", "200")
            for key, value in (env or {}).items():
                m.setenv(key, value)
            try:
                run_command(app)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            else:  # pragma: no cover - run_command always exits
                code = -1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def nemoctl_process(args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None,
                    timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real ``nemoctl`` in a subprocess (for signals and process-level behaviour)."""
    return subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", *args],
        cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})},
        capture_output=True, text=True, timeout=timeout, check=False,
    )


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, node_dir: Path,
                index: LocalIndex) -> Path:
    """A cache with nothing in it but the node tools."""
    root = tmp_path / "empty-cache"
    (root / "node").mkdir(parents=True)
    os.symlink(node_dir, root / "node" / node_dir.name)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(root))
    for key, value in index.pip_env().items():
        monkeypatch.setenv(key, value)
    index_module.clear_memo()
    return root


@pytest.fixture
def readonly() -> Iterator[object]:
    """``readonly(path)`` makes a directory unwritable even for root (chattr +i)."""
    made: list[Path] = []

    def apply(path: Path) -> Path:
        if os.geteuid() == 0:
            if shutil.which("chattr") is None:
                pytest.fail("running as root without chattr: cannot make a read-only directory")
            subprocess.run(["chattr", "+i", str(path)], check=True)
        else:
            path.chmod(0o555)
        made.append(path)
        return path

    yield apply
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        else:
            path.chmod(0o755)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (to prove nothing was written)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory, cache_template: Path,
               index) -> Path:  # type: ignore[no-untyped-def]
    """A cache holding the pinned version's rendered files, so each case only plans."""
    from nemoctl.adopt import run_init
    from nemoctl.upstream import index as index_module

    root = tmp_path_factory.mktemp("init-warm") / "cache"
    shutil.copytree(cache_template, root, symlinks=True)
    with pytest.MonkeyPatch.context() as m:
        m.setenv("NEMOCTL_CACHE_DIR", str(root))
        for key, value in index.pip_env().items():
            m.setenv(key, value)
        index_module.clear_memo()
        run_init(write_project(tmp_path_factory.mktemp("init-warm-project") / "svc"),
                 ci="github")
    index_module.clear_memo()
    return root


@pytest.fixture
def warm(warm_cache: Path, monkeypatch: pytest.MonkeyPatch, index) -> Path:  # type: ignore[no-untyped-def]
    from nemoctl.upstream import index as index_module

    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(warm_cache))
    for key, value in index.pip_env().items():
        monkeypatch.setenv(key, value)
    index_module.clear_memo()
    return warm_cache


@pytest.fixture
def adopted(cli, warm: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A project after a successful ``nemoctl init`` (schemas, generated models)."""
    root = write_project(tmp_path / "svc")
    result = cli(["init"], cwd=root)
    assert result.code == 0, result.text
    return root
