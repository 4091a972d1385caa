"""Whole-process wall time of a warm ``nemoctl upgrade litellm 1.102.4 → 1.106.0``, per step.

    uv run pytest tests/benchmarks/test_upgrade_bench.py -m benchmark -s

Builds a consumer the way a user would, outside this checkout: a uv project pinning
``litellm[proxy]==1.102.4`` with a small ``backend/spend.py``, ``uv lock``, ``git init``,
``nemoctl init``, the one ERR change of this upgrade acknowledged, committed.  Uses
the machine's pip configuration and the live index (hence ``-m benchmark`` only).

One upgrade per variant warms every cache (wheels, uv's cache, the isolated contract
environment, parsed schemas, rendered outputs); then each variant runs ``RUNS`` times,
the repository reset in between (``git reset --hard && git clean -fd``), and the
median whole-process wall time is printed with every step's median, the background
contract timeline (seconds from the run's start), and ``python -c pass`` /
``python -c "import typer"`` measured in the same run.  Bytecode caching is on in the
children (``PYTHONDONTWRITEBYTECODE`` removed), as in any installed tool.

``NEMOCTL_BENCH_BEFORE=/path/to/an/other/checkout`` adds a "before" column: that
checkout's nemoctl (first on ``PYTHONPATH``), measured interleaved with this one run
by run, so both see the same machine load.  ``NEMOCTL_BENCH_UPGRADE_RUNS`` changes
``RUNS`` (at least 3).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.processes import bench_env
from tests.upgrade.real_repo import ACKNOWLEDGED, FROM_VERSION, TO_VERSION, git

pytestmark = pytest.mark.benchmark

RUNS = max(3, int(os.environ.get("NEMOCTL_BENCH_UPGRADE_RUNS", "3")))
TARGET_S = 18.0
CLI = "from nemoctl.cli import main; main()"

PYPROJECT = f"""\
[project]
name = "consumer-up"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["litellm[proxy]=={FROM_VERSION}"]

[tool.uv]
package = false
"""

SPEND = '''\
"""Reads the spend-log fields the product depends on."""
from nemoctl_models import LiteLLM_SpendLogs


def total_spend(rows: list[LiteLLM_SpendLogs]) -> float:
    return sum(r.spend for r in rows)
'''


def _nemoctl(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # -P: the working directory must not shadow NEMOCTL_BENCH_BEFORE's nemoctl.
    return subprocess.run([sys.executable, "-P", "-c", CLI, *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=1800, check=False)


def build_consumer(root: Path) -> Path:
    from uv import find_uv_bin

    (root / "backend").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "backend" / "spend.py").write_text(SPEND)
    subprocess.run([str(find_uv_bin()), "lock", "--quiet"], cwd=root, check=True)
    git(root, "init", "-q", "-b", "main")
    init = _nemoctl(root, bench_env(), "init")
    assert init.returncode == 0, init.stderr + init.stdout
    acks = root / "schemas" / "acknowledged.toml"
    acks.write_text(acks.read_text().replace("ack = []\n", "") + "\n" + ACKNOWLEDGED)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"consumer at litellm {FROM_VERSION}")
    return root


def upgrade_once(repo: Path, env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    git(repo, "reset", "-q", "--hard")
    git(repo, "clean", "-qfd")
    started = time.perf_counter()
    proc = _nemoctl(repo, env, "upgrade", "litellm", TO_VERSION, "--json")
    wall = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr[-2000:] + proc.stdout[-2000:]
    return wall, json.loads(proc.stdout)


def _interpreter(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=bench_env(), check=True, capture_output=True)
    return time.perf_counter() - started


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _summary(runs: list[tuple[float, dict[str, Any]]]) -> dict[str, Any]:
    steps: dict[str, list[dict[str, Any]]] = {}
    for _, report in runs:
        for step in report["steps"]:
            steps.setdefault(step["name"], []).append(step)
    timeline: dict[str, list[float | None]] = {}
    for _, report in runs:
        for key, value in ((report.get("contracts") or {}).get("background") or {}).items():
            if isinstance(value, (int, float)) or value is None:
                timeline.setdefault(key, []).append(value)
    return {
        "wall": statistics.median(w for w, _ in runs),
        "walls": [w for w, _ in runs],
        "steps": {name: {"duration": _median([s["duration_s"] for s in items]),
                         "started": _median([s.get("started_s") for s in items]),
                         "waited": _median([s.get("waited_s") for s in items]),
                         "background": any(s.get("background") for s in items)}
                  for name, items in steps.items()},
        "timeline": {k: _median(v) for k, v in timeline.items()},
    }


def _fmt(value: float | None) -> str:
    return f"{value:.2f}s" if value is not None else "-"


def test_warm_upgrade_whole_process(tmp_path: Path) -> None:
    repo = build_consumer(tmp_path / "consumer-up")
    before_src = os.environ.get("NEMOCTL_BENCH_BEFORE")
    variants = {"after": bench_env()}
    if before_src:
        variants["before"] = bench_env(before_src)
    for env in variants.values():
        upgrade_once(repo, env)  # warm-up: wheels, uv, the contract env, renders
    samples: dict[str, list[tuple[float, dict[str, Any]]]] = {name: [] for name in variants}
    baselines: dict[str, list[float]] = {"pass": [], "typer": []}
    for _ in range(RUNS):
        for name, env in variants.items():  # interleaved: all see the same load
            samples[name].append(upgrade_once(repo, env))
        baselines["pass"].append(_interpreter(["-c", "pass"]))
        baselines["typer"].append(_interpreter(["-c", "import typer"]))
    git(repo, "reset", "-q", "--hard")
    git(repo, "clean", "-qfd")

    base = statistics.median(baselines["pass"])
    typer_ = statistics.median(baselines["typer"])
    summaries = {name: _summary(runs) for name, runs in samples.items()}
    print(f"\nnemoctl upgrade litellm {FROM_VERSION} → {TO_VERSION}, with contracts, warm "
          f"caches, whole process, median of {RUNS} (target ≤ {TARGET_S:.0f} s)")
    print(f"  python -c pass {base:.3f}s, python -c 'import typer' {typer_:.3f}s")
    for name, s in summaries.items():
        runs = ", ".join(f"{w:.2f}s" for w in s["walls"])
        print(f"  {name}: {s['wall']:.2f}s wall ({runs}); {s['wall'] / typer_:.0f}x import typer; "
              f"target {'met' if s['wall'] <= TARGET_S else 'NOT met'}")
    names = list(summaries)
    print(f"  {'step':<14}" + "".join(f"{n + ' duration':>18}{'from':>8}{'waited':>8}"
                                      for n in names))
    for step in summaries["after"]["steps"]:
        line = f"  {step:<14}"
        for n in names:
            s = summaries[n]["steps"].get(step)
            if s is None:
                line += f"{'':>18}{'':>8}{'':>8}"
                continue
            line += (f"{_fmt(s['duration']) + (' bg' if s['background'] else ''):>18}"
                     f"{_fmt(s['started']):>8}{_fmt(s['waited']):>8}")
        print(line)
    for n in names:
        timeline = summaries[n]["timeline"]
        if timeline:
            print(f"  {n} background contracts (s from the run's start): "
                  + ", ".join(f"{k.removesuffix('_s')} {_fmt(v)}" for k, v in timeline.items()))
    for runs in samples.values():
        assert all(report["contracts"]["passed"] for _, report in runs)
