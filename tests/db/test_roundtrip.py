"""Generated pydantic models validate rows actually read back from PostgreSQL.

Rows go into a database built from the pinned migrations, come back through
psycopg (dicts, Json parsed, ``timestamp`` as UTC like Prisma), and must validate
with ``nemoctl_models``: BigInt beyond 2^53, DateTime, Json, arrays, enums, Bytes.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ValidationError

from nemoctl.db import DatabaseUrl, connect, prepare_connection, read_rows
from nemoctl.schema import Schema

BIG = 2**53 + 1  # not representable as a float64: proves BigInt stays an exact int
START = datetime(2026, 3, 1, 14, 5, 6, 789000, tzinfo=timezone(timedelta(hours=2)))
ORG_ID = "6f1c2a8e-3b9d-4c57-9e1a-2d4b8f0c7a31"

_INSERTS: list[tuple[str, tuple[Any, ...]]] = [
    ('INSERT INTO "LiteLLM_BudgetTable" (budget_id, max_budget, tpm_limit, model_max_budget, '
     'allowed_models, budget_reset_at, created_by, updated_by) '
     "VALUES (%s, %s, %s, %s, %s, %s, 'test', 'test')",
     ("budget-1", 125.5, BIG, Jsonb({"gpt-4o": {"max_budget": 10}}), ["gpt-4o", "o3"], START)),
    ('INSERT INTO "LiteLLM_OrganizationTable" (organization_id, organization_alias, budget_id, '
     "metadata, models, spend, model_spend, created_by, updated_by) "
     "VALUES (%s, %s, %s, %s, %s, %s, %s, 'test', 'test')",
     (ORG_ID, "acme", "budget-1", Jsonb({"tier": "gold", "nested": [1, 2, None]}),
      ["gpt-4o"], 12.25, Jsonb({"gpt-4o": 12.25}))),
    ('INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, '
     'prompt_tokens, completion_tokens, "startTime", "endTime", model, model_group, '
     "custom_llm_provider, metadata, request_tags, organization_id) "
     "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
     ("req-1", "acompletion", "hashed", 0.000225, 30, 10, 20, START,
      START + timedelta(milliseconds=850), "gpt-4o", "gpt-4o", "openai",
      Jsonb({"user_api_key_org_id": ORG_ID}), Jsonb(["prod", "team-a"]), ORG_ID)),
    ('INSERT INTO "LiteLLM_DailyUserSpend" (id, user_id, date, api_key, model, prompt_tokens, '
     "completion_tokens, spend, api_requests, updated_at) "
     "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
     ("day-1", "user-1", "2026-03-01", "hashed", "gpt-4o", BIG, BIG + 2, 99.5, 3, START)),
    ('INSERT INTO "LiteLLM_CronJob" (cronjob_id, pod_id, status, ttl) VALUES (%s, %s, %s, %s)',
     ("cron-1", "pod-a", "ACTIVE", START)),
    ('INSERT INTO "LiteLLM_SkillsTable" (skill_id, file_content, updated_at) '
     "VALUES (%s, %s, %s)", ("skill-1", b"PK\x03\x04\x00\xff", START)),
]


@pytest.fixture
def rows(migrated_copy: DatabaseUrl, pinned_schema: Schema) -> dict[str, dict[str, Any]]:
    with connect(migrated_copy) as conn:
        prepare_connection(conn)
        for statement, params in _INSERTS:
            conn.execute(statement.encode(), params)
        names = ("LiteLLM_BudgetTable", "LiteLLM_OrganizationTable", "LiteLLM_SpendLogs",
                 "LiteLLM_DailyUserSpend", "LiteLLM_CronJob", "LiteLLM_SkillsTable")
        return {name: read_rows(conn, pinned_schema, name)[0] for name in names}


def _models() -> dict[str, type[BaseModel]]:
    import nemoctl_models

    names = ("LiteLLM_BudgetTable", "LiteLLM_OrganizationTable", "LiteLLM_SpendLogs",
             "LiteLLM_DailyUserSpend", "LiteLLM_CronJob", "LiteLLM_SkillsTable")
    missing = [n for n in names if not hasattr(nemoctl_models, n)]
    if missing:
        pytest.fail(f"nemoctl_models lacks {', '.join(missing)}: the generated models for the "
                    "pinned schema are not committed (nemoctl generate)", pytrace=False)
    return {name: getattr(nemoctl_models, name) for name in names}


def test_rows_read_back_validate_with_generated_models(rows: dict[str, dict[str, Any]]) -> None:
    models = _models()
    parsed = {name: models[name].model_validate(row) for name, row in rows.items()}
    assert len(parsed) == 6

    spend = parsed["LiteLLM_SpendLogs"]
    assert spend.startTime == START  # type: ignore[attr-defined]
    assert spend.startTime.utcoffset() == timedelta(0)  # type: ignore[attr-defined]
    assert spend.metadata == {"user_api_key_org_id": ORG_ID}  # type: ignore[attr-defined]
    assert spend.request_tags == ["prod", "team-a"]  # type: ignore[attr-defined]
    assert spend.organization_id == ORG_ID  # type: ignore[attr-defined]
    assert spend.spend == pytest.approx(0.000225)  # type: ignore[attr-defined]

    daily = parsed["LiteLLM_DailyUserSpend"]
    assert daily.prompt_tokens == BIG  # type: ignore[attr-defined]
    assert type(daily.prompt_tokens) is int  # type: ignore[attr-defined]
    assert daily.completion_tokens == BIG + 2  # type: ignore[attr-defined]

    budget = parsed["LiteLLM_BudgetTable"]
    assert budget.tpm_limit == BIG  # type: ignore[attr-defined]
    assert budget.allowed_models == ["gpt-4o", "o3"]  # type: ignore[attr-defined]
    assert budget.budget_reset_at == START  # type: ignore[attr-defined]

    org = parsed["LiteLLM_OrganizationTable"]
    assert str(org.organization_id) == ORG_ID  # type: ignore[attr-defined]
    assert org.metadata == {"tier": "gold", "nested": [1, 2, None]}  # type: ignore[attr-defined]
    assert org.models == ["gpt-4o"]  # type: ignore[attr-defined]

    cron = parsed["LiteLLM_CronJob"]
    assert getattr(cron.status, "value", cron.status) == "ACTIVE"  # type: ignore[attr-defined]

    skill = parsed["LiteLLM_SkillsTable"]
    # Bytes travel as base64 text, as in Prisma's JSON protocol; the bytes survive exactly.
    content = skill.file_content  # type: ignore[attr-defined]
    raw = content if isinstance(content, bytes) else base64.b64decode(content)
    assert raw == b"PK\x03\x04\x00\xff"


def test_defaults_written_by_the_database_validate(rows: dict[str, dict[str, Any]]) -> None:
    # Columns the inserts left out come from the migrations' DEFAULTs (now(), 0, '{}').
    row = rows["LiteLLM_SpendLogs"]
    assert row["created_at"].tzinfo is UTC
    assert row["messages"] == {} and row["cache_hit"] == ""
    _models()["LiteLLM_SpendLogs"].model_validate(row)


def test_timestamps_are_naive_without_prepare_connection(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    with connect(migrated_copy) as conn:
        conn.execute(_INSERTS[4][0].encode(), _INSERTS[4][1])
        (row,) = read_rows(conn, pinned_schema, "LiteLLM_CronJob")
    assert row["ttl"].tzinfo is None  # why prepare_connection exists


def test_an_invalid_row_is_rejected(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    # A database where call_type allows NULL (what DB_COLUMN_NULLABILITY reports):
    # the row reads fine from PostgreSQL and the model refuses it.
    with connect(migrated_copy) as conn:
        prepare_connection(conn)
        conn.execute(b'ALTER TABLE "LiteLLM_SpendLogs" ALTER COLUMN "call_type" DROP NOT NULL')
        statement, params = _INSERTS[2]
        conn.execute(statement.encode(), params)
        conn.execute(b'UPDATE "LiteLLM_SpendLogs" SET call_type = NULL')
        (row,) = read_rows(conn, pinned_schema, "LiteLLM_SpendLogs")
    model = _models()["LiteLLM_SpendLogs"]
    with pytest.raises(ValidationError) as info:
        model.model_validate(row)
    assert "call_type" in str(info.value)
    with pytest.raises(ValidationError):
        model.model_validate({**row, "call_type": "x", "prompt_tokens": "many"})
