"""Parse and diff time for LiteLLM's 104-model schema (1.109.1): cold (node start) and warm.

Run: ``uv run pytest tests/benchmarks/test_parse_diff_bench.py -m benchmark -s``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nemoctl import _node
from nemoctl.diff import diff_schemas, load_sacred
from nemoctl.render import diff as render
from nemoctl.schema import parse_many, parse_text

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "schemas"
NEWEST = (FIXTURES / "1.109.1" / "schema.prisma").read_text(encoding="utf-8")
PREVIOUS = (FIXTURES / "1.108.0" / "schema.prisma").read_text(encoding="utf-8")
OLDEST = (FIXTURES / "1.60.0" / "schema.prisma").read_text(encoding="utf-8")


def _timed(fn: Callable[[], Any], rounds: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def _ms(times: list[float]) -> str:
    return (f"median {statistics.median(times) * 1000:.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})")


def _fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> Path:
    node_dir = _node.node_modules().parent
    root = tmp_path / f"cache{n}"
    (root / "node").mkdir(parents=True)
    os.symlink(node_dir, root / "node" / node_dir.name)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(root))
    return root


@pytest.mark.benchmark
def test_parse_cold_and_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold: list[float] = []
    for n in range(5):
        _fresh_cache(tmp_path, monkeypatch, n)
        started = time.perf_counter()
        schema = parse_text(NEWEST)
        cold.append(time.perf_counter() - started)
    assert len(schema.models) == 104
    warm, again = _timed(lambda: parse_text(NEWEST), 30)
    assert again == schema
    _fresh_cache(tmp_path, monkeypatch, 99)
    pair_cold, _ = _timed(lambda: parse_many([(PREVIOUS, "a"), (NEWEST, "b")]), 1)
    print(f"\n[parse bench] 1.109.1 ({len(NEWEST) // 1024} KiB, 104 models, "
          f"{sum(len(m.fields) for m in schema.models)} fields)")
    print(f"  cold (node start + Prisma wasm + cache write): {_ms(cold)}")
    print(f"  warm (sha256 + cached datamodel + model build): {_ms(warm)}")
    print(f"  cold pair 1.108.0 + 1.109.1 in one node start: {_ms(pair_cold)}")
    assert statistics.median(warm) < statistics.median(cold)


@pytest.mark.benchmark
def test_diff_engine() -> None:
    old, new, oldest = parse_many([(PREVIOUS, "1.108.0"), (NEWEST, "1.109.1"),
                                   (OLDEST, "1.60.0")])
    sacred = load_sacred(REPO / "schemas" / "sacred_fields.toml")
    neighbours, report = _timed(lambda: diff_schemas(old, new, sacred=sacred), 30)
    assert len(report.changes) == 8
    span, wide = _timed(lambda: diff_schemas(oldest, new), 30)
    markdown, _ = _timed(lambda: render.to_markdown(wide), 10)
    as_json, _ = _timed(lambda: render.to_json(wide), 10)
    print(f"\n[diff bench] 1.108.0 → 1.109.1 with {len(sacred.fields)} sacred fields: "
          f"{_ms(neighbours)}")
    print(f"  1.60.0 → 1.109.1 ({len(wide.changes)} changes): {_ms(span)}")
    print(f"  render markdown: {_ms(markdown)}; json: {_ms(as_json)}")
    assert statistics.median(span) < 1.0


@pytest.mark.benchmark
def test_cli_end_to_end() -> None:
    args = [sys.executable, "-c", "from nemoctl.cli import main; main()", "diff", "--from",
            str(FIXTURES / "1.108.0" / "schema.prisma"), "--to",
            str(FIXTURES / "1.109.1" / "schema.prisma"), "--format", "json"]
    subprocess.run(args, cwd=REPO, capture_output=True, check=True)  # warm the cache
    times, _ = _timed(lambda: subprocess.run(args, cwd=REPO, capture_output=True, check=True), 5)
    print(f"\n[diff bench] `nemoctl diff --format json` 1.108.0 → 1.109.1, warm cache, "
          f"whole process: {_ms(times)}")
