"""Contract: the SDK-level mock path the gateway's own tests and fallbacks use."""

from __future__ import annotations


def test_sdk_mock_completion_usage_cost() -> None:
    """SDK-level: ``litellm.completion(..., mock_response=...)`` returns usage with prompt_tokens
    and a non-negative response cost in ``_hidden_params["response_cost"]``."""
    import litellm

    response = litellm.completion(
        model="openai/gpt-4o",
        messages=[{"role": "user", "content": "hi"}],
        mock_response="hello",
        api_key="fake-key-never-sent",
    )
    assert response.usage.prompt_tokens > 0, f"no prompt_tokens in {response.usage}"
    cost = getattr(response, "_hidden_params", {}).get("response_cost")
    assert isinstance(cost, int | float) and cost > 0, f"response_cost is {cost!r}"
