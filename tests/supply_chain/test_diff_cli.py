"""`nemoctl diff` given versions: every supply-chain refusal, end to end, repo untouched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nemoctl.paths import cache_dir
from tests.supply_chain.conftest import NEW, OLD, make_project
from tests.support.pkgindex import build_fake_litellm

FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"
NEMOCTL = Path(sys.executable).parent / "nemoctl"
_REAL_CACHE = cache_dir()  # read before the autouse fixture points the cache elsewhere

Serve = Callable[..., Any]


@pytest.fixture()
def wheel_dir(tmp_path: Path) -> Path:
    # Real LiteLLM schemas inside small fake wheels: the diff has something real to parse.
    out = tmp_path / "wheels"
    build_fake_litellm(out, "1.2.0", (FIXTURES / "1.100.0" / "schema.prisma").read_text())
    build_fake_litellm(out, "1.3.0", (FIXTURES / "1.102.4" / "schema.prisma").read_text())
    return out


@pytest.fixture()
def project(tmp_path: Path, cold_cache: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "osv.json").write_text(json.dumps([{
        "id": "GHSA-diff-0001", "summary": "spend log injection",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "litellm"},
                      "versions": ["1.3.0"]}]}]))
    make_project(root, extra='advisories = "osv.json"')
    # Keep wheels cold but reuse the installed node tools (the Prisma parser).
    node = _REAL_CACHE / "node"
    if node.is_dir():
        cold_cache.mkdir(parents=True, exist_ok=True)
        (cold_cache / "node").symlink_to(node)
    return root


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _diff(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    before = _tree(project)
    proc = subprocess.run([str(NEMOCTL), "diff", "--no-sacred", "--no-acks", *args],
                          cwd=project, env=dict(os.environ), capture_output=True, text=True,
                          timeout=300, check=False)
    assert _tree(project) == before, "diff must never modify the project"
    assert "Traceback" not in proc.stderr
    # rich wraps stderr at the terminal width; compare text, not line breaks.
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout,
                                       " ".join(proc.stderr.split()))


def test_clean_versions_diff(serve: Serve, project: Path) -> None:
    with serve():
        proc = _diff(project, "--from", "1.2.0", "--to", "1.2.0", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["changes"] == []


def test_yanked_target_is_refused_unless_allowed(serve: Serve, project: Path) -> None:
    osv = project / "osv.json"
    osv.write_text("[]")
    with serve(yanked={NEW: "drops spend rows"}):
        refused = _diff(project, "--from", "1.2.0", "--to", "1.3.0")
        allowed = _diff(project, "--from", "1.2.0", "--to", "1.3.0", "--allow-yanked")
    assert refused.returncode == 3
    assert "was yanked from the index (reason: drops spend rows)" in refused.stderr
    assert "--allow-yanked" in refused.stderr
    # Past the gate: the diff itself decides (1.100 -> 1.102.4 has unacknowledged ERRs: 4).
    assert allowed.returncode in (0, 1, 4), allowed.stderr
    assert "LiteLLM_" in allowed.stdout
    assert "warning: litellm 1.3.0 was yanked" in allowed.stderr


def test_young_release_is_refused_with_eligibility(serve: Serve, project: Path) -> None:
    uploaded = datetime.now(UTC) - timedelta(hours=5)
    with serve(upload_times={OLD: uploaded}):
        proc = _diff(project, "--from", "1.2.0", "--to", "1.2.0")
    assert proc.returncode == 3
    assert f"uploaded {uploaded:%Y-%m-%d %H:%M} UTC" in proc.stderr
    assert f"eligible {uploaded + timedelta(days=3):%Y-%m-%d %H:%M} UTC" in proc.stderr


def test_withdrawn_version_is_refused_as_withdrawn(serve: Serve, project: Path) -> None:
    with serve() as idx:
        proc = _diff(project, "--from", "1.2.0", "--to", "1.2.9")
    assert proc.returncode == 3
    assert "withdrawn (deleted) from the index or never published" in proc.stderr
    assert idx.url.rstrip("/") in proc.stderr


def test_wrong_hash_is_refused(serve: Serve, project: Path) -> None:
    with serve(wrong_hash={OLD}):
        proc = _diff(project, "--from", "1.2.0", "--to", "1.2.0")
    assert proc.returncode == 3
    assert "- integrity: litellm 1.2.0's wheel hashes to" in proc.stderr


def test_advisory_is_refused(serve: Serve, project: Path) -> None:
    with serve():
        proc = _diff(project, "--from", "1.2.0", "--to", "1.3.0")
    assert proc.returncode == 3
    assert "GHSA-diff-0001: spend log injection" in proc.stderr


def test_prisma_files_skip_the_gate_and_bad_versions_are_bad_input(
    serve: Serve, project: Path
) -> None:
    old = str(FIXTURES / "1.100.0" / "schema.prisma")
    with serve() as idx:
        files = _diff(project, "--from", old, "--to", old)
        bad = _diff(project, "--from", old, "--to", "1..3")
    assert files.returncode == 0, files.stderr
    assert bad.returncode == 2
    assert "not a valid version" in bad.stderr
    assert idx.requests == []
