"""The API surface's costs: one release's inventory cold and warm, the consumer scan of
5,000 files warm, and a warm ``impact --surface api --to`` as a user runs it.

Run: ``uv run pytest tests/benchmarks/test_apisurface_bench.py -m benchmark -s``.
CPU seconds (``process_time`` plus children) are reported beside wall time: the machine
is shared, so wall time measures the neighbours too.  In-process figures run with this
shell's ``PYTHONDONTWRITEBYTECODE=1`` (no bytecode written; imports compile from
source); the whole-process ones use :func:`bench_env` (bytecode caching on, as an
installed tool has) and print a ``python -c pass`` baseline measured in the same run.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.benchmarks.processes import bench_env

pytestmark = pytest.mark.benchmark
FILES = 5000

PY = '''\
import litellm
from litellm import Router
from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import UserAPIKeyAuth

litellm.drop_params = True


class Logger{i}(CustomLogger):
    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
        return None


router_{i} = Router(model_list=[])


async def call_{i}(key: UserAPIKeyAuth):
    r = await litellm.acompletion(model="m{i}", messages=[], metadata={{"k": key.api_key}})
    await router_{i}.acompletion(model="m", messages=[])
    return litellm.completion_cost(completion_response=r)
'''


def _cpu() -> float:
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def _whole(args: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=bench_env(), capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def test_inventory_cold_and_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nemoctl.apisurface.cache import cached_inventory, open_cached, surfaces_dir
    from nemoctl.upstream.unpack import unpacked_wheel

    wheel = unpacked_wheel("litellm", "1.106.0")  # the verified tree (cached beforehand)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    cpu, wall = _cpu(), time.perf_counter()
    cold = cached_inventory(wheel.path, wheel.sha256, "litellm", "1.106.0")
    cold_cpu, cold_wall = _cpu() - cpu, time.perf_counter() - wall
    assert cold.resolve("litellm.Router").state == "found"
    paths = ["litellm.Router", "litellm.acompletion", "litellm.proxy._types.UserAPIKeyAuth",
             "litellm.integrations.custom_logger.CustomLogger.async_log_success_event",
             "litellm.drop_params", "litellm.caching.Cache"]
    cpu, wall = _cpu(), time.perf_counter()
    warm = open_cached(surfaces_dir(wheel.sha256), wheel.sha256, "litellm", "1.106.0")
    assert warm is not None
    assert all(warm.resolve(p).state == "found" for p in paths)
    warm_cpu, warm_wall = _cpu() - cpu, time.perf_counter() - wall
    size = (surfaces_dir(wheel.sha256) / "api.sqlite").stat().st_size
    print(f"\ninventory 1.106.0: cold {cold_cpu:.1f} s CPU ({cold_wall:.1f} s wall); "
          f"warm open + verify + 6 lookups {warm_cpu * 1000:.0f} ms CPU "
          f"({warm_wall * 1000:.0f} ms wall); {size / 1e6:.1f} MB")
    assert warm_cpu < 0.5


PLAIN = '''\
import json


def helper_{i}(rows: list[dict[str, float]]) -> float:
    return sum(r["spend"] for r in rows) + len(json.dumps(rows))
'''


@pytest.mark.parametrize("dense", [False, True], ids=["one-in-ten", "every-file"])
def test_consumer_scan_of_5000_files_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          dense: bool) -> None:
    """5,000 Python files; "one-in-ten": 500 use LiteLLM (11 uses each), the others not;
    "every-file": all 5,000 do (55,000 uses, a worst case)."""
    from nemoctl.apisurface.scan import scan_api
    from nemoctl.config import load_config

    root = tmp_path / "big"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "big"\nversion = "0"\ndependencies = ["litellm[proxy]==1.106.0"]\n')
    for i in range(FILES):
        text = PY if dense or i % 10 == 0 else PLAIN
        (root / "app" / f"m{i}.py").write_text(text.format(i=i))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(root)
    cpu, wall = _cpu(), time.perf_counter()
    cold = scan_api(config)
    cold_cpu, cold_wall = _cpu() - cpu, time.perf_counter() - wall
    warm_runs = []
    for _ in range(3):
        cpu, wall = _cpu(), time.perf_counter()
        warm = scan_api(config)
        warm_runs.append((_cpu() - cpu, time.perf_counter() - wall))
    warm_cpu, warm_wall = min(warm_runs)
    assert warm.files_scanned == FILES and warm.cache_hits == FILES
    assert warm.uses == tuple(u._replace(snippet="") for u in cold.uses)
    print(f"\nconsumer scan, {FILES} files, {len(warm.uses)} uses: cold {cold_cpu:.2f} s CPU "
          f"({cold_wall:.2f} s wall); warm {warm_cpu:.2f} s CPU ({warm_wall:.2f} s wall)")
    assert warm_cpu <= (1.0 if dense else 0.5)


def test_warm_impact_api_whole_process(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "backend").mkdir(parents=True)
    hooks = Path(__file__).resolve().parents[2] / "examples" / "gateway" / "backend" / "hooks.py"
    (root / "backend" / "hooks.py").write_bytes(hooks.read_bytes())
    (root / "pyproject.toml").write_text(
        '[project]\nname = "gw"\nversion = "0"\ndependencies = ["litellm[proxy]==1.102.4"]\n')
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    nemoctl = str(Path(sys.executable).parent / "nemoctl")
    args = [nemoctl, "impact", "--surface", "api", "--to", "1.106.0"]
    _whole(args, root)  # warm the caches (inventories, pair changes, scan)
    base = min(_whole([sys.executable, "-c", "pass"], root)[1] for _ in range(3))
    runs = [_whole(args, root) for _ in range(3)]
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    print(f"\nwarm `nemoctl impact --surface api --to 1.106.0`: {cpu:.2f} s CPU "
          f"({wall:.2f} s wall); python -c pass {base:.3f} s CPU")
