"""Contract: the per-call metadata headers the gateway logs next to each request."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import _gateway


def test_metadata_headers(chat_response: Any) -> None:
    """Metadata headers: ``x-litellm-call-id``, ``x-litellm-model-id`` and
    ``x-litellm-model-group`` (equal to the requested model group) are on every response."""
    assert chat_response.status_code == 200, chat_response.text[:300]
    headers = chat_response.headers
    missing = [
        name
        for name in ("x-litellm-call-id", "x-litellm-model-id", "x-litellm-model-group")
        if not headers.get(name)
    ]
    assert not missing, f"missing metadata headers: {', '.join(missing)}"
    assert headers["x-litellm-model-group"] == _gateway.CHAT_MODEL


def test_call_id_passthrough(client: Any) -> None:
    """Call id passthrough: a call id the gateway sends in ``x-litellm-call-id`` comes back
    unchanged, so gateway logs and LiteLLM's spend logs share one id."""
    call_id = "nemoctl-contract-call-0001"
    response = client.post(
        f"{_gateway.PREFIX}/v1/chat/completions",
        json=_gateway.chat_body(),
        headers={**_gateway.auth(), "x-litellm-call-id": call_id},
    )
    assert response.status_code == 200, response.text[:300]
    assert response.headers.get("x-litellm-call-id") == call_id
