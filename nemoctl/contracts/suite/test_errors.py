"""Contracts: errors LiteLLM raises after auth are OpenAI-shaped with a usable type and status."""

from __future__ import annotations

from typing import Any

from nemoctl.contracts.suite import gateway
from nemoctl.contracts.suite._errors import check_error


def test_error_unknown_model(unknown_model_response: Any, record_property: Any) -> None:
    """Unknown model: a request for a model group the proxy does not serve is refused with
    400/404 and an error whose ``type`` is a real error type and whose message is text."""
    check_error(unknown_model_response, {400, 404}, record_property)


def test_error_budget_exceeded(client: Any, record_property: Any) -> None:
    """Budget exceeded: once LiteLLM's budget (``litellm.max_budget``, the
    ``litellm_settings.max_budget`` setting) is spent, a call is refused with a 4xx and an
    OpenAI-shaped error naming the budget, not served and not a 5xx. The status is recorded:
    it has been 429, then 422."""
    import litellm

    saved = (litellm.max_budget, litellm._current_cost)
    litellm.max_budget, litellm._current_cost = 0.000001, 1.0
    try:
        response = client.post(
            f"{gateway.PREFIX}/v1/chat/completions",
            json=gateway.chat_body(),
            headers=gateway.auth(),
        )
    finally:
        litellm.max_budget, litellm._current_cost = saved
    error = check_error(response, set(range(400, 500)), record_property)
    assert "budget" in error["message"].lower(), f"the error does not name the budget: {error}"
