"""The same script body against ``openai.OpenAI`` and ``nemoctl.Gateway`` (and the async
twins), pointed at the same real LiteLLM proxy: every observation must be equal.

``errors`` is the module the script takes its exception classes from (``openai`` or
``nemoctl``), which is the one line a user changes.  The documented additions (``.cost``,
``.call_id``, ``.model_group``...) are checked after the comparison, on our side only.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import httpx
import openai
import pytest
from pydantic import BaseModel

import nemoctl
from nemoctl import AsyncGateway, Gateway
from tests.sdk.conftest import (
    CHAT_MOCK,
    CHAT_MODEL,
    EMBED_MODEL,
    JSON_MODEL,
    LIMITED_MODEL,
    TOOL_CALL,
    TOOL_MODEL,
    LiteLLMGateway,
)

MESSAGES: list[dict[str, Any]] = [{"role": "user", "content": "What is the weather in Paris?"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


class Weather(BaseModel):
    city: str
    temperature_c: int


def script(client: Any, errors: ModuleType) -> dict[str, Any]:
    """openai-python code, as a user writes it."""
    seen: dict[str, Any] = {}
    r = client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, temperature=0)
    message = r.choices[0].message
    seen["chat"] = (
        r.object, r.model, message.role, message.content, message.refusal, message.tool_calls,
        r.choices[0].finish_reason, r.choices[0].logprobs, r.usage.prompt_tokens,
        r.usage.completion_tokens, r.usage.total_tokens, r.service_tier,
    )  # fmt: skip
    seen["message.to_dict"] = message.to_dict()
    seen["to_json"] = json.loads(r.to_json())["choices"]

    r = client.chat.completions.create(model=TOOL_MODEL, messages=MESSAGES, tools=TOOLS)
    call = r.choices[0].message.tool_calls[0]
    seen["tool_call"] = (
        call.id,
        call.type,
        call.function.name,
        json.loads(call.function.arguments),
    )
    follow_up = [
        *MESSAGES,
        r.choices[0].message,  # the returned message, appended as is
        {"role": "tool", "tool_call_id": call.id, "content": "21 degrees, sunny"},
    ]
    seen["second_turn"] = (
        client.chat.completions.create(model=CHAT_MODEL, messages=follow_up)
        .choices[0]
        .message.content
    )

    parsed = client.chat.completions.parse(
        model=JSON_MODEL, messages=MESSAGES, response_format=Weather
    )
    seen["parse"] = (parsed.choices[0].message.parsed, parsed.choices[0].message.content)

    stream = client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True)
    with stream:
        chunks = list(stream)
    seen["stream"] = (
        "".join(c.choices[0].delta.content or "" for c in chunks if c.choices),
        [c.choices[0].finish_reason for c in chunks if c.choices][-1],
        [c.usage for c in chunks],
        isinstance(stream.response, httpx.Response),
        stream.response.status_code,
    )

    e = client.embeddings.create(model=EMBED_MODEL, input=["a sentence"])
    seen["embeddings"] = (e.object, e.data[0].embedding, e.data[0].index, e.usage.prompt_tokens)

    seen["models"] = sorted(m.id for m in client.models.list())
    seen["retrieve"] = (
        client.models.retrieve(CHAT_MODEL).id,
        client.models.retrieve(CHAT_MODEL).object,
    )

    raw = client.chat.completions.with_raw_response.create(
        model=CHAT_MODEL, messages=MESSAGES, extra_query={"trace": "t-1"},
        extra_headers={"x-team": "billing"}, extra_body={"user": "u-42"},
    )  # fmt: skip
    seen["raw"] = (
        raw.status_code, raw.headers["x-litellm-model-group"], raw.http_request.url.params["trace"],
        raw.http_request.headers["x-team"], raw.parse().choices[0].message.content,
    )  # fmt: skip
    with client.chat.completions.with_streaming_response.create(
        model=CHAT_MODEL, messages=MESSAGES
    ) as response:
        seen["streaming_response"] = (
            response.status_code,
            response.parse().choices[0].message.content,
        )

    fast = client.with_options(max_retries=0, timeout=httpx.Timeout(30.0))
    try:
        fast.chat.completions.create(model=LIMITED_MODEL, messages=MESSAGES)
    except errors.RateLimitError as exc:
        seen["429"] = (
            type(exc).__name__, isinstance(exc, errors.APIStatusError),
            isinstance(exc, errors.APIError), exc.status_code, exc.type, exc.code, exc.param,
            exc.body, exc.request_id, isinstance(exc.response, httpx.Response),
            exc.response.status_code, exc.response.json(), exc.request.method, exc.request.url.path,
        )  # fmt: skip
    try:
        fast.chat.completions.create(model="no-such-model", messages=MESSAGES)
    except errors.BadRequestError as exc:
        seen["400"] = (exc.status_code, exc.type, exc.code, isinstance(exc, errors.APIStatusError))
    try:
        fast.models.retrieve("no-such-model")
    except errors.NotFoundError as exc:
        seen["404"] = (exc.status_code, exc.body)
    try:
        client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, temprature=0.2)
    except TypeError as exc:
        seen["typo"] = "temprature" in str(exc)
    return seen


async def async_script(client: Any, errors: ModuleType) -> dict[str, Any]:
    """The same body, awaited."""
    seen: dict[str, Any] = {}
    r = await client.chat.completions.create(model=TOOL_MODEL, messages=MESSAGES, tools=TOOLS)
    call = r.choices[0].message.tool_calls[0]
    seen["tool_call"] = (call.id, call.function.name, r.choices[0].message.to_dict())
    follow_up = [*MESSAGES, r.choices[0].message, {"role": "tool", "tool_call_id": call.id,
                 "content": "sunny"}]  # fmt: skip
    r = await client.chat.completions.create(model=CHAT_MODEL, messages=follow_up)
    seen["second_turn"] = r.choices[0].message.content
    parsed = await client.chat.completions.parse(
        model=JSON_MODEL, messages=MESSAGES, response_format=Weather
    )
    seen["parse"] = parsed.choices[0].message.parsed
    stream = await client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True)
    async with stream:
        chunks = [c async for c in stream]
    seen["stream"] = (
        "".join(c.choices[0].delta.content or "" for c in chunks if c.choices),
        stream.response.status_code,
    )
    seen["models"] = sorted(m.id for m in (await client.models.list()).data)
    raw = await client.chat.completions.with_raw_response.create(
        model=CHAT_MODEL, messages=MESSAGES
    )
    seen["raw"] = (raw.status_code, raw.parse().choices[0].message.content)
    async with client.chat.completions.with_streaming_response.create(
        model=CHAT_MODEL, messages=MESSAGES
    ) as response:
        seen["streaming_response"] = (await response.parse()).choices[0].message.content
    try:
        await client.with_options(max_retries=0).chat.completions.create(
            model=LIMITED_MODEL, messages=MESSAGES
        )
    except errors.RateLimitError as exc:
        seen["429"] = (exc.status_code, exc.type, exc.code, exc.body, exc.response.status_code)
    try:
        await client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, temprature=0.2)
    except TypeError as exc:
        seen["typo"] = "temprature" in str(exc)
    return seen


def test_the_same_code_behaves_the_same_on_openai_and_gateway(
    litellm_gateway: LiteLLMGateway,
) -> None:
    url, key = litellm_gateway.url, litellm_gateway.master_key
    with openai.OpenAI(base_url=url + "/v1", api_key=key) as theirs:
        expected = script(theirs, openai)
    with Gateway(base_url=url, api_key=key) as ours:
        observed = script(ours, nemoctl)
    assert set(expected) == set(observed)
    for name in expected:
        assert observed[name] == expected[name], name
    # What was compared is what a user relies on; spot-check that it is not empty.
    assert expected["chat"][3] == CHAT_MOCK
    assert expected["tool_call"][2] == TOOL_CALL["function"]["name"]  # type: ignore[index]
    assert expected["parse"][0] == Weather(city="Paris", temperature_c=21)
    assert expected["stream"][0] == CHAT_MOCK and expected["typo"] is True
    assert expected["429"][3] == 429 and expected["404"][0] == 404


@pytest.mark.asyncio
async def test_the_same_async_code_behaves_the_same(litellm_gateway: LiteLLMGateway) -> None:
    url, key = litellm_gateway.url, litellm_gateway.master_key
    async with openai.AsyncOpenAI(base_url=url + "/v1", api_key=key) as theirs:
        expected = await async_script(theirs, openai)
    async with AsyncGateway(base_url=url, api_key=key) as ours:
        observed = await async_script(ours, nemoctl)
    assert observed == expected
    assert expected["second_turn"] == CHAT_MOCK and expected["429"][0] == 429


def test_the_documented_additions_are_there(litellm_gateway: LiteLLMGateway) -> None:
    with Gateway(base_url=litellm_gateway.url, api_key=litellm_gateway.master_key) as gw:
        r = gw.chat.completions.create(model=TOOL_MODEL, messages=MESSAGES, tools=TOOLS)
        assert r.cost is not None and r.cost > 0 and r.model_group == TOOL_MODEL and r.call_id
        raw = gw.chat.completions.with_raw_response.create(model=CHAT_MODEL, messages=MESSAGES)
        assert raw.retries_taken == 0 and raw.parse().cost == float(
            raw.headers["x-litellm-response-cost"]
        )
        with gw.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True) as s:
            s.until_done()
        assert s.cost is not None and s.cost > 0 and s.text == CHAT_MOCK
        try:
            gw.chat.completions.create(model=LIMITED_MODEL, messages=MESSAGES, max_retries=0)
        except nemoctl.RateLimitError as exc:
            assert exc.call_id and exc.error_type == exc.type == "throttling_error"
        else:
            pytest.fail("no RateLimitError")
