"""Server-sent-event streams of chat chunks, with the cost read from the final usage chunk.

The gateway sends its cost headers before the first token, so a stream has no
``x-litellm-response-cost``; the SDK asks for ``stream_options.include_usage`` and reads
``usage.cost`` from the last chunk.  ``stream.cost`` is set once the stream has ended
(None plus :class:`CostUnavailableWarning` if the gateway put no cost there).

Timeouts: every wait for bytes is bounded by ``Timeout.read`` (so a stalled stream fails
between chunks, not only at the start), and ``Timeout.total`` bounds the whole stream.
Errors after the first chunk are never retried: the gateway has already served the call.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType
from typing import Any

import httpx

from nemoctl.client._exceptions import (
    APIConnectionError,
    APITimeoutError,
    GatewayError,
    ResponseValidationError,
    StreamError,
    scrub,
)
from nemoctl.client._response import GatewayMeta, RawResponse, parse_cost
from nemoctl.client._retry import Deadline
from nemoctl.client.types.chat import ChatCompletionChunk, CompletionUsage

_DONE = "[DONE]"


class _SSEDecoder:
    """The parts of the SSE format chat streams use: ``data:`` lines, blank-line dispatch."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> str | None:
        if not line:
            return self.flush()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)
        return None

    def flush(self) -> str | None:
        if not self._data:
            return None
        data = "\n".join(self._data)
        self._data = []
        return data


class _StreamState:
    """What both stream flavours track: headers, usage, text, cost."""

    def __init__(
        self, response: httpx.Response, call_id: str, deadline: Deadline, hide_usage_chunk: bool
    ) -> None:
        self.raw = RawResponse.from_httpx(response)
        self.call_id = response.headers.get("x-litellm-call-id") or call_id
        self.deadline = deadline
        self.hide_usage_chunk = hide_usage_chunk
        self.usage: CompletionUsage | None = None
        self.text_parts: list[str] = []
        self.completed = False
        self.meta: GatewayMeta | None = None

    def on_data(self, data: str) -> ChatCompletionChunk | None:
        try:
            payload: Any = json.loads(data)
        except ValueError as exc:
            raise ResponseValidationError(
                f"unreadable stream chunk: {data[:200]!r}", call_id=self.call_id
            ) from exc
        if isinstance(payload, dict) and "error" in payload:
            error = (
                payload["error"]
                if isinstance(payload["error"], dict)
                else {"message": payload["error"]}
            )
            raise StreamError(
                scrub(str(error.get("message") or "stream error")),
                call_id=self.call_id,
                error_type=error.get("type"),
                code=None if error.get("code") is None else str(error.get("code")),
            )
        chunk = ChatCompletionChunk.model_validate(payload)
        if chunk.usage is not None:
            self.usage = chunk.usage
            if self.hide_usage_chunk and chunk.carries_only_usage():
                return None
        for choice in chunk.choices:
            if choice.delta.content:
                self.text_parts.append(choice.delta.content)
        return chunk

    def finish(self) -> None:
        if self.completed:
            return
        self.completed = True
        cost = parse_cost(
            None if self.usage is None else self.usage.cost,
            source="usage.cost of the final stream chunk",
            call_id=self.call_id,
            stacklevel=6,
        )
        self.meta = GatewayMeta.from_headers(
            self.raw.headers, cost=cost, with_breakdown=False, fallback_call_id=self.call_id
        )

    def transport_error(self, exc: BaseException) -> GatewayError:
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            which = "total" if self.deadline.expired() else "no chunk within the read timeout"
            return APITimeoutError(
                f"the stream timed out ({which})", call_id=self.call_id, maybe_served=True
            )
        return APIConnectionError(
            f"the stream broke: {type(exc).__name__}: {exc}",
            call_id=self.call_id,
            maybe_served=True,
        )


class _StreamProperties:
    _state: _StreamState

    @property
    def cost(self) -> float | None:
        """USD from the gateway's final usage chunk; None until the stream has ended."""
        return self._state.meta.cost if self._state.meta else None

    @property
    def usage(self) -> CompletionUsage | None:
        return self._state.usage

    @property
    def completed(self) -> bool:
        return self._state.completed

    @property
    def text(self) -> str:
        """The content received so far, concatenated."""
        return "".join(self._state.text_parts)

    @property
    def call_id(self) -> str:
        return self._state.call_id

    @property
    def model_group(self) -> str | None:
        group: str | None = self._state.raw.headers.get("x-litellm-model-group")
        return group

    @property
    def model_id(self) -> str | None:
        model_id: str | None = self._state.raw.headers.get("x-litellm-model-id")
        return model_id

    @property
    def gateway(self) -> GatewayMeta | None:
        return self._state.meta

    @property
    def raw(self) -> RawResponse:
        """Status and headers (the body is the chunks)."""
        return self._state.raw


class Stream(_StreamProperties):
    """Iterate for :class:`ChatCompletionChunk`; ``.cost`` after the last one."""

    def __init__(
        self, response: httpx.Response, *, call_id: str, deadline: Deadline, hide_usage_chunk: bool
    ) -> None:
        self._response = response
        self._state = _StreamState(response, call_id, deadline, hide_usage_chunk)
        self._chunks = self._iterate()

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        return self

    def __next__(self) -> ChatCompletionChunk:
        return next(self._chunks)

    def _iterate(self) -> Generator[ChatCompletionChunk, None, None]:
        state = self._state
        decoder = _SSEDecoder()
        try:
            for line in self._response.iter_lines():
                if state.deadline.expired():
                    raise httpx.ReadTimeout("total timeout")
                data = decoder.feed(line)
                if data is None:
                    continue
                if data == _DONE:
                    break
                chunk = state.on_data(data)
                if chunk is not None:
                    yield chunk
            else:
                data = decoder.flush()
                if data is not None and data != _DONE:
                    chunk = state.on_data(data)
                    if chunk is not None:
                        yield chunk
            state.finish()
        except httpx.TransportError as exc:
            raise state.transport_error(exc) from exc
        finally:
            self._response.close()

    def until_done(self) -> Stream:
        """Consume the remaining chunks (so ``cost`` is set); returns self."""
        for _ in self:
            pass
        return self

    def close(self) -> None:
        self._chunks.close()
        self._response.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(_StreamProperties):
    """``async for`` :class:`ChatCompletionChunk`; ``.cost`` after the last one."""

    def __init__(
        self, response: httpx.Response, *, call_id: str, deadline: Deadline, hide_usage_chunk: bool
    ) -> None:
        self._response = response
        self._state = _StreamState(response, call_id, deadline, hide_usage_chunk)
        self._chunks = self._iterate()

    def __aiter__(self) -> AsyncIterator[ChatCompletionChunk]:
        return self

    async def __anext__(self) -> ChatCompletionChunk:
        return await self._chunks.__anext__()

    async def _iterate(self) -> AsyncGenerator[ChatCompletionChunk, None]:
        state = self._state
        decoder = _SSEDecoder()
        lines = self._response.aiter_lines()
        try:
            while True:
                try:
                    async with asyncio.timeout(state.deadline.remaining()):
                        line = await anext(lines)
                except StopAsyncIteration:
                    data = decoder.flush()
                    if data is not None and data != _DONE:
                        chunk = state.on_data(data)
                        if chunk is not None:
                            yield chunk
                    break
                data = decoder.feed(line)
                if data is None:
                    continue
                if data == _DONE:
                    break
                chunk = state.on_data(data)
                if chunk is not None:
                    yield chunk
            state.finish()
        except (httpx.TransportError, TimeoutError) as exc:
            raise state.transport_error(exc) from exc
        finally:
            await self._response.aclose()

    async def until_done(self) -> AsyncStream:
        async for _ in self:
            pass
        return self

    async def close(self) -> None:
        await self._chunks.aclose()
        await self._response.aclose()

    async def __aenter__(self) -> AsyncStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
