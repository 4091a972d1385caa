"""The committed models against real data: LiteLLM's own payloads and PostgreSQL-shaped rows."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest
from nemoctl_models import (
    COLUMNS,
    MODELS,
    TABLES,
    LiteLLM_SkillsTable,
    LiteLLM_SpendLogs,
    LiteLLM_SpendLogsInput,
    LiteLLM_VerificationToken,
    LiteLLM_VerificationTokenInput,
)
from pydantic import ValidationError

# Run in a fresh interpreter: LiteLLM's callbacks fire from its own worker threads,
# which a plain script drives reliably, and the 8 s import stays out of this process.
_PRODUCE_PAYLOAD = r"""
import os, sys, time
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
import litellm
from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy.spend_tracking.spend_tracking_utils import get_logging_payload
from pydantic_core import to_json
captured = {}
class Capture(CustomLogger):
    # LiteLLM calls this with keyword arguments: the parameter names matter.
    def log_success_event(self, kwargs, response_obj, start_time, end_time):
        captured.update(kwargs=kwargs, response=response_obj, start=start_time, end=end_time)
litellm.callbacks = [Capture()]
litellm.completion(model="gpt-4o", messages=[{"role": "user", "content": "hi"}],
                   mock_response="hello",
                   metadata={"user_api_key": "hashed-key", "user_api_key_team_id": "team-1"})
deadline = time.monotonic() + 20
while not captured and time.monotonic() < deadline:
    time.sleep(0.05)
if not captured:
    sys.exit("LiteLLM did not call the success callback")
payload = get_logging_payload(captured["kwargs"], captured["response"], captured["start"],
                              captured["end"])
sys.stdout.write(to_json(dict(payload)).decode())
"""


@pytest.fixture(scope="module")
def spend_logs_payload() -> dict[str, Any]:
    """A ``SpendLogsPayload`` built by LiteLLM itself from a real (mocked) completion, as JSON."""
    proc = subprocess.run(
        [sys.executable, "-c", _PRODUCE_PAYLOAD], capture_output=True, text=True, check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    payload: dict[str, Any] = json.loads(proc.stdout)
    return payload


def test_litellm_spend_logs_payload_is_a_valid_create_shape(
    spend_logs_payload: dict[str, Any],
) -> None:
    parsed = LiteLLM_SpendLogsInput.model_validate_json(json.dumps(spend_logs_payload))
    assert parsed.model_dump(exclude_unset=True).keys() == spend_logs_payload.keys()
    assert parsed.prompt_tokens == spend_logs_payload["prompt_tokens"]
    assert parsed.spend == pytest.approx(spend_logs_payload["spend"])
    # LiteLLM hands Json columns over as JSON text: still a JSON value (a string).
    assert json.loads(str(parsed.metadata)) == json.loads(spend_logs_payload["metadata"])


def test_litellm_payload_with_drift_is_rejected(spend_logs_payload: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="not_a_column"):
        LiteLLM_SpendLogsInput.model_validate({**spend_logs_payload, "not_a_column": 1})
    with pytest.raises(ValidationError, match="spend"):
        LiteLLM_SpendLogsInput.model_validate({**spend_logs_payload, "spend": "lots"})
    without_id = {k: v for k, v in spend_logs_payload.items() if k != "request_id"}
    with pytest.raises(ValidationError, match="request_id"):
        LiteLLM_SpendLogsInput.model_validate(without_id)


NOW = dt.datetime(2026, 11, 22, 12, 30, 1, 123000)  # timestamp(3), no time zone, as psycopg


def _pg_spend_row() -> dict[str, Any]:
    """A SpendLogs row as psycopg returns it (naive datetimes, jsonb decoded)."""
    return {
        "request_id": "chatcmpl-1", "call_type": "acompletion", "api_key": "88dc28",
        "spend": 0.000225, "total_tokens": 30, "prompt_tokens": 10, "completion_tokens": 20,
        "startTime": NOW, "endTime": NOW, "request_duration_ms": 812,
        "completionStartTime": None, "model": "gpt-4o", "model_id": "m-1",
        "model_group": "gpt-4o", "custom_llm_provider": "openai", "api_base": "",
        "user": "", "metadata": {"user_api_key_team_id": "t", "tags": ["a"]},
        "cache_hit": "False", "cache_key": "", "request_tags": [], "team_id": None,
        "organization_id": None, "end_user": "", "requester_ip_address": None,
        "messages": {}, "response": {}, "session_id": None, "status": "success",
        "mcp_namespaced_tool_name": None, "agent_id": None, "proxy_server_request": {},
        "created_at": NOW, "updated_at": NOW,
    }


def test_postgres_shaped_spend_log_row() -> None:
    row = LiteLLM_SpendLogs.model_validate(_pg_spend_row())
    assert row.startTime == NOW
    assert row.metadata == {"user_api_key_team_id": "t", "tags": ["a"]}
    as_json = json.loads(row.model_dump_json())
    assert as_json["startTime"] == "2026-11-22T12:30:01.123000"
    assert LiteLLM_SpendLogs.model_validate_json(row.model_dump_json()) == row


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"prompt_tokens": 2**31}, "prompt_tokens"),  # Int is 32-bit in PostgreSQL
        ({"spend": None}, "spend"),  # NOT NULL column
        ({"startTime": "yesterday"}, "startTime"),
        ({"model": ["gpt-4o"]}, "model"),
    ],
)
def test_invalid_spend_log_rows_are_rejected(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        LiteLLM_SpendLogs.model_validate({**_pg_spend_row(), **change})


def test_a_row_must_carry_every_column() -> None:
    row = _pg_spend_row()
    del row["model_group"]  # nullable, but a SELECT still returns the column
    with pytest.raises(ValidationError, match="model_group"):
        LiteLLM_SpendLogs.model_validate(row)


def test_verification_token_row_and_create_shape() -> None:
    big = 2**60  # BigInt beyond 2^53: exact in Python
    fields = LiteLLM_VerificationToken.model_fields
    row = {name: None for name in fields}
    row.update(
        token="hashed", soft_budget_cooldown=False, spend=0.0, models=["gpt-4o"], aliases={},
        config={}, permissions={}, metadata={}, tpm_limit=big, allowed_cache_controls=[],
        allowed_routes=[], policies=[], access_group_ids=[], model_spend={},
        model_max_budget={}, budget_fallbacks={}, created_at=NOW, updated_at=NOW,
    )
    parsed = LiteLLM_VerificationToken.model_validate(row)
    assert parsed.tpm_limit == big
    assert LiteLLM_VerificationToken.model_validate_json(parsed.model_dump_json()).tpm_limit == big
    with pytest.raises(ValidationError, match="tpm_limit"):
        LiteLLM_VerificationToken.model_validate({**row, "tpm_limit": 2**63})

    created = LiteLLM_VerificationTokenInput(token="hashed")
    assert created.model_dump(exclude_unset=True) == {"token": "hashed"}
    assert created.aliases == {} and created.spend == 0.0  # literal defaults are applied
    with pytest.raises(ValidationError, match="token"):
        LiteLLM_VerificationTokenInput()


def test_bytes_from_postgres_and_from_json_mean_the_same() -> None:
    fields = LiteLLM_SkillsTable.model_fields
    row: dict[str, Any] = {name: None for name in fields}
    row.update({k: NOW for k in ("created_at", "updated_at") if k in fields})
    for name, info in fields.items():
        if row[name] is None and info.is_required() and "None" not in str(info.annotation):
            row[name] = "x"
    from_pg = LiteLLM_SkillsTable.model_validate({**row, "file_content": b"PK\x03\x04zip"})
    text = base64.b64encode(b"PK\x03\x04zip").decode()
    from_json = LiteLLM_SkillsTable.model_validate({**row, "file_content": text})
    assert from_pg.file_content == from_json.file_content == b"PK\x03\x04zip"
    assert json.loads(from_pg.model_dump_json())["file_content"] == text
    with pytest.raises(ValidationError, match="base64"):
        LiteLLM_SkillsTable.model_validate({**row, "file_content": "not base64!"})


def test_metadata_tables() -> None:
    assert MODELS["LiteLLM_SpendLogs"] == (LiteLLM_SpendLogs, LiteLLM_SpendLogsInput)
    assert TABLES["LiteLLM_SpendLogs"] == "LiteLLM_SpendLogs"
    assert COLUMNS["LiteLLM_ModelTable"] == {"model_aliases": "aliases"}


def test_create_shape_defaults_have_the_column_type() -> None:
    from nemoctl_models import JobStatus, LiteLLM_CronJobInput, LiteLLM_DailyUserSpendInput

    # Prisma gives BigInt literals as strings; the default must still be an int.
    fields = LiteLLM_DailyUserSpendInput.model_fields
    assert fields["prompt_tokens"].default == 0 and type(fields["prompt_tokens"].default) is int
    assert type(fields["spend"].default) is float
    assert LiteLLM_CronJobInput.model_fields["status"].default is JobStatus.INACTIVE
