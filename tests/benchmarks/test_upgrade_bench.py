"""Wall time of a real upgrade (LiteLLM 1.102.4 → 1.106.0) with warm caches, per step.

    uv run pytest tests/benchmarks/test_upgrade_bench.py -m benchmark -s

A first run warms every cache (wheels, uv's cache, the isolated contract
environment, parsed schemas); the tmp repository is then reset and upgraded again,
and those warm runs are what is printed.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.upgrade.real_repo import TO_VERSION, build_real_consumer, git

pytestmark = pytest.mark.benchmark

WARM_RUNS = 2


def upgrade_once(repo: Path) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "nemoctl"), "upgrade", "litellm", TO_VERSION,
         "--commit", "--json"],
        cwd=repo, capture_output=True, text=True, timeout=1800,
    )
    wall = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr + proc.stdout[-2000:]
    report = json.loads(proc.stdout)
    return wall, {s["name"]: s["duration_s"] for s in report["steps"]}


def test_warm_upgrade_per_step(tmp_path: Path) -> None:
    repo = build_real_consumer(tmp_path / "gateway")
    base = git(repo, "rev-parse", "HEAD").strip()
    cold_wall, cold_steps = upgrade_once(repo)
    runs = []
    for _ in range(WARM_RUNS):
        git(repo, "reset", "-q", "--hard", base)
        runs.append(upgrade_once(repo))
    print(f"\nnemoctl upgrade litellm 1.102.4 → {TO_VERSION} (uv project, --commit)")
    print(f"  first run (warming caches): {cold_wall:.2f} s wall")
    print(f"  warm runs: {', '.join(f'{w:.2f} s' for w, _ in runs)} wall "
          f"(median {statistics.median(w for w, _ in runs):.2f} s)")
    print(f"  {'step':<14}{'first':>8}{'warm (median)':>16}")
    for name in cold_steps:
        warm = statistics.median(steps[name] for _, steps in runs)
        print(f"  {name:<14}{cold_steps[name]:>7.2f}s{warm:>15.2f}s")
    warm_total = statistics.median(sum(steps.values()) for _, steps in runs)
    print(f"  {'sum of steps':<14}{sum(cold_steps.values()):>7.2f}s{warm_total:>15.2f}s")
    assert all(w < cold_wall * 1.5 for w, _ in runs)
