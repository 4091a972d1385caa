"""The consumer's own LiteLLM 1.102.4, installed for real, edited to drop a sacred field.

One environment per session (``uv pip install --link-mode=copy``: editing it must never
reach uv's cache or another environment through a hard link), ~700 MB; hence slow.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.provenance.conftest import NEMOCTL, ONLY_PROVENANCE, uv

pytestmark = pytest.mark.slow

VERSION = "1.102.4"
TYPES = "litellm/proxy/_types.py"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    root = tmp_path_factory.mktemp("real-consumer") / "gateway"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "gateway"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["litellm[proxy]=={VERSION}", "prisma"]\n')
    cache = tmp_path_factory.mktemp("real-cache")
    env = {**os.environ, "NEMOCTL_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([uv(), "venv", "--quiet", "--python", sys.executable, str(root / ".venv")],
                   env=env, check=True)
    subprocess.run([uv(), "pip", "install", "--quiet", "--link-mode=copy", "--python",
                    str(root / ".venv" / "bin" / "python"), f"litellm[proxy]=={VERSION}",
                    "prisma"], env=env, check=True, timeout=900)
    # The published wheel in nemoctl's cache: edits are located against it.
    subprocess.run([NEMOCTL, "upstream", "source", VERSION, "--open"], cwd=root, env=env,
                   check=True, capture_output=True, timeout=900)
    yield root, env
    shutil.rmtree(root / ".venv", ignore_errors=True)


def _contracts(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEMOCTL, "contracts", "run", "--format", "json"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=900)


def test_contracts_run_against_the_consumers_litellm(
        gateway: tuple[Path, dict[str, str]]) -> None:
    root, env = gateway
    proc = _contracts(root, env)
    assert "Traceback" not in proc.stderr
    run = json.loads(proc.stdout)
    python = root / ".venv" / "bin" / "python"
    assert run["interpreter"] == str(python)
    assert run["interpreter_origin"] == "the project's environment (.venv)"
    site = next((root / ".venv").glob("lib/python*/site-packages"))
    assert run["litellm_distribution"] == f"litellm {VERSION} at {site}"
    assert proc.returncode == 0, run["failed"]


def test_dropped_organization_id_is_named_and_refused(
        gateway: tuple[Path, dict[str, str]]) -> None:
    root, env = gateway
    site = next((root / ".venv").glob("lib/python*/site-packages"))
    path = site / TYPES
    original = path.read_bytes()
    tree = ast.parse(original)
    cls = next(n for n in ast.walk(tree)
               if isinstance(n, ast.ClassDef) and n.name == "SpendLogsPayload")
    field = next(n for n in cls.body if isinstance(n, ast.AnnAssign)
                 and isinstance(n.target, ast.Name) and n.target.id == "organization_id")
    lines = original.decode().splitlines(keepends=True)
    path.write_text("".join(lines[:field.lineno - 1] + lines[field.end_lineno or field.lineno:]))
    try:
        check = subprocess.run([NEMOCTL, "check", *ONLY_PROVENANCE], cwd=root, env=env,
                               capture_output=True, text=True, timeout=300)
        assert check.returncode == 1, check.stdout + check.stderr
        items = {c["name"]: c for c in json.loads(check.stdout)["checks"]}
        rel = path.relative_to(root).as_posix()
        assert any(p.startswith(f"{rel}:{field.lineno}: litellm {VERSION} has a modified "
                                f"{TYPES}") and "[INSTALL_MODIFIED]" in p
                   for p in items["integrity"]["problems"]), items["integrity"]
        contracts = _contracts(root, env)
        assert contracts.returncode == 5, contracts.stdout + contracts.stderr
        assert "refusing to run the contracts against the project's LiteLLM" in contracts.stderr
        assert TYPES in contracts.stderr and "Traceback" not in contracts.stderr
    finally:
        path.write_bytes(original)
