"""openai-python call semantics the compatibility test does not pin down, on a scripted server."""

from __future__ import annotations

import httpx
import pytest

from nemoctl import Gateway
from nemoctl.client import Timeout
from tests.sdk.fault_server import FaultServer, Reply

KEY = "sk-parity-units-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
MESSAGES = [{"role": "user", "content": "hi"}]


def test_extra_query_goes_to_the_url_and_extra_body_wins_in_the_body(fault: FaultServer) -> None:
    with Gateway(base_url=fault.url, api_key=KEY) as gw:
        gw.chat.completions.create(
            model="m", messages=MESSAGES, temperature=0.1, extra_query={"trace": "t 1"},
            extra_body={"temperature": 0.9, "mock_response": "x"}, extra_headers={"x-a": "b"},
        )  # fmt: skip
    sent = fault.attempts[0]
    assert sent.path == "/v1/chat/completions?trace=t+1"
    assert sent.json()["temperature"] == 0.9 and sent.json()["mock_response"] == "x"
    assert "trace" not in sent.json() and sent.headers["x-a"] == "b"


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda gw: gw.embeddings.create(model="m", input="a", dimension=3), "dimension"),
        (lambda gw: gw.responses.create(model="m", input="a", max_tokens=3), "max_tokens"),
        (lambda gw: gw.messages.create(model="m", max_tokens=3, messages=[], stop=["x"]), "stop"),
        (
            lambda gw: gw.chat.completions.parse(
                model="m", messages=[], response_format=dict, top=1
            ),
            "top",
        ),
    ],
)
def test_unknown_keywords_are_refused_before_sending(
    fault: FaultServer, call: object, name: str
) -> None:
    with Gateway(base_url=fault.url, api_key=KEY) as gw, pytest.raises(TypeError, match=name):
        call(gw)  # type: ignore[operator]
    assert fault.attempts == []


def test_with_options_shares_the_pool_and_leaves_it_open(fault: FaultServer) -> None:
    fault.serve(Reply(body={"object": "list", "data": [{"id": "m"}]}, headers={}))
    gw = Gateway(base_url=fault.url, api_key=KEY, max_retries=5)
    fast = gw.with_options(max_retries=0, timeout=httpx.Timeout(3.0, connect=1.0))
    assert fast._http is gw._http and fast.max_retries == 0 and gw.max_retries == 5
    assert fast.timeout == Timeout(connect=1.0, read=3.0, write=3.0, total=None)
    assert fast.gateway_retries == gw.gateway_retries == 0
    with fast:
        assert [m.id for m in fast.models.list()] == ["m"]
    assert gw.models.list()[0].id == "m"  # the copy's exit did not close the shared pool
    gw.close()
    assert len(fault.attempts) == 2
