"""Secrets never leak; management rows are typed (columns of the pinned schema); config."""

from __future__ import annotations

import hashlib
import logging
import pickle
import traceback
from pathlib import Path

import httpx
import pytest

from nemoctl import AuthenticationError, Gateway, GatewayError
from nemoctl.client import ENV_API_KEY, ENV_BASE_URL, ResponseValidationError, Secret
from nemoctl.client.types import SpendLogRow, VerificationToken
from nemoctl.schema.model import Schema
from nemoctl.schema.parser import parse_file
from tests.sdk.fault_server import FaultServer, Reply, error

KEY = "sk-secret-never-shown-6f1e2d3c4b5a69788796a5b4c3d2e1f0"
MESSAGES = [{"role": "user", "content": "hi"}]


def test_key_is_absent_from_reprs_errors_tracebacks_and_logs(
    fault: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    # The gateway's error message echoes the key (some versions do): it must be scrubbed.
    fault.serve(error(401, "auth_error", message=f"Invalid key {KEY}"))
    caplog.set_level(logging.DEBUG)
    gw = Gateway(base_url=fault.url, api_key=KEY)
    assert KEY not in repr(gw) and KEY not in str(gw.api_key) and KEY not in f"{gw.api_key}"
    with pytest.raises(AuthenticationError) as caught:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    exc = caught.value
    rendered = "".join(traceback.format_exception(exc))
    for text in (str(exc), repr(exc), rendered, str(exc.body), caplog.text):
        assert KEY not in text
    assert "sk-***" in exc.message
    assert fault.attempts[0].headers["authorization"] == f"Bearer {KEY}"
    gw.close()


def test_retry_logs_name_the_call_not_the_key(
    fault: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    fault.serve(error(503, "x", **{"retry-after-ms": "5"}), Reply())
    caplog.set_level(logging.INFO, logger="nemoctl.client")
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert "retrying POST /v1/chat/completions" in caplog.text
    assert KEY not in caplog.text


def test_key_info_for_another_key_keeps_it_out_of_httpx_logs(
    fault: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    other = "sk-another-key-queried-by-an-admin-123456"
    fault.serve(error(404, "not_found_error"))
    caplog.set_level(logging.INFO)
    with Gateway(base_url=fault.url, api_key=KEY) as gw, pytest.raises(GatewayError) as caught:
        gw.keys.info(other)
    # LiteLLM takes the key's hash in the URL: the key itself never travels in one.
    assert fault.attempts[0].path == f"/key/info?key={hashlib.sha256(other.encode()).hexdigest()}"
    assert "/key/info?key=%2A%2A%2A" in caplog.text or "/key/info?key=***" in caplog.text
    assert other not in caplog.text and other not in repr(caught.value)
    assert other not in str(caught.value.response.url)


def test_secret_refuses_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(KEY))


@pytest.fixture(scope="module")
def pinned_schema() -> Schema:
    """The schema.prisma of the installed (pinned) LiteLLM, parsed by the real Prisma parser.

    Located through the distribution's metadata: importing litellm costs seconds and, without
    LITELLM_LOCAL_MODEL_COST_MAP, tries the network."""
    from importlib.metadata import distribution

    return parse_file(Path(str(distribution("litellm").locate_file("litellm/proxy/schema.prisma"))))


def _row_of(schema: Schema, model: str) -> dict[str, object]:
    found = schema.model(model)
    assert found is not None
    return {f.name: None for f in found.fields if f.kind != "object"}


@pytest.mark.parametrize(
    ("row_model", "table"),
    [(VerificationToken, "LiteLLM_VerificationToken"), (SpendLogRow, "LiteLLM_SpendLogs")],
)
def test_row_models_name_real_columns_of_the_pinned_schema(
    pinned_schema: Schema, row_model: type[object], table: str
) -> None:
    columns = set(_row_of(pinned_schema, table))
    declared = set(row_model.model_fields)  # type: ignore[attr-defined]
    assert declared <= columns, f"not columns of {table}: {sorted(declared - columns)}"
    assert len(declared) >= 20


def test_key_info_is_typed_and_keeps_no_raw_key(fault: FaultServer, pinned_schema: Schema) -> None:
    # What LiteLLM 1.102.4's /key/info returns: the row minus `token`, the raw key echoed,
    # the joined budget table.
    info = _row_of(pinned_schema, "LiteLLM_VerificationToken")
    del info["token"]
    info.update(
        key_alias="billing-service", spend=1.25, max_budget=10.0, models=["gpt-mock"],
        soft_budget_cooldown=False, allowed_cache_controls=[], allowed_routes=[], policies=[],
        access_group_ids=[], created_at="2026-11-01T12:00:00Z", metadata={"team": "a"},
        litellm_budget_table=None,
    )  # fmt: skip
    fault.serve(Reply(body={"key": KEY, "info": info}, headers={}))
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        ki = gw.keys.info()
    assert isinstance(ki.info, VerificationToken)
    assert ki.info.spend == 1.25 and ki.info.key_alias == "billing-service"
    assert ki.info.created_at is not None and ki.info.created_at.year == 2026
    assert ki.info.token == hashlib.sha256(KEY.encode()).hexdigest()
    assert "litellm_budget_table" in ki.extra and "policies" in ki.extra
    assert KEY not in repr(ki)
    assert ki.raw is not None and KEY not in ki.raw.url
    # The gateway echoed the raw key in the body: what the SDK keeps of it is masked.
    assert KEY not in ki.raw.text and KEY.encode() not in ki.raw.content
    assert ki.raw.json()["key"] == "sk-***"
    assert fault.attempts[0].path == "/key/info"


def test_spend_logs_rows_are_typed_and_skew_is_explained(
    fault: FaultServer, pinned_schema: Schema
) -> None:
    row = _row_of(pinned_schema, "LiteLLM_SpendLogs")
    row.update(
        request_id="call-1", call_type="acompletion", api_key="hashed", spend=0.00018,
        total_tokens=30, prompt_tokens=10, completion_tokens=20, model="gpt-4o",
        model_group="gpt-mock", startTime="2026-11-22T10:00:00Z", endTime="2026-11-22T10:00:01Z",
        created_at="2026-11-22T10:00:01Z", updated_at="2026-11-22T10:00:01Z", metadata={},
    )  # fmt: skip
    fault.serve(Reply(body=[row, {**row, "request_id": "call-2", "spend": 0.00002}], headers={}))
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        logs = gw.spend.logs(request_id="call-1", start_date="2026-11-22")
        assert [r.request_id for r in logs.rows] == ["call-1", "call-2"]
        assert isinstance(logs.rows[0], SpendLogRow)
        assert logs.rows[0].startTime is not None and logs.rows[0].startTime.hour == 10
        assert logs.total_spend == pytest.approx(0.0002)
        assert "summarize=false" in fault.attempts[0].path
        del row["spend"]
        fault.serve(Reply(body=[row], headers={}))
        with pytest.raises(ResponseValidationError, match=r"LiteLLM_SpendLogs.*spend"):
            gw.spend.logs()


def test_configuration_from_the_environment(
    fault: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_BASE_URL, fault.url + "/v1/")
    monkeypatch.setenv(ENV_API_KEY, KEY)
    with Gateway() as gw:
        assert gw.base_url == fault.url
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert fault.attempts[0].path == "/v1/chat/completions"
    assert fault.attempts[0].headers["authorization"] == f"Bearer {KEY}"
    monkeypatch.delenv(ENV_BASE_URL)
    with pytest.raises(GatewayError, match=ENV_BASE_URL):
        Gateway()


def test_user_supplied_http_client_is_used_and_left_open(fault: FaultServer) -> None:
    seen: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.url.path)]})
    with Gateway(base_url=fault.url, api_key=KEY, http_client=http) as gw:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, temperature=0)
    assert seen == ["/v1/chat/completions"]
    assert not http.is_closed
    assert fault.attempts[0].json()["temperature"] == 0
    http.close()


def test_a_non_json_answer_is_a_validation_error_not_a_crash(fault: FaultServer) -> None:
    fault.serve(Reply(body=b"<html>proxy</html>"))
    with Gateway(base_url=fault.url, api_key=KEY) as gw, pytest.raises(ResponseValidationError):
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)


def test_a_non_openai_error_body_still_maps_by_status(fault: FaultServer) -> None:
    fault.serve(Reply(status=403, body={"detail": "nope"}, headers={}))
    with Gateway(base_url=fault.url, api_key=KEY) as gw, pytest.raises(GatewayError) as caught:
        gw.models.list()
    assert type(caught.value).__name__ == "PermissionDeniedError"
    assert caught.value.message == "nope"


def test_import_nemoctl_stays_light_and_the_sdk_needs_no_generated_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nemoctl; print('httpx' in sys.modules, 'pydantic' in sys.modules);"
        "nemoctl.Gateway; import nemoctl.client.types.management;"
        "print(sorted(m for m in sys.modules if m.startswith('nemoctl_models')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False False", "[]"]


def test_a_body_that_cannot_be_decoded_is_a_validation_error(fault: FaultServer) -> None:
    fault.serve(Reply(body=b"not gzip at all", headers={"content-encoding": "gzip"}))
    with Gateway(base_url=fault.url, api_key=KEY) as gw, pytest.raises(ResponseValidationError):
        gw.models.list()
    assert len(fault.attempts) == 1


def test_error_messages_get_the_cli_redaction_too(fault: FaultServer) -> None:
    # A gateway error that echoes its database URL or an upstream provider's header:
    # the SDK masks what nemoctl.redact masks for the CLI, not only gateway keys.
    leak = ("db postgresql://litellm:hunter2-pass@db:5432/litellm unreachable; "
            "upstream said Authorization: Bearer prov-7f3a9c2e1d; retry ?api_key=prov-secret")
    fault.serve(error(500, "internal_error", message=leak))
    gw = Gateway(base_url=fault.url, api_key=KEY, max_retries=0)
    with pytest.raises(GatewayError) as caught:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    text = f"{caught.value} {caught.value!r} {caught.value.body}"
    for secret in ("hunter2-pass", "prov-7f3a9c2e1d", "prov-secret"):
        assert secret not in text
    assert "postgresql://litellm:***@db:5432" in str(caught.value)
    gw.close()
