"""Contract: with a master key configured, LiteLLM refuses unauthenticated calls itself."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import _gateway


def test_auth_missing_key_401(client: Any) -> None:
    """Auth: with a master key configured, a request without a key is refused with 401 and an
    OpenAI-shaped error body ``{"error": {"message", "type", "code", ...}}``."""
    response = client.post(f"{_gateway.PREFIX}/v1/chat/completions", json=_gateway.chat_body())
    assert response.status_code == 401, (
        f"expected 401, got {response.status_code}: {response.text[:300]}"
    )
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"error body is not OpenAI-shaped: {body}"
    missing = [key for key in ("message", "type", "code") if key not in error]
    assert not missing, f"error object lacks {missing}: {error}"
    assert isinstance(error["message"], str) and error["message"]
