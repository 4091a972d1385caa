"""Server-sent-event streams (chat chunks, Responses events, Messages events) with the cost.

The gateway sends its cost headers before the first token, so a stream has no
``x-litellm-response-cost``; for chat the SDK asks for ``stream_options.include_usage``
and reads ``usage.cost`` from the last chunk, for the Responses API it reads
``response.usage.cost`` of the ``response.completed`` event.  ``stream.cost`` is set once
the stream has ended (None plus :class:`CostUnavailableWarning` if the gateway put no
cost there).

Timeouts: every wait for bytes is bounded by ``Timeout.read`` (so a stalled stream fails
between chunks, not only at the start), and ``Timeout.total`` bounds the whole stream.
Errors after the first chunk are never retried: the gateway has already served the call.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from nemoctl.client._base_client import Opened
from nemoctl.client._exceptions import (
    APIConnectionError,
    APITimeoutError,
    GatewayError,
    ResponseValidationError,
    StreamError,
)
from nemoctl.client._response import GatewayMeta, RawResponse, parse_cost
from nemoctl.client._retry import Deadline
from nemoctl.client._secret import safe_request, scrub
from nemoctl.client.types.chat import ChatCompletionChunk, CompletionUsage
from nemoctl.client.types.messages import MessageStreamEvent
from nemoctl.client.types.responses import ResponseStreamEvent

T = TypeVar("T")
_DONE = "[DONE]"


class _SSEDecoder:
    """The parts of the SSE format these streams use: ``data:`` lines, blank-line dispatch."""

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


class _Kind(Generic[T]):
    """What differs between stream flavours: the item type, where usage and text are."""

    cost_source = "usage.cost of the final stream chunk"

    def __init__(self, hide_usage_chunk: bool = False) -> None:
        self.hide_usage_chunk = hide_usage_chunk
        self.usage: Any = None
        self.text_parts: list[str] = []

    def item(self, payload: Any) -> T | None:
        raise NotImplementedError

    def cost_value(self) -> Any:
        return None if self.usage is None else getattr(self.usage, "cost", None)


class ChatChunks(_Kind[ChatCompletionChunk]):
    def item(self, payload: Any) -> ChatCompletionChunk | None:
        chunk = ChatCompletionChunk.model_validate(payload)
        if chunk.usage is not None:
            self.usage = chunk.usage
            if self.hide_usage_chunk and chunk.carries_only_usage():
                return None
        for choice in chunk.choices:
            if choice.delta.content:
                self.text_parts.append(choice.delta.content)
        return chunk


class ResponseEvents(_Kind[ResponseStreamEvent]):
    cost_source = "response.usage.cost of the response.completed event"

    def item(self, payload: Any) -> ResponseStreamEvent:
        event = ResponseStreamEvent.model_validate(payload)
        if event.type == "response.output_text.delta" and isinstance(event.delta, str):
            self.text_parts.append(event.delta)
        elif event.response is not None and event.response.usage is not None:
            self.usage = event.response.usage
        return event


class MessageEvents(_Kind[MessageStreamEvent]):
    cost_source = "usage.cost of the message_delta event"

    def item(self, payload: Any) -> MessageStreamEvent:
        event = MessageStreamEvent.model_validate(payload)
        if event.type == "content_block_delta" and event.delta:
            text = event.delta.get("text")
            if isinstance(text, str):
                self.text_parts.append(text)
        if event.usage is not None:
            self.usage = event.usage
        return event


class _StreamState(Generic[T]):
    """What both stream flavours track: headers, usage, text, cost."""

    def __init__(self, opened: Opened, kind: _Kind[T]) -> None:
        response = opened.response
        self.response = response
        self.raw = RawResponse.from_httpx(response, secrets=opened.secrets)
        self.call_id: str = response.headers.get("x-litellm-call-id") or opened.call_id
        self.deadline: Deadline = opened.deadline
        self.secrets = opened.secrets
        self.kind = kind
        self.completed = False
        self.meta: GatewayMeta | None = None
        #: Set instead of raised, so that the frames holding the raw event text can drop it
        #: before raising (traceback locals are a leak path too).
        self.failure: GatewayError | None = None

    def on_data(self, data: str) -> T | None:
        try:
            return self._on_data(data)
        except GatewayError as exc:
            # Dropping the traceback drops the frames that parsed the raw event.
            self.failure = exc.with_traceback(None)
            data = ""
            return None

    def _on_data(self, data: str) -> T | None:
        try:
            payload: Any = json.loads(data)
        except ValueError:
            raise ResponseValidationError(
                f"unreadable stream chunk: {scrub(data[:200], *self.secrets)!r}",
                call_id=self.call_id,
            ) from None
        if isinstance(payload, dict) and "error" in payload and payload.get("type") != "error":
            error = (
                payload["error"]
                if isinstance(payload["error"], dict)
                else {"message": payload["error"]}
            )
            raise self.stream_error(error)
        if isinstance(payload, dict) and payload.get("type") in ("error", "response.failed"):
            error = payload.get("error") or (payload.get("response") or {}).get("error") or {}
            raise self.stream_error(error if isinstance(error, dict) else {"message": error})
        return self.kind.item(payload)

    def stream_error(self, error: dict[str, Any]) -> StreamError:
        masked = json.loads(scrub(json.dumps(error), *self.secrets))
        return StreamError(
            str(masked.get("message") or "stream error"),
            call_id=self.call_id,
            request=safe_request(self.response.request),
            body=masked,
            type=None if masked.get("type") is None else str(masked.get("type")),
            code=None if masked.get("code") is None else str(masked.get("code")),
            param=None if masked.get("param") is None else str(masked.get("param")),
        )

    def finish(self) -> None:
        if self.completed:
            return
        self.completed = True
        cost = parse_cost(
            self.kind.cost_value(),
            source=self.kind.cost_source,
            call_id=self.call_id,
            stacklevel=6,
        )
        self.meta = GatewayMeta.from_headers(
            self.raw.headers, cost=cost, with_breakdown=False, fallback_call_id=self.call_id
        )

    def transport_error(self, exc: BaseException) -> GatewayError:
        request = safe_request(self.response.request)
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            which = "total" if self.deadline.expired() else "no chunk within the read timeout"
            return APITimeoutError(
                f"the stream timed out ({which})",
                call_id=self.call_id,
                maybe_served=True,
                request=request,
            )
        return APIConnectionError(
            f"the stream broke: {type(exc).__name__}: {exc}",
            call_id=self.call_id,
            maybe_served=True,
            request=request,
        )


class _StreamProperties(Generic[T]):
    _state: _StreamState[T]

    @property
    def cost(self) -> float | None:
        """USD from the gateway's final usage; None until the stream has ended."""
        return self._state.meta.cost if self._state.meta else None

    @property
    def usage(self) -> Any:
        """The usage the gateway sent (``CompletionUsage`` for chat)."""
        return self._state.kind.usage

    @property
    def completed(self) -> bool:
        return self._state.completed

    @property
    def text(self) -> str:
        """The text received so far, concatenated."""
        return "".join(self._state.kind.text_parts)

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

    @property
    def response(self) -> httpx.Response:
        """The open ``httpx.Response`` (as openai-python's ``stream.response``)."""
        return self._state.response


class Stream(_StreamProperties[T]):
    """Iterate for the items (``ChatCompletionChunk`` for chat); ``.cost`` after the last one."""

    def __init__(self, opened: Opened, kind: _Kind[T]) -> None:
        self._state = _StreamState(opened, kind)
        self._chunks = self._iterate()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return next(self._chunks)

    def _iterate(self) -> Generator[T, None, None]:
        state = self._state
        response = state.response
        decoder = _SSEDecoder()
        try:
            for line in response.iter_lines():
                if state.deadline.expired():
                    raise httpx.ReadTimeout("total timeout")
                data = decoder.feed(line)
                if data is None:
                    continue
                if data == _DONE:
                    break
                item = state.on_data(data)
                if state.failure is not None:
                    line = data = ""
                    raise state.failure
                if item is not None:
                    yield item
            else:
                data = decoder.flush()
                if data is not None and data != _DONE:
                    item = state.on_data(data)
                    if state.failure is not None:
                        data = ""
                        raise state.failure
                    if item is not None:
                        yield item
            state.finish()
        except httpx.TransportError as exc:
            raise state.transport_error(exc) from exc
        finally:
            response.close()

    def until_done(self) -> Stream[T]:
        """Consume the remaining items (so ``cost`` is set); returns self."""
        for _ in self:
            pass
        return self

    def close(self) -> None:
        self._chunks.close()
        self._state.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(_StreamProperties[T]):
    """``async for`` the items; ``.cost`` after the last one."""

    def __init__(self, opened: Opened, kind: _Kind[T]) -> None:
        self._state = _StreamState(opened, kind)
        self._chunks = self._iterate()

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        return await self._chunks.__anext__()

    async def _iterate(self) -> AsyncGenerator[T, None]:
        state = self._state
        response = state.response
        decoder = _SSEDecoder()
        lines = response.aiter_lines()
        try:
            while True:
                try:
                    remaining = state.deadline.remaining()
                    if remaining is None:
                        line = await anext(lines)
                    else:
                        async with asyncio.timeout(remaining):
                            line = await anext(lines)
                except StopAsyncIteration:
                    data = decoder.flush()
                    if data is not None and data != _DONE:
                        item = state.on_data(data)
                        if state.failure is not None:
                            data = ""
                            raise state.failure from None
                        if item is not None:
                            yield item
                    break
                data = decoder.feed(line)
                if data is None:
                    continue
                if data == _DONE:
                    break
                item = state.on_data(data)
                if state.failure is not None:
                    line = data = ""
                    raise state.failure
                if item is not None:
                    yield item
            state.finish()
        except (httpx.TransportError, TimeoutError) as exc:
            raise state.transport_error(exc) from exc
        finally:
            await response.aclose()

    async def until_done(self) -> AsyncStream[T]:
        async for _ in self:
            pass
        return self

    async def close(self) -> None:
        await self._chunks.aclose()
        await self._state.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


__all__ = ["AsyncStream", "ChatChunks", "CompletionUsage", "MessageEvents", "ResponseEvents",
           "Stream"]  # fmt: skip
