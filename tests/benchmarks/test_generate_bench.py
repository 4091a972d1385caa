"""Wall time of ``generate``: cold (nothing generated, cold parse cache), no-op, and tsc.

Cold = a project with the pin and the committed schema snapshot + lock but no
generated files, and an empty parse cache (node tools already installed): Prisma
parse, JSON Schema, datamodel-code-generator, json-schema-to-typescript, write.
No-op = everything current: lock and hashes only (no network, no generators).
CLI no-op = the same through ``nemoctl generate --check`` in a fresh process.

    uv run pytest tests/benchmarks/test_generate_bench.py -m benchmark -s
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

from nemoctl import _node
from nemoctl.codegen import generate
from nemoctl.config import load_config
from nemoctl.paths import cache_dir

pytestmark = pytest.mark.benchmark

REPO = Path(__file__).resolve().parents[2]
NEMOCTL = str(Path(sys.executable).parent / "nemoctl")
RUNS = 3


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["litellm[proxy]==1.102.4"]\n'
    )
    (root / "schemas").mkdir()
    for name in ("schema.prisma", "lock.json"):
        shutil.copyfile(REPO / "schemas" / name, root / "schemas" / name)
    return root


def test_generate_timings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    node_dir = cache_dir() / "node"
    _node.node_modules()  # installed once; its install time is not codegen's
    cold: list[float] = []
    noop: list[float] = []
    for i in range(RUNS):
        cache = tmp_path / f"cache{i}"
        cache.mkdir()
        (cache / "node").symlink_to(node_dir, target_is_directory=True)
        monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
        root = _project(tmp_path / f"p{i}")
        started = time.perf_counter()
        result = generate(load_config(root))
        cold.append(time.perf_counter() - started)
        assert result.written and result.schema_source == "snapshot"
        started = time.perf_counter()
        again = generate(load_config(root), check=True)
        noop.append(time.perf_counter() - started)
        assert again.noop

    cli: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        proc = subprocess.run([NEMOCTL, "generate", "--check"], cwd=REPO, capture_output=True,
                              text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
        cli.append(time.perf_counter() - started)
        assert proc.returncode == 0, proc.stderr

    tsc: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        proc = subprocess.run(
            [str(_node.bin_path("tsc")), "--noEmit", "--strict",
             str(REPO / "generated/typescript/index.d.ts")],
            capture_output=True, text=True, check=False,
        )
        tsc.append(time.perf_counter() - started)
        assert proc.returncode == 0, proc.stdout

    def fmt(xs: list[float]) -> str:
        return f"median {statistics.median(xs):.3f} s (runs: {', '.join(f'{x:.3f}' for x in xs)})"

    print(f"\n[generate bench] litellm 1.102.4, {RUNS} runs each")
    print(f"[generate bench] cold generate (library):   {fmt(cold)}")
    print(f"[generate bench] no-op generate (library):  {fmt(noop)}")
    print(f"[generate bench] no-op `nemoctl generate --check` (CLI process): {fmt(cli)}")
    print(f"[generate bench] tsc --noEmit --strict index.d.ts: {fmt(tsc)}")
    assert statistics.median(noop) < 0.5
