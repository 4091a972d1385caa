"""`generate` / `nemoctl generate` on real project trees in tmp directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl.codegen import generate, read_lock
from nemoctl.config import load_config
from nemoctl.errors import ConfigError
from nemoctl.paths import cache_dir
from nemoctl.upstream import index as index_module
from tests.codegen.conftest import REPO, schema_text
from tests.support.pkgindex import LocalIndex, build_fake_litellm, sha256_file

PYPROJECT = """\
[project]
name = "app"
version = "0"
dependencies = ["litellm[proxy]=={version}"]

[tool.nemoctl]
"""


def _make_project(root: Path, version: str = "1.102.4", *, with_outputs: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(version=version))
    if with_outputs:
        ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache")
        shutil.copytree(REPO / "generated", root / "generated", ignore=ignore)
        (root / "schemas").mkdir()
        for name in ("schema.prisma", "schema.json", "lock.json"):
            shutil.copyfile(REPO / "schemas" / name, root / "schemas" / name)
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for d in ("generated", "schemas")
        for p in sorted((root / d).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return _make_project(tmp_path / "app")


def test_committed_repo_is_a_noop() -> None:
    result = generate(load_config(REPO), check=True)
    assert result.noop and not result.stale and result.schema_source == "none"
    assert result.version == "1.102.4"


def test_hand_edit_is_reported_with_a_diff_then_restored(project: Path) -> None:
    models = project / "generated/python/nemoctl_models/models.py"
    pristine = _tree(project)
    models.write_text(models.read_text() + "HACKED = 1\n")
    stray = project / "generated/typescript/old.d.ts"
    stray.write_text("export type Old = 1;\n")
    edited = _tree(project)

    result = generate(load_config(project), check=True)
    assert not result.noop and result.schema_source == "snapshot"  # no fetch needed
    assert {(c.path, c.kind) for c in result.changes} == {
        ("generated/python/nemoctl_models/models.py", "modified"),
        ("generated/typescript/old.d.ts", "deleted"),
    }
    assert "--- a/generated/python/nemoctl_models/models.py" in result.diff
    assert "-HACKED = 1\n" in result.diff
    assert "+++ /dev/null" in result.diff
    assert _tree(project) == edited  # --check changes nothing

    written = generate(load_config(project))
    assert written.written
    assert _tree(project) == pristine
    again = generate(load_config(project), check=True)
    assert again.noop and not again.stale


def test_missing_outputs_are_regenerated_byte_identically(project: Path) -> None:
    pristine = _tree(project)
    shutil.rmtree(project / "generated")
    result = generate(load_config(project))
    assert {c.kind for c in result.changes} == {"added"}
    assert _tree(project) == pristine


def test_edited_lock_is_not_trusted(project: Path) -> None:
    lock = project / "schemas/lock.json"
    lock.write_text(lock.read_text().replace('"upstream": "litellm"', '"upstream":  "litellm"'))
    result = generate(load_config(project), check=True)
    assert not result.noop
    assert [c.path for c in result.changes] == ["schemas/lock.json"]


def test_no_pin_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "nopin"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    with pytest.raises(ConfigError, match="no exact pin of litellm"):
        generate(load_config(root))


@pytest.fixture()
def index_with_new_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalIndex]:
    wheels = tmp_path / "wheels"
    build_fake_litellm(wheels, "1.109.1", schema_text("1.109.1"))
    # A cold wheel cache, but the already-installed node tools (no npm run in tests).
    node_dir = cache_dir() / "node"
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "node").symlink_to(node_dir, target_is_directory=True)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
    index_module.clear_memo()
    with LocalIndex(wheels) as idx:
        for key, value in idx.pip_env().items():
            monkeypatch.setenv(key, value)
        yield idx
    index_module.clear_memo()


def test_new_pin_fetches_the_schema_once_then_noop_offline(
    tmp_path: Path, index_with_new_release: LocalIndex
) -> None:
    root = _make_project(tmp_path / "bumped", "1.109.1")
    result = generate(load_config(root))
    assert result.schema_source == "upstream"
    lock = read_lock(root / "schemas/lock.json")
    assert lock is not None and lock.version == "1.109.1"
    wheel = next((tmp_path / "wheels").glob("litellm-1.109.1-*.whl"))
    assert lock.wheel_sha256 == sha256_file(wheel)
    assert (root / "schemas/schema.prisma").read_text() == schema_text("1.109.1")
    assert "LiteLLM_AccountingEvent" in (root / "generated/typescript/index.d.ts").read_text()

    requests_before = len(index_with_new_release.requests)
    again = generate(load_config(root), check=True)
    assert again.noop
    assert len(index_with_new_release.requests) == requests_before  # no network on a no-op


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "nemoctl"), "generate", *args],
        cwd=root, capture_output=True, text=True, env=env, check=False,
    )


def test_cli_check_exit_codes_and_diff(project: Path) -> None:
    ok = _cli(project, "--check")
    assert ok.returncode == 0, ok.stderr
    assert "up to date: 1.102.4" in ok.stdout

    ts = project / "generated/typescript/index.d.ts"
    ts.write_text(ts.read_text().replace("  budget_id: string\n", "  budget_id: number\n", 1))
    stale = _cli(project, "--check")
    assert stale.returncode == 1, stale.stderr
    assert "+++ b/generated/typescript/index.d.ts" in stale.stdout
    assert "-  budget_id: number\n" in stale.stdout
    assert "+  budget_id: string\n" in stale.stdout

    fixed = _cli(project)
    assert fixed.returncode == 0
    assert _cli(project, "--check").returncode == 0


def test_cli_bad_input_exit_code(tmp_path: Path) -> None:
    root = tmp_path / "nopin"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    proc = _cli(root)
    assert proc.returncode == 2
    assert "no exact pin of litellm" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_diff_applies_with_git_apply(project: Path) -> None:
    pristine = _tree(project)
    models = project / "generated/python/nemoctl_models/models.py"
    models.write_text(models.read_text().replace("    spend: float\n", "    spend: int\n", 1))
    (project / "generated/typescript/index.d.ts").unlink()
    (project / "generated/typescript/stale.d.ts").write_text("export type Stale = 1;\n")
    result = generate(load_config(project), check=True)
    patch = project.parent / "regen.patch"
    patch.write_text(result.diff)
    proc = subprocess.run(["git", "apply", str(patch)], cwd=project, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert _tree(project) == pristine


@pytest.mark.slow
def test_built_wheel_ships_the_generated_models(tmp_path: Path) -> None:
    import zipfile

    proc = subprocess.run(["uv", "build", "--wheel", "-o", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("nemoctl-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ("__init__.py", "_types.py", "models.py", "py.typed"):
        assert f"nemoctl_models/{rel}" in names
        data = zipfile.ZipFile(wheel).read(f"nemoctl_models/{rel}")
        assert data == (REPO / "generated/python/nemoctl_models" / rel).read_bytes()
    assert "nemoctl/_node/gen_typescript.js" in names


def test_lock_naming_foreign_paths_is_not_trusted(project: Path) -> None:
    import json as _json

    lock_path = project / "schemas/lock.json"
    lock = _json.loads(lock_path.read_text())
    lock["outputs"]["../../outside.txt"] = "0" * 64
    lock_path.write_text(_json.dumps(lock, indent=2) + "\n")
    result = generate(load_config(project), check=True)
    assert not result.noop
    assert [c.path for c in result.changes] == ["schemas/lock.json"]


def test_cli_write_refuses_while_an_upgrade_holds_the_repo_lock(project: Path) -> None:
    from nemoctl.repolock import repo_lock

    lock = repo_lock(project)
    try:
        busy = _cli(project)
        assert busy.returncode == 6, busy.stderr
        assert "another nemoctl upgrade" in busy.stderr
        assert _cli(project, "--check").returncode == 0  # reading needs no lock
    finally:
        lock.release()
    assert _cli(project).returncode == 0
