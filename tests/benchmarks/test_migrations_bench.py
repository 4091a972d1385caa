"""Wall time of the migration gate on the real 1.102.4 → 1.106.0 pair (prints its figures).

* ``plan`` (static, warm): the library call on the two real migration sets (extras
  0.4.97 installed + the 42 files 0.4.108 adds, from tests/fixtures), parse cache
  cleared each round, so every round parses all 42 migrations with pglast; and the CLI
  (``nemoctl migrations plan --to 1.106.0``, warm wheel cache) in a consumer project.
* ``--rehearse`` of the same pair with 10,000 seeded rows in ``LiteLLM_SpendLogs``
  (20 in every other table) on the machine's PostgreSQL.

Run: ``uv run pytest tests/benchmarks/test_migrations_bench.py -m benchmark -s``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nemoctl.db import MigrationSet, parse_url
from nemoctl.migrations import plan
from nemoctl.migrations.rehearse import RehearseOptions, rehearse
from nemoctl.migrations.statements import parse_migration
from tests.db.conftest import SERVER_URL
from tests.migrations.conftest import new_set, old_set  # noqa: F401

pytestmark = pytest.mark.benchmark
ROUNDS = 5
NEMOCTL = str(Path(sys.executable).parent / "nemoctl")


def test_plan_static_warm(old_set: MigrationSet, new_set: MigrationSet,  # noqa: F811
                          tmp_path: Path) -> None:
    times = []
    for _ in range(ROUNDS):
        parse_migration.cache_clear()
        started = time.perf_counter()
        report = plan(old_set, new_set)
        times.append(time.perf_counter() - started)
    assert len(report.pending) == 42
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "c"\nversion = "0"\ndependencies = ["litellm[proxy]==1.102.4"]\n')
    cli = []
    for _ in range(3):
        started = time.perf_counter()
        proc = subprocess.run([NEMOCTL, "migrations", "plan", "--to", "1.106.0", "--format",
                               "json"], cwd=project, capture_output=True, text=True)
        cli.append(time.perf_counter() - started)
        assert proc.returncode == 0, proc.stderr
    print(f"\n[migrations bench] plan 1.102.4 -> 1.106.0: {len(report.pending)} migrations, "
          f"{len(report.statements)} statements, {len(report.findings)} findings; library "
          f"median of {ROUNDS}: {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f} ms); CLI warm median of 3: "
          f"{statistics.median(cli):.2f} s")


def test_rehearse_with_10000_spend_logs(old_set: MigrationSet,  # noqa: F811
                                        new_set: MigrationSet) -> None:  # noqa: F811
    report = plan(old_set, new_set)
    options = RehearseOptions(rows=20, table_rows={"LiteLLM_SpendLogs": 10_000},
                              sacred=frozenset({("LiteLLM_SpendLogs", "spend"),
                                                ("LiteLLM_SpendLogs", "model_group")}))
    started = time.perf_counter()
    result = rehearse(parse_url(SERVER_URL), old_set, report, new_set, options)
    total = time.perf_counter() - started
    r = result.rehearsal
    assert r is not None and r.sacred_values_checked == 20_000
    assert not any(f.rule_id.startswith("REHEARSAL_") for f in result.findings)
    s = r.seconds
    print(f"\n[migrations bench] rehearse 1.102.4 -> 1.106.0: {r.seeded_rows} rows in "
          f"{r.seeded_tables} tables ({r.sacred_values_checked} sacred values checked); "
          f"total {total:.2f} s = old migrations {s['old_migrations_s']:.2f} s + seed and "
          f"snapshot {s['seed_s']:.2f} s + 42 new migrations {s['new_migrations_s']:.2f} s + "
          f"read back {s['verify_s']:.2f} s (+ create/drop database)")
