"""The gate on the real 1.102.4 → 1.106.0 upgrade (extras 0.4.97 → 0.4.108), by rule name."""

from __future__ import annotations

from datetime import date

import pytest

from nemoctl.db import MigrationSet
from nemoctl.findings.acks import Acknowledgement, Acknowledgements
from nemoctl.migrations import CrossCheck, MigrationReport, Policy, plan


@pytest.fixture(scope="module")
def report(old_set: MigrationSet, new_set: MigrationSet) -> MigrationReport:
    return plan(old_set, new_set)


def _hits(report: MigrationReport) -> set[tuple[str, str, str, int]]:
    return {(f.severity, f.rule_id, f.migration, f.line) for f in report.findings}


def test_pending_is_exactly_the_42_added_migrations_in_prisma_order(
        report: MigrationReport, old_set: MigrationSet, new_set: MigrationSet) -> None:
    names = [m.name for m in report.pending]
    assert len(names) == 42 and names == sorted(names)
    assert set(names) == {m.name for m in new_set.migrations} - {m.name for m in old_set.migrations}
    assert names[0] == "20260823000000_add_spend_logs_api_key_starttime_index"
    assert names[-1] == "20261009000000_add_credential_display_name"
    assert len(report.statements) == 113


def test_findings_by_name(report: MigrationReport) -> None:
    rename = "20261001100000_rename_lens"
    assert _hits(report) == {
        # The three table renames and the column rename happen inside a DO block.
        ("INFO", "SQL_TABLE_RENAMED", rename, 3),
        ("INFO", "SQL_TABLE_RENAMED", rename, 4),
        ("INFO", "SQL_TABLE_RENAMED", rename, 5),
        ("INFO", "SQL_COLUMN_RENAMED", rename, 11),
        # ADD COLUMN on LiteLLM_SpendLogs, the largest and hottest table.
        ("WARN", "LOCK_ON_LARGE_TABLE", "20260831120000_add_litellm_call_id_spend_logs", 2),
        ("WARN", "LOCK_ON_LARGE_TABLE", "20260921190000_agent_identity", 7),
        ("WARN", "INDEX_NOT_CONCURRENT", "20260915000000_scope_jwt_key_mapping_by_issuer", 15),
        ("WARN", "INDEX_NOT_CONCURRENT", "20260915000000_scope_jwt_key_mapping_by_issuer", 18),
        ("WARN", "TRIGGER_CHANGED", "20260923000000_add_mcp_catalog_revision_trigger", 11),
        ("WARN", "WORK_OUTSIDE_MIGRATION",
         "20260823000000_add_spend_logs_api_key_starttime_index", 6),
        ("WARN", "WORK_OUTSIDE_MIGRATION", "20260831120001_spend_logs_litellm_call_id_index", 6),
        # Three new migrations sort before 20260910000000_skills_on_object_permission.
        ("WARN", "MIGRATION_OUT_OF_ORDER",
         "20260823000000_add_spend_logs_api_key_starttime_index", 0),
        ("WARN", "MIGRATION_OUT_OF_ORDER", "20260831120000_add_litellm_call_id_spend_logs", 0),
        ("WARN", "MIGRATION_OUT_OF_ORDER", "20260831120001_spend_logs_litellm_call_id_index", 0),
    }
    assert not report.blocking


def test_renames_inside_the_do_block_are_analysed(report: MigrationReport) -> None:
    renames = [f for f in report.findings
               if f.rule_id in ("SQL_TABLE_RENAMED", "SQL_COLUMN_RENAMED")]
    assert [f.message for f in renames] == [
        "table LiteLLM_Engine renamed to LiteLLM_Lens",
        "table LiteLLM_EngineRun renamed to LiteLLM_LensRun",
        "table LiteLLM_EngineWorker renamed to LiteLLM_LensWorker",
        "column LiteLLM_LensRun.engine_id renamed to lens_id",
    ]
    # The tables are created earlier in this same upgrade: ERR re-levelled, and said why.
    assert all(f.default_severity == "ERR" for f in renames)
    assert "created by 20260930000000_agent_engine" in renames[0].relevelled
    statements = {s.line: s for m in report.pending if m.name == "20261001100000_rename_lens"
                  for s in m.statements}
    assert statements[3].context == "do" and statements[3].lock == "ACCESS EXCLUSIVE"
    assert statements[13].lock == "SHARE UPDATE EXCLUSIVE"  # ALTER INDEX … RENAME


def test_spend_logs_add_column_lock_and_no_rewrite(report: MigrationReport) -> None:
    (migration,) = [m for m in report.pending
                    if m.name == "20260831120000_add_litellm_call_id_spend_logs"]
    (stmt,) = migration.statements
    assert stmt.kind == "ALTER TABLE" and stmt.tables == ("LiteLLM_SpendLogs",)
    assert stmt.lock == "ACCESS EXCLUSIVE" and not stmt.rewrite
    (action,) = stmt.actions
    assert (action.op, action.column, action.new_name) == ("add_column", "litellm_call_id", "text")


def test_trigger_function_body_is_deferred(report: MigrationReport) -> None:
    (migration,) = [m for m in report.pending
                    if m.name == "20260923000000_add_mcp_catalog_revision_trigger"]
    body = [s for s in migration.statements if s.context == "function"]
    assert [(s.kind, s.tables, s.line, s.lock) for s in body] == [
        ("INSERT", ("LiteLLM_Config",), 3, None)]


def test_the_same_table_existing_before_makes_a_rename_err(old_set: MigrationSet,
                                                           new_set: MigrationSet) -> None:
    # A database that already applied agent_engine and lens_run_history (partially
    # upgraded): the tables exist, so renaming them breaks their readers.
    applied = {m.name for m in old_set.migrations} | {
        "20260930000000_agent_engine", "20261001000000_lens_run_history"}
    old = MigrationSet("partial", tuple(m for m in new_set.migrations if m.name in applied))
    report = plan(old, new_set)
    renamed = [f for f in report.findings if f.rule_id == "SQL_TABLE_RENAMED"]
    assert [f.severity for f in renamed] == ["ERR", "ERR", "ERR"]
    assert report.blocking


def test_relevel_by_policy_and_large_tables(old_set: MigrationSet,
                                            new_set: MigrationSet) -> None:
    policy = Policy(rules={"INDEX_NOT_CONCURRENT": "ERR", "WORK_OUTSIDE_MIGRATION": "INFO"},
                    large_tables=("LiteLLM_JWTKeyMapping",))
    report = plan(old_set, new_set, policy=policy)
    hits = _hits(report)
    jwt = "20260915000000_scope_jwt_key_mapping_by_issuer"
    assert ("ERR", "INDEX_NOT_CONCURRENT", jwt, 15) in hits
    # An index build on a large table holds SHARE for the build: the long-lock rule.
    assert ("ERR", "LONG_LOCK_ON_LARGE_TABLE", jwt, 15) in hits
    assert ("WARN", "LOCK_ON_LARGE_TABLE", jwt, 12) in hits  # ADD COLUMN jwt_issuer
    assert not any(f.table == "LiteLLM_SpendLogs" for f in report.findings)
    assert {f.severity for f in report.rules_fired("WORK_OUTSIDE_MIGRATION")} == {"INFO"}
    assert report.rules_fired("INDEX_NOT_CONCURRENT")[0].relevelled.startswith("WARN → ERR")
    assert report.exit_code() == 4


def test_acknowledged_err_no_longer_blocks(old_set: MigrationSet, new_set: MigrationSet) -> None:
    policy = Policy(rules={"TRIGGER_CHANGED": "ERR"})
    first = plan(old_set, new_set, policy=policy)
    (trigger,) = first.rules_fired("TRIGGER_CHANGED")
    assert first.blocking
    acks = Acknowledgements((Acknowledgement(trigger.fingerprint, "reviewed: cheap trigger",
                                             "TRIGGER_CHANGED"),))
    second = plan(old_set, new_set, policy=policy, acks=acks, today=date(2026, 12, 1))
    assert not second.blocking
    assert second.rules_fired("TRIGGER_CHANGED")[0].ack_reason == "reviewed: cheap trigger"
    assert second.counts()["acknowledged"] == 1


def test_sacred_and_used_cross_checks(old_set: MigrationSet, new_set: MigrationSet) -> None:
    partial = {m.name for m in old_set.migrations} | {"20261001000000_lens_run_history",
                                                      "20260930000000_agent_engine"}
    old = MigrationSet("partial", tuple(m for m in new_set.migrations if m.name in partial))
    cross = CrossCheck(
        sacred=frozenset({("LiteLLM_EngineRun", "engine_id")}),
        used={("LiteLLM_Engine", ""): ["backend/lens.py:12", "frontend/src/lens.ts:40"]},
    )
    report = plan(old, new_set, cross=cross)
    (used,) = report.rules_fired("USED_OBJECT_CHANGED")
    assert used.used_at == ("backend/lens.py:12", "frontend/src/lens.ts:40")
    assert (used.migration, used.line, used.severity) == ("20261001100000_rename_lens", 3, "ERR")
    sacred = report.rules_fired("SACRED_FIELD_TOUCHED")
    # The sacred field's table is renamed, then (under its new name) the field itself.
    assert {(f.table, f.column, f.line) for f in sacred} == {
        ("LiteLLM_EngineRun", "", 4), ("LiteLLM_LensRun", "engine_id", 11)}
    assert all(f.sacred and f.blocking for f in sacred)


def test_report_is_deterministic(old_set: MigrationSet, new_set: MigrationSet,
                                 report: MigrationReport) -> None:
    assert plan(old_set, new_set).to_dict() == report.to_dict()
