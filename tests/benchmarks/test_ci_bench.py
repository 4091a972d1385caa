"""Wall time of ``nemoctl ci`` and ``nemoctl check`` with warm caches (CLI, subprocess).

Hermetic: the consumer project and PR of ``tests/ci`` (fake LiteLLM wheels carrying the
real 1.102.4 / 1.106.0 schemas on a local index, a real contract command in an isolated
environment).  The first run warms the wheel cache and the contract environment; the
figures are the median of the warm runs.  Also times ``nemoctl check`` on this
repository itself when its schemas are generated.

    uv run pytest tests/benchmarks/test_ci_bench.py -m benchmark -s
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ci.conftest import CONTRACT, EXTRAS, ci_cache, project, upstream  # noqa: F401
from tests.ci.gitrepo import DEPENDABOT, ProjectRepo, dependabot_message, pyproject

pytestmark = pytest.mark.benchmark

NEMOCTL = str(Path(sys.executable).parent / "nemoctl")
REPO = Path(__file__).resolve().parents[2]
WARM_RUNS = 3


def _time(args: list[str], cwd: Path, expect: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    started = time.perf_counter()
    proc = subprocess.run([NEMOCTL, *args], cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    assert proc.returncode == expect, proc.stdout + proc.stderr
    return elapsed


def _bench(label: str, args: list[str], cwd: Path, expect: int) -> float:
    first = _time(args, cwd, expect)
    warm = [_time(args, cwd, expect) for _ in range(WARM_RUNS)]
    median = statistics.median(warm)
    print(f"\n{label}: first {first:.2f} s; warm median {median:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in warm)})")
    return median


def test_bench_ci_and_check_warm(project: ProjectRepo) -> None:  # noqa: F811
    project.branch("dependabot/uv/litellm")
    project.commit(
        {"pyproject.toml": pyproject("1.106.0", EXTRAS["1.106.0"], extra_toml=CONTRACT)},
        dependabot_message(
            [("litellm", "1.102.4", "1.106.0", "version-update:semver-minor"),
             ("litellm-proxy-extras", "0.4.97", "0.4.105", "version-update:semver-patch")],
            group="litellm",
        ),
        author=DEPENDABOT,
    )
    # Without --write the PR's generated files are stale: exit 1, the full pipeline runs.
    ci = _bench("nemoctl ci (verify 1.102.4 -> 1.106.0, contracts on)",
                ["ci", "--base", "main", "--report-file", "report.md"], project.root, 1)
    project.checkout("main")
    check = _bench("nemoctl check (consumer project)", ["check"], project.root, 0)
    assert ci < 60 and check < 20


def test_bench_check_on_this_repository() -> None:
    _bench("nemoctl check (this repository, offline)", ["check", "--offline"], REPO, 0)
