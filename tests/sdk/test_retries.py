"""Retries, backoff and Retry-After against a real local server that counts attempts."""

from __future__ import annotations

import time

import httpx
import pytest

from nemoctl import (
    APIConnectionError,
    AsyncGateway,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    Gateway,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from tests.sdk.fault_server import FaultServer, Reply, error

MESSAGES = [{"role": "user", "content": "hi"}]
KEY = "sk-test-retries-0123456789abcdef"


def gateway(server: FaultServer, **kwargs: object) -> Gateway:
    return Gateway(base_url=server.url, api_key=KEY, **kwargs)  # type: ignore[arg-type]


def test_429_honours_retry_after_ms_then_succeeds(fault: FaultServer) -> None:
    fault.serve(error(429, "throttling_error", **{"retry-after-ms": "300"}), Reply())
    started = time.monotonic()
    with gateway(fault) as gw:
        r = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert r.cost == pytest.approx(0.00042)
    assert len(fault.attempts) == 2
    assert time.monotonic() - started >= 0.3


def test_429_honours_retry_after_seconds(fault: FaultServer) -> None:
    fault.serve(error(429, "throttling_error", **{"retry-after": "1"}), Reply())
    started = time.monotonic()
    with gateway(fault) as gw:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert len(fault.attempts) == 2
    assert 1.0 <= time.monotonic() - started < 3.0


def test_429_with_a_long_retry_after_is_raised_at_once(fault: FaultServer) -> None:
    fault.serve(error(429, "throttling_error", **{"retry-after": "3600"}))
    with gateway(fault) as gw, pytest.raises(RateLimitError) as caught:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert len(fault.attempts) == 1
    assert caught.value.retry_after == 3600
    assert caught.value.status_code == 429 and caught.value.error_type == "throttling_error"


def test_5xx_then_success_uses_exponential_backoff(fault: FaultServer) -> None:
    fault.serve(error(500, "internal_server_error"), error(503, "service_unavailable"), Reply())
    started = time.monotonic()
    with gateway(fault) as gw:
        r = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    elapsed = time.monotonic() - started
    assert r.choices[0].message.content == "ok"
    assert len(fault.attempts) == 3
    # 0.5 s then 1 s, each minus at most 25 % jitter.
    assert 0.375 + 0.75 <= elapsed < 3.0
    ids = [a.headers["x-litellm-call-id"] for a in fault.attempts]
    assert len(set(ids)) == 3, "each attempt carries its own call id"


def test_5xx_gives_up_after_max_retries(fault: FaultServer) -> None:
    fault.serve(error(502, "bad_gateway", **{"retry-after-ms": "10"}))
    with gateway(fault) as gw, pytest.raises(InternalServerError) as caught:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert len(fault.attempts) == 3  # 1 + default 2 retries
    assert caught.value.status_code == 502


def test_per_call_and_per_client_max_retries(fault: FaultServer) -> None:
    fault.serve(error(500, "internal_server_error", **{"retry-after-ms": "10"}))
    with gateway(fault, max_retries=5) as gw:
        with pytest.raises(InternalServerError):
            gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, max_retries=0)
        assert len(fault.attempts) == 1
        fault.serve(error(500, "internal_server_error", **{"retry-after-ms": "10"}))
        with pytest.raises(InternalServerError):
            gw.models.list()
        assert len(fault.attempts) == 6


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (error(400, "invalid_request_error"), BadRequestError),
        (error(401, "auth_error"), AuthenticationError),
        (error(404, "not_found"), NotFoundError),
        (error(429, "budget_exceeded", **{"retry-after-ms": "10"}), BudgetExceededError),
        (error(400, "budget_exceeded"), BudgetExceededError),
    ],
)
def test_non_retryable_errors_are_sent_once(
    fault: FaultServer, reply: Reply, expected: type[Exception]
) -> None:
    fault.serve(reply)
    with gateway(fault) as gw, pytest.raises(expected):
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert len(fault.attempts) == 1


def test_x_should_retry_false_is_obeyed(fault: FaultServer) -> None:
    fault.serve(
        Reply(status=503, body={"error": {"message": "m"}}, headers={"x-should-retry": "false"})
    )
    with gateway(fault) as gw, pytest.raises(InternalServerError):
        gw.models.list()
    assert len(fault.attempts) == 1


def test_connection_reset_on_a_post_is_not_retried_by_default(fault: FaultServer) -> None:
    """The request was sent: the gateway may have served (and billed) it."""
    fault.serve(Reply(kind="reset"), Reply())
    with gateway(fault) as gw, pytest.raises(APIConnectionError) as caught:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert len(fault.attempts) == 1
    assert caught.value.maybe_served is True
    assert caught.value.call_id == fault.attempts[0].headers["x-litellm-call-id"]


def test_connection_reset_on_a_post_is_retried_when_allowed(fault: FaultServer) -> None:
    fault.serve(Reply(kind="reset"), Reply())
    with gateway(fault, retry_ambiguous=True) as gw:
        r = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert r.cost == pytest.approx(0.00042)
    assert len(fault.attempts) == 2


def test_connection_reset_on_a_get_is_retried(fault: FaultServer) -> None:
    fault.serve(Reply(kind="reset"), Reply(body={"object": "list", "data": [{"id": "m1"}]}))
    with gateway(fault) as gw:
        assert gw.models.list().ids == ["m1"]
    assert len(fault.attempts) == 2


def test_connection_refused_is_retried_and_marked_not_served() -> None:
    with socket_closed_port() as url:
        seen: list[httpx.Request] = []
        http = httpx.Client(event_hooks={"request": [seen.append]})
        gw = Gateway(base_url=url, api_key=KEY, http_client=http)
        with pytest.raises(APIConnectionError) as caught:
            gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, timeout=2)
        assert caught.value.maybe_served is False
        assert len(seen) == 3, "a connection that never opened is safe to retry, even for a POST"
        http.close()


class socket_closed_port:
    def __enter__(self) -> str:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        pass


async def test_async_retries_429_then_succeeds(fault: FaultServer) -> None:
    fault.serve(
        error(429, "throttling_error", **{"retry-after-ms": "50"}),
        error(500, "x", **{"retry-after-ms": "50"}),
        Reply(),
    )
    async with AsyncGateway(base_url=fault.url, api_key=KEY) as gw:
        r = await gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert r.cost == pytest.approx(0.00042)
    assert len(fault.attempts) == 3


async def test_async_reset_on_post_not_retried(fault: FaultServer) -> None:
    fault.serve(Reply(kind="reset"), Reply())
    async with AsyncGateway(base_url=fault.url, api_key=KEY) as gw:
        with pytest.raises(APIConnectionError) as caught:
            await gw.embeddings.create(model="embed-mock", input="x")
    assert caught.value.maybe_served
    assert len(fault.attempts) == 1


def test_gateway_retries_is_sent_as_num_retries(fault: FaultServer) -> None:
    with gateway(fault, gateway_retries=0) as gw:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, gateway_retries=3)
    assert [a.json()["num_retries"] for a in fault.attempts] == [0, 3]
    with gateway(fault) as gw:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    # The default: LiteLLM does not retry on its own, so client retries do not multiply.
    assert fault.attempts[-1].json()["num_retries"] == 0
    with gateway(fault, gateway_retries=None) as gw:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert "num_retries" not in fault.attempts[-1].json()
