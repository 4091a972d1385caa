"""Contract: LiteLLM's proxy app runs mounted in-process inside the gateway's own FastAPI app."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import gateway


def test_in_process_mount(client: Any, chat_response: Any, record_property: Any) -> None:
    """In-process mount: LiteLLM's ``proxy_server.app`` mounted under a prefix, its lifespan run
    from the parent's, serves every configured model group (the suite's mocks and, under a
    gateway's proxy config, its groups) with no provider, network or database."""
    models = client.get(f"{gateway.PREFIX}/v1/models", headers=gateway.auth())
    assert models.status_code == 200, f"GET /v1/models: {models.status_code} {models.text[:300]}"
    served = {entry["id"] for entry in models.json()["data"]}
    configured = {str(e["model_name"]) for e in gateway.loaded_config().get("model_list", [])}
    record_property("model_groups", str(len(configured)))
    assert configured <= served, (
        f"config not loaded by the lifespan: models served are {sorted(served)}, "
        f"configured {sorted(configured)}"
    )
    assert chat_response.status_code == 200, (
        f"chat completion: {chat_response.status_code} {chat_response.text[:300]}"
    )
    message = chat_response.json()["choices"][0]["message"]["content"]
    assert message == gateway.CHAT_MOCK
