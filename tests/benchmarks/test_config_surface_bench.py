"""The config surface's cost: a version's inventory cold and warm, and ``check`` with a config.

    uv run pytest tests/benchmarks/test_config_surface_bench.py -m benchmark -s

Whole processes, each run once to warm bytecode and caches, then the median of
``RUNS``; ``python -c pass`` is measured in the same run as the baseline.  Bytecode
writing is disabled on these machines (``PYTHONDONTWRITEBYTECODE=1``): the children
run with it removed (``bench_env``), as an installed tool would.

* **inventory cold**: the unpacked verified wheel scanned with ``ast`` (no inventory cache);
* **inventory warm**: ``inventory()`` answered by its verified cache entry;
* **check**: ``nemoctl check`` in a consumer project pinned to 1.102.4 (only the
  ``config`` check runs; the others are skipped), with and without a proxy config; the
  warm path reads the lock's wheel digest and the cached inventory, never the wheel.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nemoctl.configsurface.inventory import inventory
from nemoctl.upstream import fetch_wheel
from tests.benchmarks.processes import bench_env
from tests.configsurface.consumer import make_consumer

pytestmark = pytest.mark.benchmark
RUNS = 5
VERSION = "1.102.4"
COLD = ("from nemoctl.upstream import fetch_wheel; from nemoctl.upstream.unpack import unpack;"
        "from nemoctl.configsurface.modules import Package;"
        "from nemoctl.configsurface.inventory import scan_package;"
        f"w = fetch_wheel('litellm', '{VERSION}');"
        "scan_package(Package.from_directory(unpack(w).path, 'litellm'), w.sha256, 'litellm',"
        " w.version)")
WARM = f"from nemoctl.configsurface.inventory import inventory; inventory('litellm', '{VERSION}')"
CLI = "from nemoctl.cli import main; main()"
SKIPS = ["--skip", "lock", "--skip", "generated", "--skip", "sacred", "--skip", "supply-chain",
         "--skip", "requirements", "--allow-unprotected"]


def _median(argv: list[str], cwd: Path, ok: set[int], runs: int = RUNS
            ) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system of the child)."""
    env = bench_env()
    walls, cpus = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert proc.returncode in ok, proc.stderr[-2000:]
        if i:  # the first run warms bytecode and caches
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def test_config_surface_figures(tmp_path: Path) -> None:
    wheel = fetch_wheel("litellm", VERSION)
    inventory("litellm", VERSION)  # the warm rows need the cache entry
    with_config = make_consumer(tmp_path / "with", VERSION)
    (with_config / "schemas").mkdir()
    (with_config / "schemas" / "lock.json").write_text(json.dumps(
        {"package": "litellm", "version": VERSION, "wheel_sha256": wheel.sha256}))
    without = tmp_path / "without"
    without.mkdir()
    (without / "pyproject.toml").write_text(
        f'[project]\nname = "g"\nversion = "0"\ndependencies = ["litellm[proxy]=={VERSION}"]\n')
    rows = {
        "python -c pass": _median(["-c", "pass"], tmp_path, {0}),
        f"inventory {VERSION} cold (scan)": _median(["-c", COLD], tmp_path, {0}, runs=1),
        f"inventory {VERSION} warm (cache)": _median(["-c", WARM], tmp_path, {0}),
        "nemoctl check, no proxy config": _median(["-c", CLI, "check", *SKIPS], without, {0}),
        "nemoctl check, proxy config (warm)": _median(["-c", CLI, "check", *SKIPS],
                                                      with_config, {0, 1}),
    }
    base = rows["python -c pass"][0]
    print("\nconfig surface, whole process, median after a warm-up (wall; CPU user+sys)")
    for label, (wall, cpu) in rows.items():
        print(f"  {label:<42}{wall:>8.3f}s{wall / base:>8.1f}x{cpu:>8.3f}s cpu")
    # check's start-up budget (test_startup_bench: 0.40 s) holds with a config, warm; CPU
    # time, so a loaded shared machine does not decide it.
    assert rows["nemoctl check, proxy config (warm)"][1] < 0.40
    # The config check's own share of it, against the same command without a config.
    extra = rows["nemoctl check, proxy config (warm)"][1] - rows[
        "nemoctl check, no proxy config"][1]
    print(f"  config check adds {extra:.3f}s cpu")
    assert extra < 0.15
