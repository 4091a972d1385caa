"""The Responses API (``/v1/responses``) and Anthropic Messages (``/v1/messages``) through the
real LiteLLM proxy: typed bodies, streamed events, the gateway's cost.

LiteLLM's mock serves neither stream (a mocked ``/v1/responses`` stream is a 500, a mocked
``/v1/messages`` stream returns a plain JSON body), so the streams come from the
``upstream`` model groups: LiteLLM calls a local server that replays the documented shape
of a real provider stream (OpenAI's Responses events for ``/v1/responses`` through the
``openai/`` provider, Anthropic's Messages events for ``/v1/messages`` through the
``anthropic/`` provider).
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

from nemoctl import AsyncGateway, CostUnavailableWarning, Gateway
from nemoctl.client.types import Message, Response, ResponseStreamEvent
from tests.sdk.conftest import (
    CHAT_MOCK,
    CHAT_MODEL,
    INPUT_PRICE,
    OUTPUT_PRICE,
    UPSTREAM_ANTHROPIC_MODEL,
    UPSTREAM_MODEL,
    LiteLLMGateway,
)
from tests.sdk.fault_server import FaultServer, Reply, sse

WORDS = ["Hello", " from", " the", " replay"]


def _gw(gateway: LiteLLMGateway) -> Gateway:
    return Gateway(base_url=gateway.url, api_key=gateway.master_key)


def _responses_stream() -> Reply:
    """A Responses API stream in OpenAI's event shapes (type, sequence_number, ...)."""
    rid, mid = "resp_replay_1", "msg_replay_1"
    base: dict[str, Any] = {"id": rid, "object": "response", "created_at": 1764583200,
                            "model": "gpt-4o", "output": [], "status": "in_progress"}  # fmt: skip
    usage = {"input_tokens": 12, "output_tokens": 4, "total_tokens": 16,
             "input_tokens_details": {"cached_tokens": 0},
             "output_tokens_details": {"reasoning_tokens": 0}}  # fmt: skip
    text = "".join(WORDS)
    part = {"type": "output_text", "text": text, "annotations": []}
    item = {"id": mid, "type": "message", "status": "completed", "role": "assistant",
            "content": [part]}  # fmt: skip
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": base},
        {"type": "response.in_progress", "response": base},
        {"type": "response.output_item.added", "output_index": 0,
         "item": {**item, "status": "in_progress", "content": []}},
        {"type": "response.content_part.added", "item_id": mid, "output_index": 0,
         "content_index": 0, "part": {**part, "text": ""}},
        *({"type": "response.output_text.delta", "item_id": mid, "output_index": 0,
           "content_index": 0, "delta": w} for w in WORDS),
        {"type": "response.output_text.done", "item_id": mid, "output_index": 0,
         "content_index": 0, "text": text},
        {"type": "response.content_part.done", "item_id": mid, "output_index": 0,
         "content_index": 0, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {"type": "response.completed",
         "response": {**base, "status": "completed", "output": [item], "usage": usage}},
    ]  # fmt: skip
    for number, event in enumerate(events):
        event["sequence_number"] = number
    reply = sse(events, done=False)
    reply.headers = {}
    return reply


def test_responses_create_is_typed_and_billed(litellm_gateway: LiteLLMGateway) -> None:
    with _gw(litellm_gateway) as gw, warnings.catch_warnings():
        warnings.simplefilter("error")
        r = gw.responses.create(model=CHAT_MODEL, input="Say hello", instructions="Be brief.")
    assert isinstance(r, Response) and r.object == "response" and r.status == "completed"
    assert r.output_text == CHAT_MOCK
    assert r.output[0].type == "message" and r.output[0].content is not None
    assert r.usage is not None and r.usage.input_tokens and r.usage.output_tokens
    expected = r.usage.input_tokens * INPUT_PRICE + r.usage.output_tokens * OUTPUT_PRICE
    assert r.cost == pytest.approx(expected)
    assert r.model_group == CHAT_MODEL and r.call_id


def test_messages_create_is_typed_and_billed(litellm_gateway: LiteLLMGateway) -> None:
    with _gw(litellm_gateway) as gw, warnings.catch_warnings():
        warnings.simplefilter("error")
        m = gw.messages.create(
            model=CHAT_MODEL, max_tokens=64, system="Be brief.",
            messages=[{"role": "user", "content": "Say hello"}],
        )  # fmt: skip
    assert isinstance(m, Message) and m.type == "message" and m.role == "assistant"
    assert m.content[0].type == "text" and m.content[0].text == CHAT_MOCK == m.text
    assert m.stop_reason == "end_turn"
    assert m.usage is not None and m.usage.input_tokens and m.usage.output_tokens
    # LiteLLM's /v1/messages mock prices its own (different) token counts: the cost is the
    # gateway's header, whatever the body says.
    assert m.raw is not None and m.cost == float(m.raw.headers["x-litellm-response-cost"])
    assert m.cost > 0


def test_responses_stream_yields_typed_events(
    litellm_gateway: LiteLLMGateway, upstream: FaultServer
) -> None:
    upstream.serve(_responses_stream())
    with _gw(litellm_gateway) as gw, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with gw.responses.create(model=UPSTREAM_MODEL, input="hi", stream=True) as stream:
            events = list(stream)
    assert all(isinstance(e, ResponseStreamEvent) for e in events)
    types = [e.type for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert types.count("response.output_text.delta") == len(WORDS)
    assert stream.text == "".join(WORDS)
    final = events[-1].response
    assert final is not None and final.output_text == "".join(WORDS)
    assert stream.usage is not None and stream.usage.input_tokens == 12
    # The provider's request was a Responses stream, passed through by LiteLLM.
    sent = upstream.attempts[-1]
    assert sent.path.endswith("/responses") and sent.json()["stream"] is True
    # LiteLLM prices the provider's usage and puts it in the completed event.
    assert stream.cost == pytest.approx(12 * INPUT_PRICE + 4 * OUTPUT_PRICE)
    assert not [w for w in caught if issubclass(w.category, CostUnavailableWarning)]


def _anthropic_stream() -> Reply:
    """A Messages stream in Anthropic's documented event shapes."""
    message = {"id": "msg_replay_1", "type": "message", "role": "assistant", "content": [],
               "model": "claude-3-5-sonnet-20240620", "stop_reason": None,
               "stop_sequence": None,
               "usage": {"input_tokens": 11, "output_tokens": 1}}  # fmt: skip
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": message},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *({"type": "content_block_delta", "index": 0,
           "delta": {"type": "text_delta", "text": w}} for w in WORDS),
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 4}},
        {"type": "message_stop"},
    ]  # fmt: skip
    reply = sse(events, done=False)
    reply.headers = {}
    return reply


def test_messages_stream_yields_anthropic_events(
    litellm_gateway: LiteLLMGateway, upstream: FaultServer
) -> None:
    upstream.serve(_anthropic_stream())
    with _gw(litellm_gateway) as gw, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stream = gw.messages.create(
            model=UPSTREAM_ANTHROPIC_MODEL, max_tokens=32, stream=True,
            messages=[{"role": "user", "content": "hi"}],
        )  # fmt: skip
        with stream:
            events = list(stream)
    types = [e.type for e in events]
    assert types[0] == "message_start" and types[-1] == "message_stop"
    assert types.count("content_block_delta") == len(WORDS) and "message_delta" in types
    assert stream.text == "".join(WORDS)
    assert events[0].message is not None and events[0].message.role == "assistant"
    assert upstream.attempts[-1].path.endswith("/messages")
    # LiteLLM 1.102.4 puts no cost in Anthropic stream events: None and a warning, not 0.
    assert stream.cost is None
    assert any(issubclass(w.category, CostUnavailableWarning) for w in caught)


@pytest.mark.asyncio
async def test_async_responses_and_messages(litellm_gateway: LiteLLMGateway) -> None:
    async with AsyncGateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key) as gw:
        r = await gw.responses.create(model=CHAT_MODEL, input="hi")
        m = await gw.messages.create(
            model=CHAT_MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}]
        )
    assert r.output_text == CHAT_MOCK and r.cost and m.text == CHAT_MOCK and m.cost
    assert json.loads(m.to_json())["content"][0]["text"] == CHAT_MOCK
