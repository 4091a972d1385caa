"""How long applying and verifying LiteLLM's full migration history takes.

Run: ``uv run pytest tests/benchmarks/test_db_bench.py -m benchmark -s``.
"""

from __future__ import annotations

import statistics
import time

import pytest

from nemoctl.db import installed_migrations, parse_url, verify_migrations
from nemoctl.schema import parse_file
from tests.db.conftest import PINNED_SCHEMA, SERVER_URL

ROUNDS = 3


@pytest.mark.benchmark
def test_apply_and_verify_full_migration_history() -> None:
    server = parse_url(SERVER_URL)
    schema = parse_file(PINNED_SCHEMA)
    started = time.perf_counter()
    migrations = installed_migrations()
    load_s = time.perf_counter() - started
    applies, introspects, compares, totals = [], [], [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run = verify_migrations(server, migrations, schema, schema_source="pinned")
        totals.append(time.perf_counter() - started)
        assert run.report.findings == ()
        applies.append(run.timings.apply_s)
        introspects.append(run.timings.introspect_s)
        compares.append(run.timings.compare_s)
    sql_bytes = sum(len(m.sql.encode()) for m in migrations.migrations)
    print(
        f"\n[db bench] {migrations.origin}: {len(migrations.migrations)} migrations, "
        f"{sql_bytes / 1024:.0f} KiB SQL (read in {load_s * 1000:.0f} ms); "
        f"{run.report.models_checked} models / {run.report.columns_checked} columns verified\n"
        f"[db bench] median of {ROUNDS}: apply {statistics.median(applies):.2f} s, "
        f"introspect {statistics.median(introspects) * 1000:.0f} ms, "
        f"compare {statistics.median(compares) * 1000:.1f} ms, "
        f"total incl. create/drop database {statistics.median(totals):.2f} s"
    )
    assert statistics.median(totals) < 60
