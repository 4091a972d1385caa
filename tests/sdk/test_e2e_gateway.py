"""Every SDK feature against a real LiteLLM proxy (the pinned version) on 127.0.0.1."""

from __future__ import annotations

import time
import warnings

import pytest

from nemoctl import (
    AsyncGateway,
    AuthenticationError,
    CostUnavailableWarning,
    Gateway,
    GatewayError,
    InternalServerError,
    RateLimitError,
    UnknownModelError,
)
from tests.sdk.conftest import (
    CHAT_MOCK,
    CHAT_MODEL,
    EMBED_MODEL,
    EMBED_PRICE,
    INPUT_PRICE,
    LIMITED_MODEL,
    OUTPUT_PRICE,
    LiteLLMGateway,
)

MESSAGES = [{"role": "user", "content": "Say hello to the SDK tests."}]


@pytest.fixture
def gw(litellm_gateway: LiteLLMGateway) -> Gateway:
    return Gateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key)


def test_chat_completion_carries_the_gateways_cost(gw: Gateway) -> None:
    with gw, warnings.catch_warnings():
        warnings.simplefilter("error")
        r = gw.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)
    assert r.choices[0].message.content == CHAT_MOCK
    assert r.usage is not None
    expected = r.usage.prompt_tokens * INPUT_PRICE + r.usage.completion_tokens * OUTPUT_PRICE
    assert r.cost == pytest.approx(expected)
    assert r.cost_breakdown["input"] == pytest.approx(r.usage.prompt_tokens * INPUT_PRICE)
    assert r.cost_breakdown["output"] == pytest.approx(r.usage.completion_tokens * OUTPUT_PRICE)
    assert r.model_group == CHAT_MODEL
    assert r.model_id and r.gateway is not None and r.gateway.attempted_retries == 0
    assert r.raw is not None and r.raw.status_code == 200
    assert r.call_id and r.call_id == r.raw.headers["x-litellm-call-id"]


def test_a_caller_chosen_call_id_is_echoed(gw: Gateway) -> None:
    with gw:
        r = gw.chat.completions.create(
            model=CHAT_MODEL, messages=MESSAGES, extra_headers={"x-litellm-call-id": "sdk-e2e-1"}
        )
    assert r.call_id == "sdk-e2e-1"


def test_stream_has_the_gateways_cost_after_the_last_chunk(gw: Gateway) -> None:
    with gw, warnings.catch_warnings():
        warnings.simplefilter("error")
        stream = gw.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True)
        assert stream.cost is None
        with stream:
            contents = [c.choices[0].delta.content for c in stream if c.choices]
    assert "".join(c for c in contents if c) == CHAT_MOCK == stream.text
    assert stream.usage is not None and stream.usage.prompt_tokens
    expected = (
        stream.usage.prompt_tokens * INPUT_PRICE + stream.usage.completion_tokens * OUTPUT_PRICE
    )
    assert stream.cost == pytest.approx(expected)
    assert stream.cost > 0
    assert stream.model_group == CHAT_MODEL
    assert stream.gateway is not None and stream.gateway.cost_breakdown == {}


async def test_async_chat_stream_and_embeddings(litellm_gateway: LiteLLMGateway) -> None:
    async with AsyncGateway(
        base_url=litellm_gateway.url, api_key=litellm_gateway.master_key
    ) as agw:
        r = await agw.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)
        assert r.cost is not None and r.cost > 0
        stream = await agw.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True)
        async for _ in stream:
            pass
        assert stream.text == CHAT_MOCK and stream.cost is not None and stream.cost > 0
        e = await agw.embeddings.create(model=EMBED_MODEL, input=["hello"])
        assert e.data[0].embedding == [0.25, 0.5, 0.75]
        assert (await agw.models.list()).ids


def test_embeddings(gw: Gateway) -> None:
    with gw:
        e = gw.embeddings.create(model=EMBED_MODEL, input=["hello", "world"])
    assert e.data[0].embedding == [0.25, 0.5, 0.75]
    assert e.usage is not None and e.usage.prompt_tokens
    assert e.cost == pytest.approx(e.usage.prompt_tokens * EMBED_PRICE)
    assert e.model_group == EMBED_MODEL


def test_models_and_health(gw: Gateway) -> None:
    with gw:
        assert {CHAT_MODEL, EMBED_MODEL, LIMITED_MODEL} <= set(gw.models.list().ids)
        assert [m.id for m in gw.models.list()] == gw.models.list().ids
        assert gw.health.liveliness() is True
        assert gw.health.readiness().status == "healthy"
        report = gw.health.check(model=CHAT_MODEL)
    assert len(report.healthy_endpoints) == 1 and not report.unhealthy_endpoints


def test_no_key_is_an_authentication_error(litellm_gateway: LiteLLMGateway) -> None:
    with (
        Gateway(base_url=litellm_gateway.url, api_key="") as anonymous,
        pytest.raises(AuthenticationError) as caught,
    ):
        anonymous.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)
    assert caught.value.status_code == 401 and caught.value.error_type == "auth_error"


def test_a_wrong_key_is_refused_and_never_echoed(litellm_gateway: LiteLLMGateway) -> None:
    wrong = "sk-wrong-key-that-must-never-leak-1234567890"
    with (
        Gateway(base_url=litellm_gateway.url, api_key=wrong) as gw,
        pytest.raises(GatewayError) as caught,
    ):
        gw.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)
    # Without a database LiteLLM cannot look keys up: 400 no_db_connection (documented).
    assert getattr(caught.value, "status_code", None) in (400, 401)
    assert wrong not in str(caught.value) and wrong not in repr(caught.value)


def test_unknown_model(gw: Gateway) -> None:
    with gw, pytest.raises(UnknownModelError) as caught:
        gw.chat.completions.create(model="no-such-model", messages=MESSAGES)
    assert caught.value.status_code == 400 and caught.value.call_id


def test_gateway_retries_zero_stops_retry_amplification(gw: Gateway) -> None:
    with gw:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            gw.chat.completions.create(
                model=LIMITED_MODEL, messages=MESSAGES, max_retries=0, gateway_retries=0
            )
    # The proxy's own retries with backoff take seconds; num_retries=0 answers at once.
    assert time.monotonic() - started < 3.0
    assert caught.value.error_type == "throttling_error"


def test_management_endpoints_without_a_database_raise_typed_errors(gw: Gateway) -> None:
    with gw:
        with pytest.raises(InternalServerError) as caught:
            gw.keys.info(max_retries=0)
        assert "Database not connected" in caught.value.message
        assert caught.value.response.url.path == "/key/info"
        raw = gw.request("GET", "/v1/models")
    assert raw.status_code == 200 and raw.json()["object"] == "list"


def test_stream_cost_needs_no_proxy_setting_on_the_pinned_version(
    gw: Gateway, litellm_gateway: LiteLLMGateway
) -> None:
    """On 1.100.x usage.cost needed `include_cost_in_streaming_usage`; this gateway's config
    does not set it, and the pinned version still sends the cost (see the stream test).
    Without the usage chunk there is no cost: None and a warning, never 0."""
    from tests.sdk.conftest import gateway_config

    assert "litellm_settings" not in gateway_config()
    with gw:
        stream = gw.chat.completions.create(
            model=CHAT_MODEL, messages=MESSAGES, stream=True,
            stream_options={"include_usage": False},
        )  # fmt: skip
        with pytest.warns(CostUnavailableWarning, match="no cost"):
            stream.until_done()
    assert stream.text == CHAT_MOCK
    assert stream.cost is None and stream.usage is None
