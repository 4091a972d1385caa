"""Code written against the SDK as openai-python code is written type-checks under
``mypy --strict``: typed attribute access on responses, streams and errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

USER_CODE = textwrap.dedent(
    """
    from __future__ import annotations

    import json

    import httpx
    from pydantic import BaseModel

    import nemoctl
    from nemoctl import AsyncGateway, Gateway
    from nemoctl.client.types import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage


    class Weather(BaseModel):
        city: str


    def turn(gw: Gateway, question: str) -> str | None:
        r: ChatCompletion = gw.chat.completions.create(
            model="gpt-mock",
            messages=[{"role": "user", "content": question}],
            temperature=0.2,
            timeout=httpx.Timeout(10.0),
            extra_headers={"x-team": "a"},
            extra_query={"trace": "1"},
            extra_body={"metadata": {"tags": ["a"]}},
        )
        message: ChatCompletionMessage = r.choices[0].message
        if message.tool_calls:
            call = message.tool_calls[0]
            args: dict[str, object] = json.loads(call.function.arguments)
            print(call.id, call.function.name, args)
        if message.refusal is not None:
            return None
        usage = r.usage
        if usage is not None and usage.prompt_tokens_details is not None:
            cached: int | None = usage.prompt_tokens_details.cached_tokens
            print(cached)
        if r.choices[0].logprobs and r.choices[0].logprobs.content:
            print(r.choices[0].logprobs.content[0].logprob + 0.0)
        cost: float | None = r.cost
        print(cost, r.service_tier, r.to_dict(), r.to_json())
        return message.content


    def stream(gw: Gateway) -> str:
        parts: list[str] = []
        with gw.chat.completions.create(
            model="gpt-mock", messages=[{"role": "user", "content": "hi"}], stream=True
        ) as s:
            for chunk in s:
                c: ChatCompletionChunk = chunk
                if c.choices and c.choices[0].delta.content:
                    parts.append(c.choices[0].delta.content)
        status: int = s.response.status_code
        print(status, s.cost)
        return "".join(parts)


    def structured(gw: Gateway) -> Weather | None:
        p = gw.chat.completions.parse(
            model="gpt-mock", messages=[{"role": "user", "content": "hi"}], response_format=Weather
        )
        return p.choices[0].message.parsed


    def stream_helper(gw: Gateway) -> Weather | None:
        with gw.chat.completions.stream(
            model="gpt-mock", messages=[{"role": "user", "content": "hi"}], response_format=Weather
        ) as s:
            for event in s:
                if event.type == "content.delta":
                    print(event.delta, event.snapshot)
            final = s.get_final_completion()
        print(final.cost)
        return final.choices[0].message.parsed


    def errors(gw: Gateway) -> int:
        try:
            gw.with_options(max_retries=0).models.retrieve("gpt-mock")
        except nemoctl.RateLimitError as e:
            after: float | None = e.retry_after
            print(after)
            return e.status_code
        except nemoctl.APIStatusError as e:
            response: httpx.Response = e.response
            request: httpx.Request | None = e.request
            print(e.type, e.code, e.param, e.body, e.request_id, response.text, request)
            return e.status_code
        except nemoctl.APIConnectionError as e:
            print(e.message)
            return 0
        return 200


    def listing(gw: Gateway) -> list[str]:
        return [m.id for m in gw.models.list()]


    def other_endpoints(gw: Gateway) -> str:
        r = gw.responses.create(model="gpt-mock", input="hi")
        m = gw.messages.create(model="gpt-mock", max_tokens=8, messages=[{"role": "user",
                               "content": "hi"}])
        e = gw.embeddings.create(model="embed-mock", input=["a"])
        print(e.data[0].embedding, m.content[0].text, m.cost)
        return r.output_text


    async def async_turn(gw: AsyncGateway) -> str | None:
        r = await gw.chat.completions.create(
            model="gpt-mock", messages=[{"role": "user", "content": "hi"}]
        )
        s = await gw.chat.completions.create(
            model="gpt-mock", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        async with s:
            async for chunk in s:
                print(chunk.choices[0].delta.content if chunk.choices else None)
        return r.choices[0].message.content
    """
)


TYPO = (
    "from nemoctl import Gateway\n"
    "def f(gw: Gateway) -> None:\n"
    "    gw.chat.completions.create(model='m', messages=[], temprature=0.1)\n"
)


def test_user_code_passes_mypy_strict_and_a_typo_does_not(tmp_path: Path) -> None:
    # One mypy run for both files (checking nemoctl, pydantic and httpx is the cost).
    (tmp_path / "user_code.py").write_text(USER_CODE)
    (tmp_path / "typo.py").write_text(TYPO)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy"),
         str(tmp_path / "user_code.py"), str(tmp_path / "typo.py")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors, result.stdout
    assert all("typo.py:3:" in line for line in errors), result.stdout
    assert any("temprature" in line for line in errors), result.stdout
