"""Contracts: with a master key configured, LiteLLM refuses unauthenticated calls itself."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import gateway
from nemoctl.contracts.suite._errors import check_error


def test_auth_missing_key_401(client: Any, record_property: Any) -> None:
    """Auth (no key): with a master key configured, a request without a key is refused with
    401 and an OpenAI-shaped error body ``{"error": {"message", "type", "code", ...}}``."""
    response = client.post(f"{gateway.PREFIX}/v1/chat/completions", json=gateway.chat_body())
    check_error(response, {401}, record_property)


def test_auth_bad_key_refused(client: Any, record_property: Any) -> None:
    """Auth (bad key): a key that is not the master key (and, with no database, cannot be a
    virtual key) is refused with a 4xx OpenAI-shaped error, never served and never a 5xx."""
    response = client.post(
        f"{gateway.PREFIX}/v1/chat/completions",
        json=gateway.chat_body(),
        headers={"Authorization": "Bearer sk-nemoctl-contracts-not-a-valid-key-0000"},
    )
    check_error(response, {400, 401, 403}, record_property)
