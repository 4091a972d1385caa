"""Contracts: with a master key configured, LiteLLM refuses unauthenticated calls itself."""

from __future__ import annotations

from typing import Any

import pytest

from nemoctl.contracts.suite import gateway
from nemoctl.contracts.suite._errors import check_error

NO_MASTER_KEY = (
    "no master key: the config sets no general_settings.master_key and LITELLM_MASTER_KEY "
    "is not set, so the proxy runs unauthenticated (older releases) or refuses to start "
    "(newer ones)"
)


def _require_master_key(record_property: Any) -> None:
    if gateway.configured_master_key() is None:
        record_property("master_key", "absent")
        pytest.fail(NO_MASTER_KEY, pytrace=False)


def test_auth_missing_key_401(client: Any, record_property: Any) -> None:
    """Auth (no key): with a master key configured, a request without a key is refused with
    401 and an OpenAI-shaped error body ``{"error": {"message", "type", "code", ...}}``.
    Fails with "no master key" when the consumer's config and environment resolve none."""
    _require_master_key(record_property)
    response = client.post(f"{gateway.PREFIX}/v1/chat/completions", json=gateway.chat_body())
    check_error(response, {401}, record_property)


def test_auth_bad_key_refused(client: Any, record_property: Any) -> None:
    """Auth (bad key): a key that is not the master key (and, with no database, cannot be a
    virtual key) is refused with a 4xx OpenAI-shaped error, never served and never a 5xx."""
    _require_master_key(record_property)
    response = client.post(
        f"{gateway.PREFIX}/v1/chat/completions",
        json=gateway.chat_body(),
        headers={"Authorization": "Bearer sk-nemoctl-contracts-not-a-valid-key-0000"},
    )
    check_error(response, {400, 401, 403}, record_property)
