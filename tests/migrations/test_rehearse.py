"""``--rehearse`` on the machine's PostgreSQL: seeded sacred data survives the real upgrade,
and a destructive migration written for the test is caught (data lost → ERR)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql

from nemoctl.config import load_config
from nemoctl.db import DatabaseError, DatabaseUrl, Migration, MigrationSet, connect
from nemoctl.migrations import MigrationReport, plan
from nemoctl.migrations.gate import GateRequest, run_gate
from nemoctl.migrations.rehearse import RehearseOptions, rehearse
from nemoctl.schema import parse_file
from tests.db.conftest import leftover_databases, server  # noqa: F401
from tests.migrations.conftest import write_dir

ROOT = Path(__file__).resolve().parents[2]
NEW_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "1.106.0" / "schema.prisma"
SACRED = frozenset({
    ("LiteLLM_SpendLogs", "spend"), ("LiteLLM_SpendLogs", "model_group"),
    ("LiteLLM_SpendLogs", "custom_llm_provider"), ("LiteLLM_DailyTeamSpend", "spend"),
})
#: Written for this test: deletes half of one table, drops a sacred column of another.
DESTRUCTIVE = Migration("20991231000000_nemoctl_test_destructive", """\
DELETE FROM "LiteLLM_AuditLog" WHERE "id" LIKE '%0';
ALTER TABLE "LiteLLM_DailyTeamSpend" DROP COLUMN "spend";
""")
SPEND_ROWS = 300


@pytest.fixture(scope="module")
def rehearsed(server: DatabaseUrl, old_set: MigrationSet,  # noqa: F811
              new_set: MigrationSet) -> MigrationReport:
    """One rehearsal of the real 0.4.97 → 0.4.108 upgrade plus the destructive migration."""
    new = MigrationSet("0.4.108 + destructive", (*new_set.migrations, DESTRUCTIVE))
    report = plan(old_set, new)
    options = RehearseOptions(rows=10, table_rows={"LiteLLM_SpendLogs": SPEND_ROWS},
                              sacred=SACRED, schema=parse_file(NEW_SCHEMA),
                              schema_source="litellm 1.106.0")
    return rehearse(server, old_set, report, new, options)


def test_seeded_sacred_fields_survive_the_real_upgrade(rehearsed: MigrationReport) -> None:
    r = rehearsed.rehearsal
    assert r is not None
    assert r.seeded_tables >= 77 and r.skipped_tables == ()
    # Three sacred SpendLogs columns, 300 rows each (DailyTeamSpend.spend is gone: not checked).
    assert r.sacred_values_checked == 3 * SPEND_ROWS
    spend_logs = [f for f in rehearsed.findings if f.table == "LiteLLM_SpendLogs"
                  and f.rule_id.startswith("REHEARSAL_")]
    assert spend_logs == []
    assert [m.name for m in r.migrations] == [m.name for m in rehearsed.pending]


def test_destructive_migration_is_caught(rehearsed: MigrationReport) -> None:
    (rows,) = rehearsed.rules_fired("REHEARSAL_ROWS_LOST")
    assert (rows.table, rows.severity, rows.migration, rows.line) == (
        "LiteLLM_AuditLog", "ERR", DESTRUCTIVE.name, 1)
    assert rows.message == "1 of 10 seeded rows of LiteLLM_AuditLog are gone"
    (column,) = rehearsed.rules_fired("REHEARSAL_COLUMN_LOST")
    assert (column.table, column.column, column.sacred) == ("LiteLLM_DailyTeamSpend", "spend",
                                                             True)
    assert column.blocking and rehearsed.exit_code() == 4
    # The static rules saw the same statements before anything ran.
    assert [f.line for f in rehearsed.rules_fired("DATA_DELETED")] == [1]
    assert [f.column for f in rehearsed.rules_fired("COLUMN_DROPPED")] == ["spend"]


def test_locks_and_times_per_migration(rehearsed: MigrationReport) -> None:
    r = rehearsed.rehearsal
    assert r is not None
    by_name = {m.name: m for m in r.migrations}
    add_column = by_name["20260831120000_add_litellm_call_id_spend_logs"]
    assert (add_column.lock, add_column.lock_table, add_column.observed) == (
        "ACCESS EXCLUSIVE", "LiteLLM_SpendLogs", "exact")
    concurrent = by_name["20261003000000_add_managed_file_flat_ids_gin_index"]
    assert concurrent.observed == "sampled"
    assert concurrent.lock == "SHARE UPDATE EXCLUSIVE"
    assert by_name["20260823000000_add_spend_logs_api_key_starttime_index"].lock is None
    assert all(m.seconds > 0 for m in r.migrations)


def test_rehearsed_database_is_verified_against_the_new_schema(
        rehearsed: MigrationReport) -> None:
    mismatches = rehearsed.rules_fired("REHEARSAL_SCHEMA_MISMATCH")
    # The only difference from 1.106.0's schema is the column the test migration dropped.
    assert {(f.table, f.column) for f in mismatches} == {("LiteLLM_DailyTeamSpend", "spend")}


def test_throwaway_database_is_dropped(rehearsed: MigrationReport,
                                       server: DatabaseUrl) -> None:  # noqa: F811
    assert leftover_databases(server) == []


@pytest.fixture
def role_without_createdb(server: DatabaseUrl) -> Iterator[str]:  # noqa: F811
    name = "nemoctl_test_nocdb_" + secrets.token_hex(4)
    with connect(server) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw-n0cdb'").format(
            sql.Identifier(name)))
    try:
        yield name
    finally:
        with connect(server) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_rehearse_without_createdb_says_so(tmp_path: Path, role_without_createdb: str,
                                           new_set: MigrationSet) -> None:
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "consumer"\nversion = "0"\n')
    new_dir = write_dir(tmp_path / "new", new_set)
    server_url = f"postgresql://{role_without_createdb}:pw-n0cdb@127.0.0.1:5432/postgres"
    with pytest.raises(DatabaseError) as caught:
        run_gate(load_config(project), GateRequest(from_spec="1.102.4", to_spec=str(new_dir),
                                                   rehearse=True, server_url=server_url))
    error = caught.value
    assert error.exit_code == 2
    assert error.message.startswith("--rehearse needs the CREATEDB privilege: role "
                                    f"'{role_without_createdb}' on postgresql://"
                                    f"{role_without_createdb}:***@127.0.0.1:5432/postgres")
    assert "pw-n0cdb" not in f"{error.message} {error.hint}"


def test_rehearsal_base_follows_the_live_history(old_set: MigrationSet,
                                                 new_set: MigrationSet) -> None:
    from nemoctl.migrations import LiveState
    from nemoctl.migrations.rehearse import applied_base

    static = plan(old_set, new_set)
    assert [m.name for m in applied_base(old_set, new_set, static).migrations] == [
        m.name for m in old_set.migrations]
    added = [m.name for m in new_set.migrations if m not in old_set.migrations]
    applied = (*[m.name for m in old_set.migrations], *added[:5])
    live = LiveState("db", True, tuple(sorted(applied)))
    partial = plan(None, new_set, live=live)
    base = applied_base(old_set, new_set, partial)
    assert [m.name for m in base.migrations] == sorted(applied)
    assert {m.name for m in base.migrations}.isdisjoint(m.name for m in partial.pending)
