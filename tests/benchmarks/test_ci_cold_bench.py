"""The CI job ``nemoctl init --ci github|renovate`` writes, timed from a cold runner.

    uv run pytest tests/benchmarks/test_ci_cold_bench.py -m benchmark -s

What a fresh GitHub runner does on a bump PR, step by step: the written
``nemoctl-ci.yml``'s shell steps run in order (GitHub's bash flags) on a fresh clone of
a consumer, under an empty ``$HOME`` -- so nemoctl's cache (``NEMOCTL_CACHE_DIR``),
uv's (``UV_CACHE_DIR``), npm's (``npm_config_cache``) and pip's start empty, as on a
new runner.  Three runs, same machine, one after the other:

1. **cold**: every cache empty;
2. **warm, nemoctl's cache only**: ``~/.cache/nemoctl`` restored from the cold run
   (what the workflow cached before issue 28: the baseline);
3. **warm, as written**: exactly the paths the written workflow's ``actions/cache``
   steps list, restored from the cold run; a step whose ``if:`` skips it on a cache hit
   (``steps.<id>.outputs.cache-hit != 'true'``) is skipped when that step's paths were
   all restored, as on GitHub.

The consumer is tests/ci's (fake LiteLLM wheels carrying the real 1.102.4 / 1.106.0
schemas on a local index, a real contract command in an isolated environment; the PR
moves 1.102.4 -> 1.106.0 and ``nemoctl ci --write`` commits the regeneration).  The one
substitution: the install step's ``uv tool install nemoctl==X`` installs a wheel built
from this checkout instead (nemoctl's dependencies still come from PyPI, cold or from
uv's cache).  Bytecode writing is ON in the children (``PYTHONDONTWRITEBYTECODE``
removed), as on a runner; this machine's shells set it, which would make every Python
start compile from source.  The restore itself (a local copy here; a download on
GitHub) is reported with its size, not included in the step times.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.benchmarks.processes import bench_env
from tests.ci.conftest import EXTRAS, ci_cache, project, upstream  # noqa: F401
from tests.ci.gitrepo import ProjectRepo, pyproject
from tests.ci.test_workflows import GITHUB_BASH

pytestmark = pytest.mark.benchmark

CHECKOUT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
#: ``actions/cache`` paths -> the variable that points the tool there (under ``$HOME``).
CACHE_VARS = {
    "~/.cache/nemoctl": "NEMOCTL_CACHE_DIR",
    "~/.cache/uv": "UV_CACHE_DIR",
    "~/.npm": "npm_config_cache",
    "~/.cache/pip": "PIP_CACHE_DIR",
}
CONTRACT = (
    '\n[tool.nemoctl.contracts]\ncommand = ["python", "-c", "import litellm, os, sys; '
    "sys.exit(0 if litellm.__version__ == os.environ['NEMOCTL_UPGRADE_VERSION'] else 1)\"]\n"
)


def _workflow(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((root / ".github/workflows/nemoctl-ci.yml").read_text())
    return data


def cache_steps(workflow: dict[str, Any]) -> dict[str, list[str]]:
    """The workflow's ``actions/cache`` steps: step id (or name) -> its ``path:`` lines."""
    (job,) = workflow["jobs"].values()
    found: dict[str, list[str]] = {}
    for step in job["steps"]:
        if str(step.get("uses", "")).startswith("actions/cache"):
            paths = [p.strip() for p in str(step["with"]["path"]).splitlines() if p.strip()]
            found[str(step.get("id") or step.get("name"))] = paths
    return found


def _size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return total / 1e6


def _job_env(home: Path, runner: Path, index_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in bench_env().items()
           if not k.startswith(("GITHUB_", "PIP_", "UV_", "NEMOCTL_", "XDG_", "VIRTUAL_ENV",
                                "npm_config_"))}
    path = [p for p in env.get("PATH", "").split(os.pathsep)
            if p and Path(p).resolve() != VENV_BIN.resolve() and ".pyenv" not in p]
    env.update({
        "HOME": str(home),
        "PATH": os.pathsep.join([str(runner / "bin"), str(home / ".local" / "bin"), *path]),
        "UV_TOOL_DIR": str(home / ".local" / "share" / "uv" / "tools"),
        "UV_TOOL_BIN_DIR": str(home / ".local" / "bin"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    })
    for rel, var in CACHE_VARS.items():
        env[var] = str(home / rel.removeprefix("~/"))
    env["_INDEX"] = "\0".join(f"{k}={v}" for k, v in index_env.items())
    return env


def run_job(work: Path, origin: Path, base: str, head: str, index_env: dict[str, str],
            wheel: Path, saved: Path | None, restore: list[str]) -> dict[str, float]:
    """One job on a fresh runner: each shell step's wall time (and the restore's).

    ``$HOME``, the runner's Python and the checkout live at the same paths in every run
    (``/home/runner``, the tool cache's interpreter, the workspace on GitHub): they are
    emptied and made again, and ``restore`` (paths under ``~``) copied from ``saved``.
    """
    home, runner, repo = work / "home", work / "runner", work / "repo"
    for path in (home, runner, repo):
        shutil.rmtree(path, ignore_errors=True)
    home.mkdir(parents=True)
    # actions/setup-python: a clean interpreter with pip; actions/checkout: a fresh clone.
    subprocess.run([sys._base_executable, "-m", "venv", str(runner)], check=True)  # type: ignore[attr-defined]
    subprocess.run(["git", "clone", "-q", str(origin), str(repo)], check=True)
    subprocess.run(["git", "checkout", "-q", head], cwd=repo, check=True)
    times: dict[str, float] = {}
    restored: set[str] = set()
    if saved is not None:
        started = time.perf_counter()
        size = 0.0
        for rel in restore:
            src = saved / rel.removeprefix("~/")
            if src.exists():
                shutil.copytree(src, home / rel.removeprefix("~/"), symlinks=True)
                size += _size_mb(src)
                restored.add(rel)
        times[f"(restore {size:.0f} MB, local copy)"] = time.perf_counter() - started
    env = _job_env(home, runner, index_env)
    index = dict(kv.split("=", 1) for kv in env.pop("_INDEX").split("\0") if kv)
    env.update({"GITHUB_OUTPUT": str(work / "github_output"), "BASE_SHA": base,
                "GITHUB_STEP_SUMMARY": str(work / "summary.md"), "PR_NUMBER": "3",
                "HEAD_REF": "renovate/litellm-1.x", "HEAD_SHA": head})
    (work / "github_output").unlink(missing_ok=True)
    workflow = _workflow(repo)
    hits = {sid for sid, paths in cache_steps(workflow).items() if set(paths) <= restored}
    (job,) = workflow["jobs"].values()
    for step in job["steps"]:
        if "run" not in step:
            continue
        condition = str(step.get("if", ""))
        if condition.endswith(".outputs.cache-hit != 'true'"):
            sid = condition.removeprefix("steps.").split(".", 1)[0]
            if sid in hits:
                times[str(step.get("name"))] = 0.0
                continue
        script, step_env = str(step["run"]), dict(env)
        if step.get("name") == "Install nemoctl":
            lines = script.splitlines()
            assert any("uv tool install nemoctl==" in line for line in lines)
            script = "\n".join(f"uv tool install {wheel}" if "uv tool install nemoctl==" in line
                               else line for line in lines)
        else:
            step_env.update(index)  # the consumer's packages: the local index
        started = time.perf_counter()
        proc = subprocess.run([*GITHUB_BASH, script], cwd=repo, env=step_env,
                              capture_output=True, text=True, timeout=1800)
        times[str(step.get("name"))] = time.perf_counter() - started
        assert proc.returncode == 0, (step.get("name"), proc.stdout[-3000:], proc.stderr[-3000:])
    assert "exit-code=0" in (work / "github_output").read_text()
    assert (repo / "out" / "regenerated.patch").is_file()
    return times


@pytest.fixture(scope="module")
def nemoctl_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([str(VENV_BIN / "uv"), "build", "--wheel", "--quiet", "--out-dir", str(out),
                    str(CHECKOUT)], check=True, capture_output=True)
    (wheel,) = out.glob("nemoctl-*.whl")
    return wheel


@pytest.mark.parametrize("ci", ["renovate", "github"])
def test_bench_ci_job_cold_and_warm(
    ci: str, project: ProjectRepo, tmp_path: Path, nemoctl_wheel: Path,  # noqa: F811
) -> None:
    index_env = {k: v for k, v in os.environ.items()
                 if k.startswith(("PIP_", "UV_INDEX", "UV_DEFAULT_INDEX", "UV_NO_CONFIG"))}
    proc = subprocess.run([str(VENV_BIN / "nemoctl"), "init", "--ci", ci], cwd=project.root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    project.commit({}, "Adopt nemoctl's CI")
    base = project.repo.head.commit.hexsha
    project.branch("renovate/litellm-1.x")
    head = project.commit(
        {"pyproject.toml": pyproject("1.106.0", EXTRAS["1.106.0"], extra_toml=CONTRACT)},
        "Update litellm",
    )
    written = [p for paths in cache_steps(_workflow(project.root)).values() for p in paths]
    assert "~/.cache/nemoctl" in written

    work = tmp_path / "runner"
    runs = {"cold": run_job(work, project.root, base, head, index_env, nemoctl_wheel,
                            None, [])}
    saved = tmp_path / "saved"  # what actions/cache stores at the end of the cold job
    for rel in written:
        src = work / "home" / rel.removeprefix("~/")
        assert src.is_dir(), f"{rel} was not filled by the job"
        shutil.copytree(src, saved / rel.removeprefix("~/"), symlinks=True)
    runs["warm: ~/.cache/nemoctl only (before)"] = run_job(
        work, project.root, base, head, index_env, nemoctl_wheel, saved, ["~/.cache/nemoctl"])
    runs["warm: as written"] = run_job(
        work, project.root, base, head, index_env, nemoctl_wheel, saved, written)
    print(f"\nwritten cache paths: {', '.join(written)}")

    steps = [s for s in runs["cold"] if not s.startswith("(")]
    print(f"\nnemoctl init --ci {ci}: the written nemoctl-ci.yml's shell steps, seconds")
    for label, times in runs.items():
        total = sum(v for k, v in times.items() if not k.startswith("("))
        cells = "; ".join(f"{s} {times[s]:.1f}" for s in steps)
        extra = "; ".join(f"{k} {v:.1f}" for k, v in times.items() if k.startswith("("))
        print(f"  {label}: {cells}; total {total:.1f}" + (f" {extra}" if extra else ""))
    total = {k: sum(v for s, v in t.items() if not s.startswith("(")) for k, t in runs.items()}
    cold, *warm = total.values()
    assert all(w < cold for w in warm), total
