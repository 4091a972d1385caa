"""Cold vs cached fetch of a real LiteLLM wheel (network: PyPI via pip's config).

Run: uv run pytest tests/benchmarks/test_fetch_bench.py -m benchmark -s
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from nemoctl.config import UpstreamConfig
from nemoctl.errors import FetchError
from nemoctl.upstream import fetch_schema, fetch_wheel, query_index, read_member
from nemoctl.upstream import index as index_module

pytestmark = pytest.mark.benchmark

VERSION = "1.102.4"
LITELLM = UpstreamConfig(name="litellm", package="litellm")


T = TypeVar("T")


def _timed(fn: Callable[[], T], repeat: int = 1) -> tuple[float, T]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def test_cold_vs_cached_real_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")  # a truly cold download, not pip's HTTP cache
    index_module.clear_memo()
    try:
        index_s, listing = _timed(lambda: query_index("litellm"))
    except FetchError as exc:
        pytest.skip(f"no index reachable: {exc}")
    cold_s, wheel = _timed(lambda: fetch_wheel("litellm", VERSION))
    warm_s, again = _timed(lambda: fetch_wheel("litellm", VERSION), repeat=5)
    member_s, data = _timed(lambda: read_member(wheel.path, LITELLM.schema_path), repeat=5)
    schema_s, schema = _timed(lambda: fetch_schema(LITELLM, VERSION), repeat=5)
    size = wheel.path.stat().st_size
    print(
        f"\nlitellm {VERSION}: {size / 1e6:.1f} MB {wheel.filename}\n"
        f"  index metadata (all configured sources, {len(listing.releases)} releases): "
        f"{index_s:.2f} s\n"
        f"  cold fetch (pip download, no pip cache, hash, store): {cold_s:.2f} s\n"
        f"  cached fetch (re-hash on read), median of 5: {warm_s * 1000:.1f} ms\n"
        f"  read schema member ({len(data) / 1000:.0f} KB), median of 5: "
        f"{member_s * 1000:.1f} ms\n"
        f"  fetch_schema cached, median of 5: {schema_s * 1000:.1f} ms"
    )
    assert again == wheel
    assert warm_s < cold_s
    assert "model LiteLLM_SpendLogs" in schema.text
