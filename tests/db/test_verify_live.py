"""`db verify` on live databases: clean, broken sacred fields, missing tables, extras."""

from __future__ import annotations

import json

import pytest

from nemoctl.db import DatabaseUrl, DbReport, connect, verify_database
from nemoctl.errors import ExitCode
from nemoctl.schema import Schema, parse_text
from tests.db.conftest import PINNED_SCHEMA, SACRED, execute, run_cli, scratch_database


def _verify(url: DatabaseUrl, schema: Schema) -> DbReport:
    return verify_database(url, schema, schema_source="pinned", sacred=SACRED).report


def test_pinned_migrations_match_pinned_schema(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    report = _verify(migrated_copy, pinned_schema)
    assert report.findings == ()
    assert report.models_checked == len(pinned_schema.models) == 77
    assert report.columns_checked > 1000
    assert [s.state for s in report.sacred] == ["ok"] * len(SACRED)
    assert report.exit_code() is ExitCode.OK


def test_dropped_sacred_column_blocks_and_is_named(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy, 'ALTER TABLE "LiteLLM_SpendLogs" DROP COLUMN "model_group"')
    report = _verify(migrated_copy, pinned_schema)
    first = report.findings[0]
    assert (first.rule_id, first.severity, first.sacred) == ("DB_COLUMN_MISSING", "ERR", True)
    assert (first.model, first.field, first.column) == ("LiteLLM_SpendLogs", "model_group",
                                                         "model_group")
    assert "LiteLLM_SpendLogs.model_group" in first.message
    status = {(s.model, s.field): s.state for s in report.sacred}
    assert status[("LiteLLM_SpendLogs", "model_group")] == "missing"
    assert report.blocking
    assert report.exit_code() is ExitCode.BLOCKED


def test_retyped_sacred_bigint_is_an_error_not_a_variant(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    # BigInt narrowed to integer: values above 2^31 would no longer fit.
    execute(migrated_copy,
            'ALTER TABLE "LiteLLM_DailyUserSpend" ALTER COLUMN "prompt_tokens" TYPE integer')
    report = _verify(migrated_copy, pinned_schema)
    (finding,) = report.findings
    assert finding.rule_id == "DB_COLUMN_TYPE"
    assert finding.sacred and finding.severity == "ERR"
    assert finding.expected == "bigint NOT NULL"
    assert finding.actual == "integer NOT NULL"
    assert report.exit_code() is ExitCode.BLOCKED


def test_sacred_nullability_change_blocks(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy,
            'ALTER TABLE "LiteLLM_SpendLogs" ALTER COLUMN "spend" DROP NOT NULL')
    report = _verify(migrated_copy, pinned_schema)
    (finding,) = report.findings
    assert (finding.rule_id, finding.field, finding.sacred) == (
        "DB_COLUMN_NULLABILITY", "spend", True)
    assert report.exit_code() is ExitCode.BLOCKED


def test_non_sacred_problems_are_findings_and_sacred_ones_come_first(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy, """
        ALTER TABLE "LiteLLM_AuditLog" ALTER COLUMN "updated_values" TYPE json;
        ALTER TABLE "LiteLLM_BudgetTable" ALTER COLUMN "max_budget" TYPE text;
        ALTER TABLE "LiteLLM_SpendLogs" ALTER COLUMN "custom_llm_provider" TYPE varchar(64);
    """)
    report = _verify(migrated_copy, pinned_schema)
    rules = [(f.rule_id, f.severity, f.model, f.field) for f in report.findings]
    assert rules == [
        # A varchar would be a mere variant, but not on a sacred field.
        ("DB_COLUMN_TYPE_VARIANT", "ERR", "LiteLLM_SpendLogs", "custom_llm_provider"),
        ("DB_COLUMN_TYPE", "ERR", "LiteLLM_BudgetTable", "max_budget"),
        ("DB_COLUMN_TYPE_VARIANT", "WARN", "LiteLLM_AuditLog", "updated_values"),
    ]


def test_non_sacred_retype_is_exit_1_not_4(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy, 'ALTER TABLE "LiteLLM_BudgetTable" ALTER COLUMN "rpm_limit" TYPE text')
    report = _verify(migrated_copy, pinned_schema)
    assert not report.blocking
    assert report.exit_code() is ExitCode.FINDINGS


def test_missing_table_is_reported_with_its_sacred_fields(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy, 'DROP TABLE "LiteLLM_DailyUserSpend"')
    report = _verify(migrated_copy, pinned_schema)
    (finding,) = report.findings
    assert finding.rule_id == "DB_TABLE_MISSING"
    assert finding.table == "LiteLLM_DailyUserSpend"
    assert finding.sacred and "prompt_tokens" in finding.message
    assert report.exit_code() is ExitCode.BLOCKED


def test_missing_non_sacred_table_is_an_error_finding(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy, 'DROP TABLE "LiteLLM_CronJob"')
    report = _verify(migrated_copy, pinned_schema)
    assert [(f.rule_id, f.table, f.sacred) for f in report.findings] == [
        ("DB_TABLE_MISSING", "LiteLLM_CronJob", False)]
    assert report.exit_code() is ExitCode.FINDINGS


def test_map_is_honoured(migrated_copy: DatabaseUrl, pinned_schema: Schema) -> None:
    # LiteLLM_ModelTable.model_aliases is @map("aliases"): the column, not the field, is checked.
    execute(migrated_copy, 'ALTER TABLE "LiteLLM_ModelTable" DROP COLUMN "aliases"')
    (finding,) = _verify(migrated_copy, pinned_schema).findings
    assert (finding.field, finding.column) == ("model_aliases", "aliases")


def test_extra_tables_and_columns_are_reported_not_failed(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy, """
        CREATE TABLE "gateway_ledger" (id bigint PRIMARY KEY);
        ALTER TABLE "LiteLLM_SpendLogs" ADD COLUMN "gateway_note" text;
    """)
    report = _verify(migrated_copy, pinned_schema)
    assert sorted((f.rule_id, f.severity, f.table) for f in report.findings) == [
        ("DB_COLUMN_EXTRA", "INFO", "LiteLLM_SpendLogs"),
        ("DB_TABLE_EXTRA", "INFO", "gateway_ledger"),
    ]
    assert report.exit_code() is ExitCode.OK
    assert report.exit_code("INFO") is ExitCode.FINDINGS


def test_extra_not_null_column_without_default_warns(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    execute(migrated_copy,
            'ALTER TABLE "LiteLLM_SpendLogs" ADD COLUMN "tenant" text NOT NULL DEFAULT \'x\';'
            'ALTER TABLE "LiteLLM_SpendLogs" ALTER COLUMN "tenant" DROP DEFAULT')
    (finding,) = _verify(migrated_copy, pinned_schema).findings
    assert (finding.rule_id, finding.severity) == ("DB_COLUMN_EXTRA_REQUIRED", "WARN")


def test_enum_values_are_checked(migrated_copy: DatabaseUrl, pinned_schema: Schema) -> None:
    schema = parse_text(PINNED_SCHEMA.read_text().replace(
        "enum JobStatus {\n  ACTIVE\n  INACTIVE\n}", "enum JobStatus {\n  ACTIVE\n  INACTIVE\n"
        "  PAUSED\n}"))
    execute(migrated_copy, "ALTER TYPE \"JobStatus\" ADD VALUE 'ARCHIVED'")
    report = _verify(migrated_copy, schema)
    assert sorted((f.rule_id, f.severity, f.column) for f in report.findings) == [
        ("DB_ENUM_VALUE_EXTRA", "INFO", "ARCHIVED"),
        ("DB_ENUM_VALUE_MISSING", "ERR", "PAUSED"),
    ]


_MAPPED_SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Tier {
  FREE  @map("free")
  PAID  @map("paid")
  @@map("tier_kind")
}

model Org {
  id        String   @id @default(uuid()) @map("org_id")
  tier      Tier     @default(FREE)
  tags      String[]
  tiers     Tier[]
  seen_at   DateTime @default(now())
  budget    Decimal?
  blob      Bytes?
  tokens    BigInt   @default(0)
  @@map("orgs")
}
"""


def test_map_and_table_map_enums_arrays_decimal_bytes(server: DatabaseUrl) -> None:
    schema = parse_text(_MAPPED_SCHEMA)
    with scratch_database(server) as url:
        execute(url, """
            CREATE TYPE tier_kind AS ENUM ('free', 'paid');
            CREATE TABLE orgs (
                org_id text PRIMARY KEY, tier tier_kind NOT NULL DEFAULT 'free', tags text[],
                tiers tier_kind[], seen_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                budget numeric(65,30), blob bytea, tokens bigint NOT NULL DEFAULT 0);
        """)
        clean = verify_database(url, schema, schema_source="mapped").report
        assert clean.findings == ()
        assert clean.columns_checked == 8
        execute(url, """
            ALTER TABLE orgs ALTER COLUMN seen_at TYPE timestamptz;
            ALTER TABLE orgs ALTER COLUMN budget TYPE numeric(10,2);
            ALTER TABLE orgs ALTER COLUMN tags TYPE varchar[];
        """)
        report = verify_database(url, schema, schema_source="mapped").report
    assert sorted((f.rule_id, f.severity, f.field) for f in report.findings) == [
        ("DB_COLUMN_TYPE_VARIANT", "WARN", "budget"),
        ("DB_COLUMN_TYPE_VARIANT", "WARN", "seen_at"),
        ("DB_COLUMN_TYPE_VARIANT", "WARN", "tags"),
    ]


def test_verify_session_is_read_only(migrated_copy: DatabaseUrl) -> None:
    import psycopg

    with connect(migrated_copy, read_only=True) as conn, pytest.raises(
            psycopg.errors.ReadOnlySqlTransaction):
        conn.execute('CREATE TABLE "should_not_exist" (id int)')


def test_cli_verifies_a_live_database_in_every_format(
    migrated_copy: DatabaseUrl,
) -> None:
    execute(migrated_copy, 'ALTER TABLE "LiteLLM_BudgetTable" ALTER COLUMN "rpm_limit" TYPE text')
    args = ("db", "verify", "--schema", str(PINNED_SCHEMA))
    env = {"DATABASE_URL": migrated_copy.conninfo}
    human = run_cli(*args, env=env)
    assert human.returncode == 1, human.stderr
    assert "DB_COLUMN_TYPE" in human.stdout and "rpm_limit" in human.stdout
    as_json = run_cli(*args, "--format", "json", "--database-url", migrated_copy.conninfo)
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data["counts"] == {"ERR": 1, "WARN": 0, "INFO": 0}
    assert data["findings"][0]["field"] == "rpm_limit"
    markdown = run_cli(*args, "--format", "markdown", env=env)
    assert "| ERR | `DB_COLUMN_TYPE` | `LiteLLM_BudgetTable.rpm_limit` |" in markdown.stdout
    github = run_cli(*args, "--format", "github", env=env)
    assert github.stdout.startswith("::error title=DB_COLUMN_TYPE::LiteLLM_BudgetTable.rpm_limit")
    lenient = run_cli(*args, "--fail-on", "ERR", "--format", "json", env=env)
    assert lenient.returncode == 1


def test_repository_sacred_fields_all_hold_on_the_pinned_migrations(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    from nemoctl.db._sacred import load_sacred_keys
    from tests.db.conftest import ROOT

    keys = load_sacred_keys(ROOT / "schemas" / "sacred_fields.toml")
    assert len(keys) >= 10
    report = verify_database(migrated_copy, pinned_schema, schema_source="pinned",
                             sacred=keys).report
    assert report.findings == ()
    assert {s.state for s in report.sacred} == {"ok"}


def test_sacred_declaration_disagreeing_with_the_schema_blocks(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    report = verify_database(migrated_copy, pinned_schema, schema_source="pinned", sacred=[
        ("LiteLLM_SpendLogs", "prompt_tokens", "BigInt"),   # the schema says Int
        ("LiteLLM_SpendLogs", "gone_field", "String"),
    ]).report
    assert sorted((f.rule_id, f.field, f.sacred) for f in report.findings) == [
        ("DB_SACRED_NOT_IN_SCHEMA", "gone_field", True),
        ("DB_SACRED_TYPE_CHANGED", "prompt_tokens", True),
    ]
    assert report.exit_code() is ExitCode.BLOCKED
    assert {(s.field, s.state) for s in report.sacred} == {
        ("prompt_tokens", "mismatch"), ("gone_field", "not-in-schema")}


def test_cli_defaults_to_the_snapshot_and_the_repository_sacred_fields(
    migrated_copy: DatabaseUrl,
) -> None:
    execute(migrated_copy, 'ALTER TABLE "LiteLLM_SpendLogs" DROP COLUMN "organization_id"')
    result = run_cli("db", "verify", "--format", "json",
                     env={"DATABASE_URL": migrated_copy.conninfo})
    assert result.returncode == 4, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"]["source"] == "schemas/schema.prisma"
    broken = [s for s in data["sacred"] if s["state"] != "ok"]
    assert [(s["model"], s["field"], s["state"]) for s in broken] == [
        ("LiteLLM_SpendLogs", "organization_id", "missing")]
    assert len(data["sacred"]) >= 10
