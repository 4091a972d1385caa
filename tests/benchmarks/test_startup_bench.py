"""Whole-process wall times of the fast commands, with the interpreter baselines beside them.

    uv run pytest tests/benchmarks/test_startup_bench.py -m benchmark -s

Each row runs as its own process (``python -c "from nemoctl.cli import main; main()"``,
what the console script does), once to warm every cache, then ``RUNS`` times; the
median is printed with its ratio to ``python -c pass`` and ``python -c "import typer"``
measured in the same run, so a loaded machine shifts all rows alike.  Bytecode caching
is on in the children (``PYTHONDONTWRITEBYTECODE`` removed) as in any installed tool.

``NEMOCTL_BENCH_BEFORE=/path/to/an/other/checkout`` adds a "before" column: that
checkout's nemoctl (put first on ``PYTHONPATH``), measured interleaved with this one
run by run, so both columns see the same machine load.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.benchmarks.processes import bench_env

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "schemas"
RUNS = 7
CLI = "from nemoctl.cli import main; main()"
TYPER_ROW = "python -c 'import typer'"

#: (label, argv after the interpreter, exit codes that count as "ran", target seconds)
ROWS: list[tuple[str, list[str], set[int], float | None]] = [
    ("python -c pass", ["-c", "pass"], {0}, None),
    ("python -c 'import typer'", ["-c", "import typer"], {0}, None),
    ("nemoctl --help", ["-c", CLI, "--help"], {0}, 0.20),
    ("nemoctl --version", ["-c", CLI, "--version"], {0}, 0.20),
    ("nemoctl check", ["-c", CLI, "check"], {0, 1}, 0.40),
    ("nemoctl generate --check", ["-c", CLI, "generate", "--check"], {0, 1}, 0.30),
    ("nemoctl diff A.prisma B.prisma",
     ["-c", CLI, "diff", "--from", str(FIXTURES / "1.102.4" / "schema.prisma"),
      "--to", str(FIXTURES / "1.106.0" / "schema.prisma")], {0, 1, 4}, 0.30),
    ("nemoctl diff --from 1.102.4 --to 1.106.0",
     ["-c", CLI, "diff", "--from", "1.102.4", "--to", "1.106.0"], {0, 1, 4}, 0.50),
]


def _once(argv: list[str], ok: set[int], env: dict[str, str]) -> float:
    started = time.perf_counter()
    # -P: the working directory (this checkout) must not shadow NEMOCTL_BENCH_BEFORE.
    proc = subprocess.run([sys.executable, "-P", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    wall = time.perf_counter() - started
    assert proc.returncode in ok, f"{argv}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
    return wall


def test_startup_rows() -> None:
    before_src = os.environ.get("NEMOCTL_BENCH_BEFORE")
    envs = {"after": bench_env()}
    if before_src:
        envs["before"] = bench_env(before_src)
    medians: dict[str, dict[str, float]] = {name: {} for name in envs}
    for label, argv, ok, _target in ROWS:
        samples: dict[str, list[float]] = {name: [] for name in envs}
        for env in envs.values():
            _once(argv, ok, env)  # warm-up: bytecode, wheel cache, parsed schemas, renders
        for _ in range(RUNS):
            for name, env in envs.items():  # interleaved: both see the same load
                samples[name].append(_once(argv, ok, env))
        for name in envs:
            medians[name][label] = statistics.median(samples[name])
    after = medians["after"]
    base, typer_ = after["python -c pass"], after[TYPER_ROW]
    print(f"\nwhole-process wall time, median of {RUNS} after a warm-up ({ROOT}"
          + (f"; before = {before_src}" if before_src else "") + ")")
    head = f"  {'command':<42}{'after':>9}{'/ pass':>9}{'/ typer':>9}{'target':>9}"
    print(head + (f"{'before':>9}{'/ typer':>9}" if before_src else ""))
    for label, _argv, _ok, target in ROWS:
        m = after[label]
        shown = f"{target:.2f}s" if target else ""
        line = f"  {label:<42}{m:>8.3f}s{m / base:>8.1f}x{m / typer_:>8.2f}x{shown:>9}"
        if before_src:
            b, b_typer = medians["before"][label], medians["before"][TYPER_ROW]
            line += f"{b:>8.3f}s{b / b_typer:>8.2f}x"
        print(line)
