"""Streams (cost from the final usage chunk), timeouts between chunks, cost visibility."""

from __future__ import annotations

import time
import warnings

import pytest

from nemoctl import (
    APITimeoutError,
    AsyncGateway,
    CostUnavailableWarning,
    Gateway,
    StreamError,
    Timeout,
)
from tests.sdk.fault_server import COST_HEADERS, FaultServer, Reply, chunk, error, sse

MESSAGES = [{"role": "user", "content": "hi"}]
KEY = "sk-test-streams-0123456789abcdef"
USAGE = {"prompt_tokens": 8, "completion_tokens": 2, "total_tokens": 10, "cost": 0.000123}


def stream_reply(*, usage: dict[str, object] | None = USAGE, event_delay: float = 0.0) -> Reply:
    chunks = [chunk("hel"), chunk("lo"), chunk(finish="stop")]
    if usage is not None:
        chunks.append(chunk(usage=usage))
    return sse(chunks, event_delay=event_delay)


def test_stream_cost_comes_from_the_final_usage_chunk(fault: FaultServer) -> None:
    fault.serve(stream_reply())
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        stream = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
        assert stream.cost is None and not stream.completed
        chunks = list(stream)
    sent = fault.attempts[0].json()
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    # The usage chunk the SDK asked for itself is not handed to the caller.
    assert [c.choices[0].delta.content for c in chunks] == ["hel", "lo", None]
    assert stream.completed and stream.text == "hello"
    assert stream.cost == pytest.approx(0.000123)
    assert stream.usage is not None and stream.usage.total_tokens == 10
    assert stream.model_group == "gpt-mock"
    assert stream.call_id == fault.attempts[0].headers["x-litellm-call-id"]


def test_caller_who_asks_for_usage_gets_the_usage_chunk(fault: FaultServer) -> None:
    fault.serve(stream_reply())
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        stream = gw.chat.completions.create(
            model="gpt-mock", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
        chunks = list(stream)
    assert chunks[-1].usage is not None
    assert stream.cost == pytest.approx(0.000123)


def test_stream_without_cost_is_none_with_a_warning_never_zero(fault: FaultServer) -> None:
    fault.serve(stream_reply(usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}))
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        stream = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
        with pytest.warns(CostUnavailableWarning, match="usage.cost"):
            stream.until_done()
    assert stream.completed and stream.cost is None


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        ({}, "missing"),
        ({"x-litellm-response-cost": "abc"}, "unreadable"),
        ({"x-litellm-response-cost": "nan"}, "invalid"),
        ({"x-litellm-response-cost": "-1"}, "invalid"),
    ],
)
def test_missing_or_malformed_cost_header_is_none_with_a_warning(
    fault: FaultServer, headers: dict[str, str], match: str
) -> None:
    fault.serve(Reply(headers=headers))
    with (
        Gateway(base_url=fault.url, api_key=KEY) as gw,
        pytest.warns(CostUnavailableWarning, match=match),
    ):
        r = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert r.cost is None


def test_present_cost_and_breakdown_raise_no_warning(fault: FaultServer) -> None:
    fault.serve(Reply())
    with Gateway(base_url=fault.url, api_key=KEY) as gw, warnings.catch_warnings():
        warnings.simplefilter("error")
        r = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES)
    assert r.cost == pytest.approx(0.00042)
    assert r.cost_breakdown == {"input": 0.0001, "output": 0.00032}
    assert r.model_group == "gpt-mock" and r.model_id == "deployment-1"
    assert r.raw is not None and r.raw.status_code == 200
    assert r.raw.headers["x-litellm-response-cost"] == COST_HEADERS["x-litellm-response-cost"]


def test_slow_stream_times_out_between_chunks(fault: FaultServer) -> None:
    fault.serve(stream_reply(event_delay=2.0))
    with Gateway(base_url=fault.url, api_key=KEY, timeout=Timeout(read=0.3)) as gw:
        started = time.monotonic()
        stream = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
        with pytest.raises(APITimeoutError, match="read timeout") as caught:
            list(stream)
    assert time.monotonic() - started < 1.5
    assert caught.value.maybe_served is True
    assert len(fault.attempts) == 1, "a stream already started is never retried"


def test_stream_read_timeout_applies_after_the_first_chunk(fault: FaultServer) -> None:
    """The first chunk comes at once, then the stream stalls: the stall must time out too."""
    fault.serve(Reply(kind="sse", events=[chunk_json("fast"), chunk_json("slow")], delays=[0, 3]))
    with Gateway(base_url=fault.url, api_key=KEY, timeout=Timeout(read=0.4)) as gw:
        stream = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
        first = next(stream)
        assert first.choices[0].delta.content == "fast"
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            next(stream)
        assert time.monotonic() - started < 1.5


def test_total_timeout_bounds_a_sync_stream(fault: FaultServer) -> None:
    events = [chunk_json(str(i)) for i in range(20)]
    fault.serve(Reply(kind="sse", events=events, event_delay=0.1))
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        started = time.monotonic()
        stream = gw.chat.completions.create(
            model="gpt-mock", messages=MESSAGES, stream=True, timeout=Timeout(read=1, total=0.5)
        )
        with pytest.raises(APITimeoutError, match="total"):
            list(stream)
    assert time.monotonic() - started < 1.2
    assert 2 <= len(stream.text) < 20


def chunk_json(text: str) -> str:
    import json

    return json.dumps(chunk(text))


def test_total_timeout_bounds_retries(fault: FaultServer) -> None:
    fault.serve(error(500, "internal_server_error"))
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            gw.models.list(timeout=Timeout(total=0.8))
    elapsed = time.monotonic() - started
    # Backoff 0.5 s then 1 s would exceed 0.8 s: the SDK gives up instead of sleeping past it.
    assert elapsed < 1.2
    assert len(fault.attempts) <= 2
    assert type(caught.value).__name__ == "InternalServerError"


def test_read_timeout_on_a_post_is_not_retried(fault: FaultServer) -> None:
    fault.serve(Reply(delay=1.0), Reply())
    with (
        Gateway(base_url=fault.url, api_key=KEY) as gw,
        pytest.raises(APITimeoutError) as caught,
    ):
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, timeout=0.3)
    assert caught.value.maybe_served
    assert len(fault.attempts) == 1


def test_error_event_inside_a_stream(fault: FaultServer) -> None:
    fault.serve(
        Reply(
            kind="sse",
            events=[
                chunk_json("x"),
                '{"error": {"message": "upstream died", '
                '"type": "internal_server_error", "code": 500}}',
            ],
        )
    )
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        stream = gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
        with pytest.raises(StreamError, match="upstream died") as caught:
            list(stream)
    assert caught.value.error_type == "internal_server_error" and caught.value.code == "500"


def test_stream_that_fails_before_starting_raises_a_status_error(fault: FaultServer) -> None:
    fault.serve(error(400, "invalid_request_error"))
    with Gateway(base_url=fault.url, api_key=KEY) as gw, pytest.raises(Exception) as caught:
        gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
    assert type(caught.value).__name__ == "BadRequestError"


async def test_async_stream_cost_and_slow_stream(fault: FaultServer) -> None:
    fault.serve(stream_reply())
    async with AsyncGateway(base_url=fault.url, api_key=KEY) as gw:
        stream = await gw.chat.completions.create(model="gpt-mock", messages=MESSAGES, stream=True)
        texts = [c.choices[0].delta.content async for c in stream]
        assert texts == ["hel", "lo", None]
        assert stream.cost == pytest.approx(0.000123)
        fault.serve(stream_reply(event_delay=2.0))
        slow = await gw.chat.completions.create(
            model="gpt-mock", messages=MESSAGES, stream=True, timeout=Timeout(read=0.3)
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            async for _ in slow:
                pass
        assert time.monotonic() - started < 1.5


async def test_async_total_timeout_is_exact(fault: FaultServer) -> None:
    fault.serve(Reply(delay=2.0))
    async with AsyncGateway(base_url=fault.url, api_key=KEY) as gw:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="total"):
            await gw.models.list(timeout=Timeout(total=0.5), max_retries=0)
    assert time.monotonic() - started < 1.0
