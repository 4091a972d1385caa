"""Contracts: LiteLLM's own payload types carry the sacred fields, and a spend-log payload
LiteLLM builds for a real (mock) call fits the table model nemoctl generates from its schema."""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any

from nemoctl.contracts.suite import gateway

#: field -> the Python type its annotation must mention (by name, across unions/Optional).
LOGGING_PAYLOAD_FIELDS = {
    "model_group": "str",
    "custom_llm_provider": "str",
    "prompt_tokens": "int",
    "response_cost": "float",
}
SPEND_LOG_PAYLOAD_FIELDS = {
    "model_group": "str",
    "custom_llm_provider": "str",
    "prompt_tokens": "int",
    "spend": "float",
    "organization_id": "str",
}
ORG_ID = "3f0c6f1e-8a51-4c2b-9a53-0d4d2a6b7c11"


def _annotations(typed_dict: Any) -> dict[str, str]:
    merged: dict[str, Any] = {}
    for klass in reversed(typed_dict.__mro__):
        merged.update(getattr(klass, "__annotations__", {}))
    return {name: _type_names(value) for name, value in merged.items()}


def _type_names(annotation: Any) -> str:
    """A flat text of every type an annotation mentions (``int | None`` -> ``int NoneType``)."""
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, typing.ForwardRef):  # a module using postponed annotations
        return annotation.__forward_arg__
    args = typing.get_args(annotation)
    if args:
        return " ".join(_type_names(arg) for arg in args)
    return getattr(annotation, "__name__", str(annotation))


def _check_fields(typed_dict: Any, expected: dict[str, str]) -> None:
    found = _annotations(typed_dict)
    problems = [f"{name} missing" for name in expected if name not in found]
    problems += [
        f"{name} is {found[name]!r}, expected {kind}"
        for name, kind in expected.items()
        if name in found and kind not in re.findall(r"[A-Za-z_][\w.]*", found[name])
    ]
    assert not problems, f"{typed_dict.__module__}.{typed_dict.__name__}: " + "; ".join(problems)


def test_logging_payload_fields() -> None:
    """Typed payloads (logging): ``litellm.types.utils.StandardLoggingPayload`` still declares
    model_group, custom_llm_provider, prompt_tokens (int) and response_cost (float)."""
    from litellm.types.utils import StandardLoggingPayload

    _check_fields(StandardLoggingPayload, LOGGING_PAYLOAD_FIELDS)


def test_spend_log_payload_fields() -> None:
    """Typed payloads (spend log): ``litellm.proxy._types.SpendLogsPayload`` still declares
    model_group, custom_llm_provider, prompt_tokens (int), spend (float) and organization_id."""
    from litellm.proxy._types import SpendLogsPayload

    _check_fields(SpendLogsPayload, SPEND_LOG_PAYLOAD_FIELDS)


def _spend_log_payload(kwargs: dict[str, Any], response: Any, start: Any, end: Any) -> Any:
    from litellm.proxy.spend_tracking.spend_tracking_utils import get_logging_payload

    return get_logging_payload(kwargs=kwargs, response_obj=response, start_time=start, end_time=end)


def _accepts_str(annotation: Any) -> bool:
    if annotation is str or annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType or origin is typing.Annotated:
        return any(_accepts_str(arg) for arg in typing.get_args(annotation))
    return False


def stored_row(
    payload: dict[str, Any], model: Any, inserted_at: Any, insert_model: Any = None
) -> dict[str, Any]:
    """The row PostgreSQL would hold after LiteLLM inserts ``payload``.

    LiteLLM sends Json columns as JSON text, which the database stores decoded.  Columns
    the payload leaves out get their schema default, which the generated create shape
    (``<Model>Input``) carries; ``created_at``/``updated_at`` (``now()``) get the insert time.
    """
    columns = {(info.alias or name): info for name, info in model.model_fields.items()}
    unknown = sorted(set(payload) - set(columns))
    assert not unknown, f"LiteLLM's spend-log payload has keys the table lacks: {unknown}"
    row: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, str) and value and not _accepts_str(columns[key].annotation):
            try:
                value = json.loads(value)
            except ValueError:
                raise AssertionError(
                    f"column {key} is Json but LiteLLM sends non-JSON text {value[:80]!r}"
                ) from None
        row[key] = value
    if insert_model is not None:
        row = insert_model.model_validate(row).model_dump(by_alias=True)
    for column in ("created_at", "updated_at"):
        if column in columns and row.get(column) is None:
            row[column] = inserted_at
    return row


def test_spend_log_payload_validates(
    client: Any, capture: gateway.CallCapture, record_property: Any
) -> None:
    """Spend-log payload: the ``SpendLogsPayload`` LiteLLM builds (``get_logging_payload``) for a
    mock call through the gateway fits the generated insert shape (``LiteLLM_SpendLogsInput``)
    and, stored as PostgreSQL would store it, the generated ``LiteLLM_SpendLogs`` row model."""
    # Generated per LiteLLM version by `nemoctl generate`; the runner picks the directory
    # (for `--version X`, models rendered for X) and the package name.
    import importlib

    models = importlib.import_module(gateway.models_package())
    LiteLLM_SpendLogs = models.LiteLLM_SpendLogs
    insert_shape = getattr(models, "LiteLLM_SpendLogsInput", None)

    response = client.post(
        f"{gateway.PREFIX}/v1/chat/completions", json=gateway.chat_body(), headers=gateway.auth()
    )
    assert response.status_code == 200, response.text[:300]
    kwargs, result, start, end = capture.wait_for(response.headers["x-litellm-call-id"])
    payload = _spend_log_payload(kwargs, result, start, end)
    record_property("payload_keys", ",".join(sorted(payload)))
    stored = stored_row(dict(payload), LiteLLM_SpendLogs, end, insert_shape)
    row = LiteLLM_SpendLogs.model_validate(stored)
    assert row.model_group == gateway.CHAT_MODEL
    assert row.prompt_tokens > 0
    assert row.spend > 0


def test_spend_log_organization_id(capture: gateway.CallCapture) -> None:
    """Organization join key: the organization UUID LiteLLM's auth puts in a call's metadata
    (``user_api_key_org_id``) lands unchanged in the spend-log payload's ``organization_id``."""
    import litellm

    call_id = "nemoctl-contract-org-0001"
    litellm.completion(
        model="openai/gpt-4o",
        messages=[{"role": "user", "content": "hi"}],
        mock_response="hi",
        api_key="fake-key-never-sent",
        metadata={"user_api_key_org_id": ORG_ID},
        litellm_call_id=call_id,
    )
    payload = _spend_log_payload(*capture.wait_for(call_id))
    found = payload.get("organization_id", "<absent>")
    assert found == ORG_ID, f"spend-log organization_id is {found!r}, expected {ORG_ID}"
