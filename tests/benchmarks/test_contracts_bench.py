"""How long the contract suite takes against warm environments (prints its figures).

Run: ``uv run pytest tests/benchmarks/test_contracts_bench.py -m benchmark -s``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nemoctl.contracts import ContractRun, run_contracts
from nemoctl.contracts.envs import ensure_env

pytestmark = pytest.mark.benchmark
MODELS = Path(
    os.environ.get("NEMOCTL_TEST_MODELS_DIR") or Path(__file__).parents[2] / "generated" / "python"
)


def _proxy_import_s(python: Path) -> float:
    code = (
        "import time; t = time.perf_counter(); import litellm.proxy.proxy_server; "
        "print(time.perf_counter() - t)"
    )
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def _report(label: str, run: ContractRun, proxy_import: float) -> None:
    first = max(run.results, key=lambda r: r.duration_s)  # carries the shared app's start-up
    rest = sum(r.duration_s for r in run.results) - first.duration_s
    print(
        f"\n[contracts] {label}: litellm {run.litellm_version}, {len(run.results)} contracts, "
        f"passed={run.passed}\n  wall {run.duration_s:.2f} s = app import+start "
        f"{first.duration_s:.2f} s + other contracts {rest:.2f} s + pytest/child start "
        f"{run.duration_s - first.duration_s - rest:.2f} s; "
        f"bare proxy import in a fresh process {proxy_import:.2f} s"
    )


def test_pinned_warm() -> None:
    run_contracts(models_dir=MODELS)  # warm the OS cache
    runs = [run_contracts(models_dir=MODELS) for _ in range(2)]
    best = min(runs, key=lambda r: r.duration_s)
    _report("installed (pinned), best of 2", best, _proxy_import_s(Path(sys.executable)))
    assert best.duration_s < 60


@pytest.mark.parametrize("version", ["1.100.5", "1.106.0"])
def test_isolated_env_warm(version: str) -> None:
    env = ensure_env(version)
    started = time.perf_counter()
    again = ensure_env(version)
    lookup = time.perf_counter() - started
    assert again.reused
    run = run_contracts(version)  # against models generated for the version (cached)
    _report(
        f"isolated env {version} (env lookup {lookup * 1000:.1f} ms)",
        run,
        _proxy_import_s(env.python),
    )
    assert run.duration_s < 90


def test_matrix_warm() -> None:
    """Four versions, two runs in parallel, every environment and model set already cached."""
    from nemoctl.contracts.matrix import run_matrix

    versions = ("1.80.0", "1.100.5", "1.102.4", "1.108.7")
    run_matrix(versions[:1])  # builds nothing new if the cache is warm; warms the OS cache
    matrix = run_matrix(versions)
    per_run = ", ".join(f"{r.litellm_version} {r.duration_s:.1f} s" for r in matrix.runs)
    print(
        f"\n[contracts] matrix {len(versions)} versions, jobs={matrix.jobs}: "
        f"wall {matrix.duration_s:.1f} s ({per_run})"
    )
    assert len(matrix.runs) == len(versions)
