"""Contracts: the per-call metadata headers the gateway logs next to each request.

The gateway reads them on every kind of response it relays, so each kind has its own
contract: a version that drops them on streams only (1.80.0 does) fails exactly that one.
"""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import gateway

#: What the gateway reads on every successful response (chat, stream, embedding).
GATEWAY_HEADERS = (
    "x-litellm-call-id",
    "x-litellm-model-id",
    "x-litellm-model-group",
    "x-litellm-model-api-base",
    "x-litellm-attempted-retries",
    "x-litellm-attempted-fallbacks",
    "x-litellm-response-duration-ms",
)
#: On an error the request was routed for, the gateway still joins its log by call id.
ERROR_HEADERS = ("x-litellm-call-id",)


def _short(name: str) -> str:
    return name.removeprefix("x-litellm-")


def check_headers(
    response: Any, expected: tuple[str, ...], group: str | None, record_property: Any
) -> None:
    headers = response.headers
    missing = [name for name in expected if not headers.get(name)]
    record_property("missing_headers", ",".join(_short(n) for n in missing) or "none")
    present = sorted(_short(n) for n in headers if n.lower().startswith("x-litellm-"))
    record_property("litellm_headers", str(len(present)))
    assert not missing, f"missing metadata headers: {', '.join(missing)}"
    if group is not None:
        assert headers["x-litellm-model-group"] == group, (
            f"x-litellm-model-group is {headers['x-litellm-model-group']!r}, expected {group!r}"
        )


def test_metadata_headers(chat_response: Any, record_property: Any) -> None:
    """Metadata headers (chat): a non-streaming chat completion carries call id, model id,
    model group (= the requested group), model api base, attempted retries/fallbacks and
    response duration (``x-litellm-*``)."""
    assert chat_response.status_code == 200, chat_response.text[:300]
    check_headers(chat_response, GATEWAY_HEADERS, gateway.CHAT_MODEL, record_property)


def test_metadata_headers_stream(stream_response: Any, record_property: Any) -> None:
    """Metadata headers (stream): a streaming chat completion carries the same ``x-litellm-*``
    metadata headers as a non-streaming one."""
    assert stream_response.status_code == 200, stream_response.text[:300]
    check_headers(stream_response, GATEWAY_HEADERS, gateway.CHAT_MODEL, record_property)


def test_metadata_headers_embedding(embedding_response: Any, record_property: Any) -> None:
    """Metadata headers (embedding): an embedding carries the same ``x-litellm-*`` metadata
    headers, with the embedding's model group."""
    assert embedding_response.status_code == 200, embedding_response.text[:300]
    check_headers(embedding_response, GATEWAY_HEADERS, gateway.EMBED_MODEL, record_property)


def test_metadata_headers_error(unknown_model_response: Any, record_property: Any) -> None:
    """Metadata headers (error): an error for a request LiteLLM accepted (an unknown model)
    still carries ``x-litellm-call-id``, so the gateway can log the failure under its id."""
    assert unknown_model_response.status_code >= 400, unknown_model_response.text[:300]
    check_headers(unknown_model_response, ERROR_HEADERS, None, record_property)


def test_call_id_passthrough(client: Any) -> None:
    """Call id passthrough: a call id the gateway sends in ``x-litellm-call-id`` comes back
    unchanged, so gateway logs and LiteLLM's spend logs share one id."""
    call_id = "nemoctl-contract-call-0001"
    response = client.post(
        f"{gateway.PREFIX}/v1/chat/completions",
        json=gateway.chat_body(),
        headers={**gateway.auth(), "x-litellm-call-id": call_id},
    )
    assert response.status_code == 200, response.text[:300]
    assert response.headers.get("x-litellm-call-id") == call_id
