"""``chat.completions.stream(...)``: the same events and final completion as openai-python.

- One script body on ``openai.OpenAI`` and ``Gateway``, pointed at the same real LiteLLM
  proxy (mocked deployments streaming text and a JSON answer): what a user's loop sees
  and the final completion are equal.  The ``.cost`` is checked on our side only.
- LiteLLM's mock does not stream tool calls or refusals, so those streams are fed as
  chunks to openai-python's own ``ChatCompletionStreamState`` and to ours: same events.
"""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from nemoctl import AsyncGateway, Gateway
from nemoctl.client._chat_stream import StreamState
from nemoctl.client.types.chat import ChatCompletionChunk
from tests.sdk.conftest import CHAT_MOCK, CHAT_MODEL, JSON_MODEL, LiteLLMGateway

MESSAGES: list[dict[str, Any]] = [{"role": "user", "content": "What is the weather in Paris?"}]


class Weather(BaseModel):
    city: str
    temperature_c: int


def _event(event: Any) -> tuple[Any, ...]:
    """What a user's ``for event in stream`` loop reads, per event type."""
    if event.type == "chunk":
        return (event.type, event.snapshot.choices[0].message.content
                if event.snapshot.choices else None)
    if event.type == "content.delta":
        return (event.type, event.delta, event.snapshot)
    if event.type == "content.done":
        return (event.type, event.content, event.parsed)
    if event.type.startswith("tool_calls.function.arguments"):
        return (event.type, event.name, event.index, event.arguments, event.parsed_arguments)
    return (event.type,)


def _final(completion: Any) -> tuple[Any, ...]:
    # ``role`` is not compared: openai-python leaves it None when no delta named it; the
    # Gateway's message says "assistant", as a non-streamed one does.
    message = completion.choices[0].message
    calls = [(c.id, c.function.name, json.loads(c.function.arguments))
             for c in message.tool_calls or ()]
    return (completion.choices[0].finish_reason, message.content, message.refusal,
            message.parsed, calls, completion.usage.total_tokens if completion.usage else None)


def script(client: Any) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    with client.chat.completions.stream(model=CHAT_MODEL, messages=MESSAGES) as stream:
        seen["text.events"] = [_event(e) for e in stream]
        seen["text.final"] = _final(stream.get_final_completion())
    with client.chat.completions.stream(model=JSON_MODEL, messages=MESSAGES,
                                        response_format=Weather) as stream:
        events = list(stream)
        seen["json.done"] = [_event(e) for e in events if e.type == "content.done"]
        seen["json.final"] = _final(stream.get_final_completion())
    return seen


def test_the_same_stream_code_behaves_the_same(litellm_gateway: LiteLLMGateway) -> None:
    url, key = litellm_gateway.url, litellm_gateway.master_key
    with openai.OpenAI(base_url=url + "/v1", api_key=key) as theirs:
        expected = script(theirs)
    with Gateway(base_url=url, api_key=key) as ours:
        observed = script(ours)
    for name in expected:
        assert observed[name] == expected[name], name
    # Not vacuous: the mock's text streamed in several deltas, JSON parsed, a tool call.
    deltas = [e for e in expected["text.events"] if e[0] == "content.delta"]
    assert len(deltas) > 1 and deltas[-1][2] == CHAT_MOCK
    assert expected["json.final"][3] == Weather(city="Paris", temperature_c=21)
    assert expected["json.done"][0][2] == Weather(city="Paris", temperature_c=21)


def test_the_final_completion_carries_the_streams_cost(litellm_gateway: LiteLLMGateway) -> None:
    with Gateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key) as gw, \
            gw.chat.completions.stream(model=JSON_MODEL, messages=MESSAGES,
                                       response_format=Weather) as stream:
        final = stream.get_final_completion()
    assert final.cost is not None and final.cost > 0 and final.cost == stream.cost
    assert final.call_id == stream.call_id
    weather: Weather | None = final.choices[0].message.parsed  # typed by response_format
    assert weather == Weather(city="Paris", temperature_c=21)


@pytest.mark.asyncio
async def test_the_async_stream_gives_the_same_events(litellm_gateway: LiteLLMGateway) -> None:
    url, key = litellm_gateway.url, litellm_gateway.master_key
    with Gateway(base_url=url, api_key=key) as gw, \
            gw.chat.completions.stream(model=JSON_MODEL, messages=MESSAGES,
                                       response_format=Weather) as s:
        sync_events = [_event(e) for e in s]
    async with AsyncGateway(base_url=url, api_key=key) as agw, \
            agw.chat.completions.stream(model=JSON_MODEL, messages=MESSAGES,
                                        response_format=Weather) as stream:
        async_events = [_event(e) async for e in stream]
        final = await stream.get_final_completion()
    assert async_events == sync_events and len(sync_events) > 2
    assert _final(final)[3] == Weather(city="Paris", temperature_c=21)
    assert final.cost is not None and final.cost > 0


CHUNKS: list[dict[str, Any]] = [
    {"role": "assistant", "tool_calls": [
        {"index": 0, "id": "a", "type": "function", "function": {"name": "f", "arguments": "{"}}]},
    {"tool_calls": [{"index": 0, "function": {"arguments": '"x": 1}'}}]},
    {"tool_calls": [
        {"index": 1, "id": "b", "type": "function", "function": {"name": "g", "arguments": "{}"}}]},
    {"content": '{"city": "Pa'},
    {"content": 'ris", "temperature_c": 3}', "finish_reason": "stop"},
]
REFUSAL = [{"role": "assistant", "refusal": "I can"}, {"refusal": "not.", "finish_reason": "stop"}]


def _raw_chunk(delta: dict[str, Any]) -> dict[str, Any]:
    delta = dict(delta)
    finish = delta.pop("finish_reason", None)
    return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _plain(event: Any) -> tuple[Any, ...]:
    fields = ("delta", "snapshot", "content", "refusal", "name", "index", "arguments",
              "parsed_arguments", "arguments_delta")
    got = tuple((f, getattr(event, f)) for f in fields
                if hasattr(event, f) and not (f == "snapshot" and event.type == "chunk"))
    parsed = getattr(event, "parsed", None)
    return (event.type, got, parsed.model_dump() if isinstance(parsed, BaseModel) else parsed)


@pytest.mark.parametrize("deltas", [CHUNKS, REFUSAL], ids=["tool-calls+json", "refusal"])
def test_events_match_openai_pythons_own_stream_state(deltas: list[dict[str, Any]]) -> None:
    from openai.lib.streaming.chat import ChatCompletionStreamState as TheirState
    from openai.types.chat import ChatCompletionChunk as TheirChunk

    theirs: Any = TheirState(response_format=Weather)
    ours: StreamState[Weather] = StreamState(Weather)
    seen = []
    for delta in deltas:
        raw = _raw_chunk(delta)
        expected = [_plain(e) for e in theirs.handle_chunk(TheirChunk.model_validate(raw))]
        observed = [_plain(e) for e in ours.handle_chunk(ChatCompletionChunk.model_validate(raw))]
        assert observed == expected, delta
        seen += [e[0] for e in observed]
    if deltas is CHUNKS:  # not vacuous: every kind of event was compared
        assert {"content.delta", "content.done", "tool_calls.function.arguments.delta",
                "tool_calls.function.arguments.done"} <= set(seen)
    else:
        assert {"refusal.delta", "refusal.done"} <= set(seen)
    their_final, our_final = theirs.get_final_completion(), ours.final()
    assert _final(our_final) == _final(their_final)
