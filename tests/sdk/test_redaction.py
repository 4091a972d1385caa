"""Secrets planted in every channel a gateway can echo them through never come out of the SDK:
error attributes (message, param, body, the httpx response and request), non-JSON 2xx bodies,
typed responses' raw bodies, stream error events, URLs, logs, and traceback locals."""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from typing import Any

import pytest

from nemoctl import APIStatusError, Gateway, GatewayError, StreamError
from nemoctl.client import ResponseValidationError
from tests.sdk.fault_server import FaultServer, Reply, sse

CLIENT_KEY = "sk-client-key-planted-0d9c8b7a6f5e4d3c2b1a"
OTHER_KEY = "sk-other-key-planted-1a2b3c4d5e6f7a8b9c0d"
SHAPED = "sk-looks-like-a-key-9f8e7d6c5b4a"  # not ours, but key-shaped
MESSAGES = [{"role": "user", "content": "hi"}]


def _everything(exc: BaseException, *, sdk_locals: bool = True) -> str:
    """Every place a user (or a crash reporter) might print: str, repr, attributes, and the
    locals of the SDK's frames in the traceback (the test's own frames hold the plants)."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if sdk_locals:
        stack = traceback.TracebackException.from_exception(exc, capture_locals=True).stack
        for frame in stack:
            if "/nemoctl/" in frame.filename:
                parts.append(repr(frame.locals))
    for name in ("message", "param", "body", "code", "type"):
        parts.append(repr(getattr(exc, name, None)))
    response = getattr(exc, "response", None)
    if response is not None:
        parts += [response.text, json.dumps(response.json()) if _is_json(response) else "",
                  repr(response.headers), str(response.request.url),
                  repr(response.request.headers)]  # fmt: skip
    request = getattr(exc, "request", None)
    if request is not None:
        parts += [str(request.url), repr(dict(request.headers))]
    return "\n".join(parts)


def _is_json(response: Any) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _assert_clean(text: str) -> None:
    for secret in (CLIENT_KEY, OTHER_KEY, SHAPED):
        assert secret not in text


def test_status_error_attributes_are_masked(fault: FaultServer) -> None:
    body = {"error": {"message": f"bad key {CLIENT_KEY}", "type": "auth_error",
                      "param": f"api_key={CLIENT_KEY}", "code": "401", "echo": SHAPED}}  # fmt: skip
    fault.serve(Reply(status=401, body=body, headers={}))
    with Gateway(base_url=fault.url, api_key=CLIENT_KEY) as gw, pytest.raises(APIStatusError) as c:
        gw.chat.completions.create(model="m", messages=MESSAGES)
    exc = c.value
    _assert_clean(_everything(exc))
    # The key becomes "sk-***"; a credential key=value pair is then masked whole, as
    # nemoctl.redact masks it in the CLI's output.
    assert exc.param == "api_key=***" and exc.body == {**body["error"],
        "message": "bad key sk-***", "param": "api_key=***", "echo": "sk-***"}  # fmt: skip
    assert exc.request is not None and exc.request.headers["authorization"] == "***"
    # The key did go to the gateway, where it belongs.
    assert fault.attempts[0].headers["authorization"] == f"Bearer {CLIENT_KEY}"


def test_a_non_json_2xx_body_is_quoted_masked(fault: FaultServer) -> None:
    fault.serve(Reply(body=f"<html>key={CLIENT_KEY} {SHAPED}</html>".encode()))
    with Gateway(base_url=fault.url, api_key=CLIENT_KEY) as gw:
        with pytest.raises(ResponseValidationError) as c:
            gw.keys.info()
        _assert_clean(_everything(c.value))
        with pytest.raises(ResponseValidationError) as c2:
            gw.chat.completions.create(model="m", messages=MESSAGES)
        _assert_clean(_everything(c2.value))


def test_key_info_for_another_key_keeps_it_out_of_url_raw_and_errors(
    fault: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fault.serve(Reply(body={"key": OTHER_KEY, "info": {"spend": 1.0, "key_name": "sk-...cdef"}},
                      headers={}))  # fmt: skip
    with Gateway(base_url=fault.url, api_key=CLIENT_KEY) as gw:
        info = gw.keys.info(OTHER_KEY)
        assert info.raw is not None
        _assert_clean(info.raw.text + repr(info) + info.raw.url + repr(info.to_dict()))
        assert info.info.token == hashlib.sha256(OTHER_KEY.encode()).hexdigest()
        fault.serve(Reply(status=404, body={"error": {"message": f"no key {OTHER_KEY}"}}))
        with pytest.raises(GatewayError) as c:
            gw.keys.info(OTHER_KEY)
        # (The caller's own argument stays in the frame it was passed to.)
        _assert_clean(_everything(c.value, sdk_locals=False))
    assert OTHER_KEY not in fault.attempts[0].path
    _assert_clean(caplog.text)


def test_raw_and_streamed_responses_are_masked(fault: FaultServer) -> None:
    body = {"id": "c1", "object": "chat.completion", "model": "m", "choices": [{"index": 0,
            "message": {"role": "assistant", "content": f"echo {CLIENT_KEY}"}}]}  # fmt: skip
    fault.serve(Reply(body=body))
    with Gateway(base_url=fault.url, api_key=CLIENT_KEY) as gw:
        raw = gw.chat.completions.with_raw_response.create(model="m", messages=MESSAGES)
        _assert_clean(raw.text + json.dumps(raw.json()) + repr(raw.http_request.headers))
        with gw.chat.completions.with_streaming_response.create(
            model="m", messages=MESSAGES
        ) as streamed:
            _assert_clean(streamed.text() + str(streamed.http_request.headers))
        r = gw.chat.completions.create(model="m", messages=MESSAGES)
        assert r.raw is not None
        _assert_clean(r.raw.text)


def test_a_stream_error_event_is_masked(fault: FaultServer) -> None:
    fault.serve(sse([{"error": {"message": f"upstream said {CLIENT_KEY}", "type": "x",
                                "param": SHAPED}}]))  # fmt: skip
    with Gateway(base_url=fault.url, api_key=CLIENT_KEY) as gw:
        stream = gw.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(StreamError) as c:
            list(stream)
    _assert_clean(_everything(c.value))
    assert c.value.param == "sk-***"
