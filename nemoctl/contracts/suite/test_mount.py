"""Contract: LiteLLM's proxy app runs mounted in-process inside the gateway's own FastAPI app."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import _gateway


def test_in_process_mount(client: Any, chat_response: Any) -> None:
    """In-process mount: LiteLLM's ``proxy_server.app`` mounted under a prefix, its lifespan run
    from the parent's, serves the configured mock models with no provider, network or database."""
    models = client.get(f"{_gateway.PREFIX}/v1/models", headers=_gateway.auth())
    assert models.status_code == 200, f"GET /v1/models: {models.status_code} {models.text[:300]}"
    served = {entry["id"] for entry in models.json()["data"]}
    assert {_gateway.CHAT_MODEL, _gateway.EMBED_MODEL} <= served, (
        f"config not loaded by the lifespan: models served are {sorted(served)}"
    )
    assert chat_response.status_code == 200, (
        f"chat completion: {chat_response.status_code} {chat_response.text[:300]}"
    )
    message = chat_response.json()["choices"][0]["message"]["content"]
    assert message == _gateway.CHAT_MOCK
