"""Bounded amplification: with default settings one SDK call reaches the provider at most 3
times, whatever fails (429, 5xx, a reset, a timeout), and a transient failure is retried.

Measured end to end: SDK -> the real LiteLLM proxy -> a scripted local provider
(``upstream``) that counts the attempts it sees.  The same faults through openai-python's
defaults are measured by the ``slow`` test below (numbers quoted in docs/sdk.md).
"""

from __future__ import annotations

import time
from typing import Any

import openai
import pytest

from nemoctl import APITimeoutError, Gateway, InternalServerError, RateLimitError
from tests.sdk.conftest import UPSTREAM_MODEL, LiteLLMGateway
from tests.sdk.fault_server import CHAT_BODY, FaultServer, Reply, error

MESSAGES = [{"role": "user", "content": "hi"}]
WORST_CASE = 3  # (max_retries 2 + 1) x (gateway_retries 0 + 1)

FAULTS: dict[str, tuple[Reply, type[Exception]]] = {
    "429": (error(429, "rate_limit_error", **{"retry-after": "0"}), RateLimitError),
    "500": (error(500, "server_error"), InternalServerError),
    "reset": (Reply(kind="reset"), InternalServerError),
}


def _provider_attempts(upstream: FaultServer, settle: float = 0.3) -> int:
    time.sleep(settle)  # the proxy may still be talking to the provider
    return len([a for a in upstream.attempts if a.path.endswith("/chat/completions")])


def _chat_body() -> dict[str, Any]:
    return dict(CHAT_BODY, model="gpt-4o")


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_default_settings_reach_the_provider_at_most_three_times(
    litellm_gateway: LiteLLMGateway, upstream: FaultServer, fault: str
) -> None:
    reply, raised = FAULTS[fault]
    upstream.serve(reply)
    with Gateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key) as gw:
        started = time.monotonic()
        with pytest.raises(raised):
            gw.chat.completions.create(model=UPSTREAM_MODEL, messages=MESSAGES)
        elapsed = time.monotonic() - started
    attempts = _provider_attempts(upstream)
    print(f"\n{fault}: {attempts} provider attempts, {elapsed:.1f} s")
    # Each client attempt reaches the provider once: no multiplication by the proxy.
    assert attempts == WORST_CASE


def test_a_timeout_is_not_repeated_for_a_call_that_may_have_been_served(
    litellm_gateway: LiteLLMGateway, upstream: FaultServer
) -> None:
    upstream.serve(Reply(body=_chat_body(), delay=2.0))
    gw = Gateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key)
    with gw, pytest.raises(APITimeoutError) as caught:
        gw.chat.completions.create(model=UPSTREAM_MODEL, messages=MESSAGES, timeout=0.8)
    assert caught.value.maybe_served
    assert _provider_attempts(upstream, settle=1.5) == 1


def test_a_transient_failure_is_still_retried(
    litellm_gateway: LiteLLMGateway, upstream: FaultServer
) -> None:
    upstream.serve(error(500, "server_error"), Reply(body=_chat_body(), headers={}))
    with Gateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key) as gw:
        r = gw.chat.completions.with_raw_response.create(model=UPSTREAM_MODEL, messages=MESSAGES)
    assert r.retries_taken == 1
    assert r.parse().choices[0].message.content == "ok"
    assert _provider_attempts(upstream) == 2


@pytest.mark.slow
def test_openai_python_defaults_multiply_attempts_for_comparison(
    litellm_gateway: LiteLLMGateway, upstream: FaultServer
) -> None:
    """The reference for docs/sdk.md: openai-python's defaults against the same proxy."""
    results = {}
    for fault in sorted(FAULTS):
        upstream.serve(FAULTS[fault][0])
        client = openai.OpenAI(
            base_url=litellm_gateway.url + "/v1", api_key=litellm_gateway.master_key
        )
        started = time.monotonic()
        with pytest.raises(openai.APIStatusError):
            client.chat.completions.create(model=UPSTREAM_MODEL, messages=MESSAGES)  # type: ignore[arg-type]
        results[fault] = (_provider_attempts(upstream, settle=1.0), time.monotonic() - started)
        client.close()
    print("\nopenai-python defaults:", results)
    assert max(attempts for attempts, _ in results.values()) > WORST_CASE
