"""Against the machine's PostgreSQL: the pending set from ``_prisma_migrations``, table sizes,
and database errors (exit 2, password masked)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl.db import DatabaseUrl, MigrationSet, connect
from nemoctl.migrations import Policy, plan, read_live, sha256
from tests.db.conftest import run_cli, scratch_database, server  # noqa: F401
from tests.migrations.conftest import ADDED

#: Prisma Migrate's own history table (as ``prisma migrate deploy`` creates it).
PRISMA_MIGRATIONS = """
CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)
"""


JWT = "20260915000000_scope_jwt_key_mapping_by_issuer"


@pytest.fixture(scope="module")
def partial_db(server: DatabaseUrl, new_set: MigrationSet,  # noqa: F811
               old_set: MigrationSet) -> Iterator[DatabaseUrl]:
    """A database whose history says: all of 0.4.97 (one with another checksum), then the
    first 10 of the 42 added except the JWT one, the 11th failed, the 12th rolled back."""
    added = [m for m in new_set.migrations if m.name not in {o.name for o in old_set.migrations}]
    assert JWT in [m.name for m in added[:10]]
    rows: list[tuple[str, str, bool, str, bool]] = []
    for m in old_set.migrations:
        edited = m.name == "20250326162113_baseline"
        rows.append((secrets.token_hex(16), sha256(m.sql + ("-- edited\n" if edited else "")),
                     True, m.name, False))
    rows += [(secrets.token_hex(16), sha256(m.sql), True, m.name, False)
             for m in added[:10] if m.name != JWT]
    rows.append((secrets.token_hex(16), sha256(added[10].sql), False, added[10].name, False))
    rows.append((secrets.token_hex(16), sha256(added[11].sql), False, added[11].name, True))
    with scratch_database(server) as url:
        with connect(url) as conn:
            conn.execute(PRISMA_MIGRATIONS)
            with conn.cursor() as cur:
                cur.executemany(
                    'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, '
                    "migration_name, rolled_back_at, applied_steps_count) VALUES (%s, %s, "
                    "CASE WHEN %s THEN now() END, %s, CASE WHEN %s THEN now() END, 1)", rows)
            # A table the pending statements touch, with rows for the size estimate.
            conn.execute('CREATE TABLE "LiteLLM_JWTKeyMapping" (id int, jwt_claim_name text)')
            conn.execute('INSERT INTO "LiteLLM_JWTKeyMapping" SELECT g, \'c\' || g '
                         "FROM generate_series(1, 5000) g")
            conn.execute('ANALYZE "LiteLLM_JWTKeyMapping"')
        yield url


def test_partially_migrated_database_shows_exactly_its_pending_migrations(
        partial_db: DatabaseUrl, new_set: MigrationSet, old_set: MigrationSet) -> None:
    added = [m.name for m in new_set.migrations if m.name not in
             {o.name for o in old_set.migrations}]
    live = read_live(partial_db, large_rows=1000, large_bytes=1 << 40)
    report = plan(None, new_set, live=live, policy=Policy(large_tables=()))

    assert [m.name for m in report.pending] == [JWT, *added[10:]]
    assert live.failed == (added[10],) and live.rolled_back == (added[11],)
    (failed,) = report.rules_fired("MIGRATION_FAILED")
    assert failed.migration == added[10] and failed.blocking
    (mismatch,) = report.rules_fired("MIGRATION_CHECKSUM_MISMATCH")
    assert mismatch.migration == "20250326162113_baseline"
    # JWT was skipped while newer ones were applied: it runs out of order here.
    assert [f.migration for f in report.rules_fired("MIGRATION_OUT_OF_ORDER")] == [JWT]
    assert report.to_dict()["live"]["applied"] == len(old_set.migrations) + 9


def test_sizes_make_a_lock_on_a_live_table_large(partial_db: DatabaseUrl,
                                                 new_set: MigrationSet) -> None:
    live = read_live(partial_db, large_rows=1000, large_bytes=1 << 40)
    size = live.size("LiteLLM_JWTKeyMapping")
    assert size is not None and size.large and size.rows == 5000
    assert size.label.startswith("~5 k rows, ")
    report = plan(None, new_set, live=live, policy=Policy(large_tables=()))
    hits = {(f.rule_id, f.severity, f.line) for f in report.findings if f.migration == JWT}
    assert ("LONG_LOCK_ON_LARGE_TABLE", "ERR", 15) in hits
    (long_lock, *_) = [f for f in report.rules_fired("LONG_LOCK_ON_LARGE_TABLE")]
    assert long_lock.message.startswith(
        f"SHARE on large table LiteLLM_JWTKeyMapping ({size.label}) for a full scan: ")
    assert ("LOCK_ON_LARGE_TABLE", "WARN", 12) in hits
    assert not any(f.table == "LiteLLM_SpendLogs" for f in report.findings)


def test_database_without_history_has_everything_pending(
        server: DatabaseUrl, new_set: MigrationSet) -> None:  # noqa: F811
    with scratch_database(server) as url:
        live = read_live(url, large_rows=10**6, large_bytes=1 << 30)
    report = plan(None, new_set, live=live)
    assert not live.has_history and len(report.pending) == len(new_set.migrations)


def test_unreachable_database_exit_2_password_masked(tmp_path: Path) -> None:
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "consumer"\nversion = "0"\n')
    url = "postgresql://billing:s3cr3t-Pa55@127.0.0.1:1/litellm"
    result = run_cli("migrations", "plan", "--from", str(ADDED), "--to", str(ADDED),
                     "--database-url", url, cwd=project)
    assert result.returncode == 2, result.stderr
    assert "s3cr3t-Pa55" not in result.stderr + result.stdout
    assert "postgresql://billing:***@127.0.0.1:1/litellm" in result.stderr
    assert "Traceback" not in result.stderr
