"""``nemoctl check`` with and without the provenance and integrity checks, cold and warm.

    uv run pytest tests/benchmarks/test_provenance_bench.py -m benchmark -s

Whole processes on this checkout (a real uv project: ``uv.lock`` with LiteLLM, a
``.venv`` holding the real LiteLLM 1.102.4 — ~3,600 files — and GitHub workflows),
``RUNS`` runs per row after a warm-up, interleaved row by row so every row sees the
same machine load.  Figures are the median CPU time (user + system of the child) and
wall time.  Bytecode caching is on in the children (``PYTHONDONTWRITEBYTECODE``
removed, as in an installed tool; this machine's shells set it).  "cold" removes
nemoctl's provenance cache (file hashes, lock and script memos) before each run; every
other cache stays warm, so the row isolates what the integrity check costs cold.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.benchmarks.processes import bench_env

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).parents[2]
RUNS = 7
CLI = "from nemoctl.cli import main; main()"
CHECK = ["-c", CLI, "check"]

#: (label, extra argv, drop the provenance cache first)
ROWS: list[tuple[str, list[str], bool]] = [
    ("check without provenance/integrity (baseline)",
     ["--skip", "provenance", "--skip", "integrity"], False),
    ("check with provenance, no integrity", ["--skip", "integrity"], False),
    ("check with both, warm", [], False),
    ("check with both, cold provenance cache", [], True),
]
#: What the two checks may add to a warm ``check`` (CPU).  Issue 25's budget is 0.4 s
#: for the whole warm ``check``; the baseline alone moves with the machine's load
#: (0.23-0.34 s here), so the test holds the part these checks own.
WARM_ADDED_CPU_BUDGET_S = 0.15


def _cache_root(env: dict[str, str]) -> Path:
    explicit = env.get("NEMOCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nemoctl"


def _once(extra: list[str], env: dict[str, str], cold: bool) -> tuple[float, float]:
    if cold:
        shutil.rmtree(_cache_root(env) / "provenance", ignore_errors=True)
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-P", *CHECK, *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    wall = time.perf_counter() - started
    after = os.times()
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system)
    return cpu, wall


def test_check_provenance_rows() -> None:
    env = bench_env()
    env["VIRTUAL_ENV"] = str(ROOT / ".venv")  # what `uv run` sets: inside the project
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in ROWS}
    for _label, extra, cold in ROWS:
        _once(extra, env, cold)  # warm-up: bytecode, renders, the hash cache
    for _ in range(RUNS):
        for label, extra, cold in ROWS:
            samples[label].append(_once(extra, env, cold))
    print(f"\nnemoctl check on {ROOT}: median of {RUNS} (CPU = child user+system)")
    print(f"  {'row':<46}{'CPU':>9}{'wall':>9}")
    medians = {}
    for label, _, _ in ROWS:
        cpu = statistics.median(s[0] for s in samples[label])
        wall = statistics.median(s[1] for s in samples[label])
        medians[label] = cpu
        print(f"  {label:<46}{cpu:>8.3f}s{wall:>8.3f}s")
    added = medians["check with both, warm"] - medians[ROWS[0][0]]
    print(f"  added by provenance + integrity, warm: {added:.3f}s CPU")
    assert added <= WARM_ADDED_CPU_BUDGET_S, medians
