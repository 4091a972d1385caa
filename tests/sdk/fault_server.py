"""A real local HTTP/1.1 server whose answers a test scripts, counting the attempts it sees.

Each request pops the next scripted :class:`Reply` (the last one repeats), so "429 then
200" or "reset, then 200" is a list.  Runs in a thread on 127.0.0.1, random port.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_BODY = {
    "id": "chatcmpl-fault",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-mock",
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}
COST_HEADERS = {
    "x-litellm-response-cost": "0.00042",
    "x-litellm-response-cost-input": "0.0001",
    "x-litellm-response-cost-output": "0.00032",
    "x-litellm-model-group": "gpt-mock",
    "x-litellm-model-id": "deployment-1",
}


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: CHAT_BODY)
    headers: dict[str, str] = field(default_factory=lambda: dict(COST_HEADERS))
    #: "reply" | "reset" (RST after reading the request) | "sse"
    kind: str = "reply"
    delay: float = 0.0
    #: For "sse": the data payloads, and a pause before each one.
    events: list[str] = field(default_factory=list)
    event_delay: float = 0.0
    #: For "sse": a pause before event i (overrides ``event_delay`` where given).
    delays: list[float] = field(default_factory=list)


def error(status: int, type_: str, message: str = "scripted", **headers: str) -> Reply:
    body = {"error": {"message": message, "type": type_, "param": None, "code": str(status)}}
    return Reply(status=status, body=body, headers=headers)


def sse(chunks: list[dict[str, Any]], *, event_delay: float = 0.0, done: bool = True) -> Reply:
    events = [json.dumps(c) for c in chunks] + (["[DONE]"] if done else [])
    return Reply(
        kind="sse",
        events=events,
        event_delay=event_delay,
        headers={
            "x-litellm-model-group": "gpt-mock",
            "x-litellm-call-id": "",
        },
    )


def chunk(
    content: str | None = None, *, finish: str | None = None, usage: dict[str, Any] | None = None
) -> dict[str, Any]:
    delta = {} if content is None else {"content": content}
    body: dict[str, Any] = {
        "id": "chatcmpl-s",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-mock",
        "choices": [{"index": 0, "delta": delta, **({"finish_reason": finish} if finish else {})}],
    }
    if usage is not None:
        body["usage"] = usage
    return body


@dataclass
class Attempt:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FaultServer:
    def __init__(self) -> None:
        self.script: list[Reply] = [Reply()]
        self.attempts: list[Attempt] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server._record(self.command, self.path, dict(self.headers), body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.kind == "reset":
                    # SO_LINGER 0: close() sends RST, the client sees "connection reset".
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                    return
                if reply.kind == "sse":
                    self.send_response(200)
                    self.send_header("content-type", "text/event-stream")
                    self.send_header("transfer-encoding", "chunked")
                    for name, value in reply.headers.items():
                        if value:
                            self.send_header(name, value)
                    self.end_headers()
                    try:
                        for i, data in enumerate(reply.events):
                            pause = reply.delays[i] if i < len(reply.delays) else reply.event_delay
                            if pause:
                                time.sleep(pause)
                            payload = f"data: {data}\n\n".encode()
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
                            self.wfile.flush()
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                data = (
                    json.dumps(reply.body).encode()
                    if not isinstance(reply.body, bytes)
                    else reply.body
                )
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _record(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        with self._lock:
            self.attempts.append(
                Attempt(method, path, {k.lower(): v for k, v in headers.items()}, body)
            )
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def serve(self, *replies: Reply) -> None:
        with self._lock:
            self.script = list(replies) or [Reply()]
            self.attempts = []

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def running() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server
