"""``chat.completions.stream(...)``: a chat stream as events plus the final completion.

openai-python's helper (``lib/streaming/chat``), over the SDK's own :class:`Stream`::

    with gw.chat.completions.stream(model=..., messages=..., response_format=Weather) as s:
        for event in s:
            if event.type == "content.delta":
                print(event.delta, end="")
        final = s.get_final_completion()     # ParsedChatCompletion[Weather], .cost set

:class:`StreamState` folds chunks into a snapshot and says which events a chunk makes:
``chunk`` first, then ``content.delta`` / ``refusal.delta`` /
``tool_calls.function.arguments.delta``; the matching ``*.done`` events come when a
choice finishes (a tool call's also right after the next one's first delta), in
openai-python's order (``tests/sdk/test_chat_stream.py`` feeds both the same chunks).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from pydantic_core import from_json

from nemoctl.client._exceptions import LengthFinishReasonError, ResponseValidationError
from nemoctl.client._streaming import AsyncStream, Stream
from nemoctl.client.types.chat import ChatCompletionChunk, ParsedChatCompletion
from nemoctl.client.types.chat_stream import (
    ChatCompletionStreamEvent,
    ChunkEvent,
    ContentDeltaEvent,
    ContentDoneEvent,
    FunctionToolCallArgumentsDeltaEvent,
    FunctionToolCallArgumentsDoneEvent,
    RefusalDeltaEvent,
    RefusalDoneEvent,
)

M = TypeVar("M", bound=BaseModel)


@dataclass
class _ToolCall:
    id: str | None = None
    type: str = "function"
    name: str = ""
    arguments: str = ""
    done: bool = False


@dataclass
class _Choice:
    index: int
    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    finish_reason: str | None = None
    tool_calls: dict[int, _ToolCall] = field(default_factory=dict)


def _lenient(text: str) -> Any:
    """JSON received so far, parsed as far as it goes: complete values only, as
    openai-python does (``{"city": "Par`` → ``{}``; ``{"a": 1, "b`` → ``{"a": 1}``)."""
    try:
        return from_json(text, allow_partial=True)
    except ValueError:
        return None


class StreamState(Generic[M]):
    """The accumulated completion, and the events each chunk produces."""

    def __init__(self, response_format: type[M] | None = None) -> None:
        self.response_format = response_format
        self._head: dict[str, Any] = {}
        self._choices: dict[int, _Choice] = {}
        self.usage: Any = None

    def handle_chunk(self, chunk: ChatCompletionChunk) -> list[ChatCompletionStreamEvent]:
        for key in ("id", "created", "model", "service_tier", "system_fingerprint"):
            value = getattr(chunk, key)
            if value is not None:
                self._head[key] = value
        if chunk.usage is not None:
            self.usage = chunk.usage
        events: list[ChatCompletionStreamEvent] = []
        for delta_choice in chunk.choices:
            choice = self._choices.setdefault(delta_choice.index, _Choice(delta_choice.index))
            events += self._apply(choice, delta_choice)
        return [ChunkEvent(chunk=chunk, snapshot=self.snapshot()), *events]

    def _apply(self, choice: _Choice, delta_choice: Any) -> list[ChatCompletionStreamEvent]:
        events: list[ChatCompletionStreamEvent] = []
        delta = delta_choice.delta
        if delta.role:
            choice.role = delta.role
        if delta.content:
            choice.content = (choice.content or "") + delta.content
            parsed = _lenient(choice.content) if self.response_format else None
            events.append(ContentDeltaEvent(delta=delta.content, snapshot=choice.content,
                                            parsed=parsed))
        if delta.refusal:
            choice.refusal = (choice.refusal or "") + delta.refusal
            events.append(RefusalDeltaEvent(delta=delta.refusal, snapshot=choice.refusal))
        started = False
        for call_delta in delta.tool_calls or ():
            started |= bool(choice.tool_calls) and call_delta.index not in choice.tool_calls
            call = choice.tool_calls.setdefault(call_delta.index, _ToolCall())
            function = call_delta.function
            call.id = call_delta.id or call.id
            call.type = call_delta.type or call.type
            if function is not None and function.name:
                call.name += function.name
            if function is not None and function.arguments:
                call.arguments += function.arguments
                # parsed_arguments stays None, as in openai-python for a tool that is
                # not a strict pydantic function tool (not supported here).
                events.append(FunctionToolCallArgumentsDeltaEvent(
                    name=call.name, index=call_delta.index, arguments=call.arguments,
                    arguments_delta=function.arguments))
        if started:  # a new tool call started: the earlier ones are complete
            events += self._tool_calls_done(choice, keep_last=True)
        if delta_choice.finish_reason:
            choice.finish_reason = delta_choice.finish_reason
            if choice.content is not None:
                events.append(ContentDoneEvent[Any](content=choice.content,
                                                    parsed=self._parsed(choice, strict=False)))
            if choice.refusal is not None:
                events.append(RefusalDoneEvent(refusal=choice.refusal))
            events += self._tool_calls_done(choice)
        return events

    @staticmethod
    def _tool_calls_done(choice: _Choice, *,
                         keep_last: bool = False) -> list[ChatCompletionStreamEvent]:
        events: list[ChatCompletionStreamEvent] = []
        last = max(choice.tool_calls, default=None)
        for index, call in sorted(choice.tool_calls.items()):
            if not call.done and not (keep_last and index == last):
                call.done = True
                events.append(FunctionToolCallArgumentsDoneEvent(
                    name=call.name, index=index, arguments=call.arguments))
        return events

    def _parsed(self, choice: _Choice, *, strict: bool) -> Any:
        if self.response_format is None or not choice.content or choice.refusal:
            return None
        try:
            return self.response_format.model_validate_json(choice.content)
        except ValueError as exc:
            if strict:
                raise ResponseValidationError(
                    f"the answer does not match {self.response_format.__name__}: {exc}",
                    call_id=self._head.get("id"),
                ) from None
            return None

    def snapshot(self, *, final: bool = False) -> ParsedChatCompletion[Any]:
        choices = []
        for index, choice in sorted(self._choices.items()):
            tool_calls = [
                {"id": c.id or "", "type": c.type, "function": {"name": c.name,
                                                                "arguments": c.arguments}}
                for _, c in sorted(choice.tool_calls.items())
            ] or None
            choices.append({
                "index": index, "finish_reason": choice.finish_reason, "logprobs": None,
                "message": {"role": choice.role, "content": choice.content,
                            "refusal": choice.refusal, "tool_calls": tool_calls,
                            "parsed": self._parsed(choice, strict=True) if final else None},
            })
        usage = self.usage.model_dump() if self.usage is not None else None
        return ParsedChatCompletion[Any].model_validate({
            "id": self._head.get("id") or "", "object": "chat.completion",
            "created": self._head.get("created"), "model": self._head.get("model"),
            "service_tier": self._head.get("service_tier"),
            "system_fingerprint": self._head.get("system_fingerprint"),
            "choices": choices, "usage": usage,
        })

    def final(self) -> ParsedChatCompletion[Any]:
        if self.response_format is not None:
            for choice in self._choices.values():
                if choice.finish_reason == "length":
                    raise LengthFinishReasonError(completion=self.snapshot())
        return self.snapshot(final=True)


class _CompletionStreamProperties(Generic[M]):
    """What both stream flavours expose besides the events."""

    _chunks: Stream[ChatCompletionChunk] | AsyncStream[ChatCompletionChunk]
    _state: StreamState[M]

    @property
    def current_completion_snapshot(self) -> ParsedChatCompletion[Any]:
        return self._state.snapshot()

    @property
    def cost(self) -> float | None:
        return self._chunks.cost

    @property
    def call_id(self) -> str:
        return self._chunks.call_id

    @property
    def response(self) -> Any:
        return self._chunks.response


class ChatCompletionStream(_CompletionStreamProperties[M]):
    """Iterate for events; :meth:`get_final_completion` for the whole answer (with ``.cost``)."""

    _chunks: Stream[ChatCompletionChunk]

    def __init__(self, chunks: Stream[ChatCompletionChunk],
                 response_format: type[M] | None) -> None:
        self._chunks = chunks
        self._state: StreamState[M] = StreamState(response_format)
        self._events = self._iterate()

    def _iterate(self) -> Iterator[ChatCompletionStreamEvent]:
        # ``usage`` as openai-python has it: only when the caller asked for the usage chunk
        # (the one the SDK asks for itself gives ``.cost``, and stays hidden).
        for chunk in self._chunks:
            yield from self._state.handle_chunk(chunk)

    def __iter__(self) -> Iterator[ChatCompletionStreamEvent]:
        return self._events

    def __next__(self) -> ChatCompletionStreamEvent:
        return next(self._events)

    def until_done(self) -> ChatCompletionStream[M]:
        for _ in self._events:
            pass
        return self

    def get_final_completion(self) -> ParsedChatCompletion[M]:
        self.until_done()
        completion: ParsedChatCompletion[M] = self._state.final()
        completion._meta = self._chunks.gateway  # the cost and call id of this stream
        return completion

    def close(self) -> None:
        self._chunks.close()


class ChatCompletionStreamManager(Generic[M]):
    """``with gw.chat.completions.stream(...) as stream:`` — the request starts on enter."""

    def __init__(self, open_stream: Callable[[], Stream[ChatCompletionChunk]],
                 response_format: type[M] | None) -> None:
        self._open = open_stream
        self._response_format = response_format
        self._stream: ChatCompletionStream[M] | None = None

    def __enter__(self) -> ChatCompletionStream[M]:
        self._stream = ChatCompletionStream(self._open(), self._response_format)
        return self._stream

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncChatCompletionStream(_CompletionStreamProperties[M]):
    """The async twin of :class:`ChatCompletionStream` (``async for event in stream``)."""

    _chunks: AsyncStream[ChatCompletionChunk]

    def __init__(self, chunks: AsyncStream[ChatCompletionChunk],
                 response_format: type[M] | None) -> None:
        self._chunks = chunks
        self._state: StreamState[M] = StreamState(response_format)
        self._events = self._iterate()

    async def _iterate(self) -> AsyncIterator[ChatCompletionStreamEvent]:
        async for chunk in self._chunks:
            for event in self._state.handle_chunk(chunk):
                yield event

    def __aiter__(self) -> AsyncIterator[ChatCompletionStreamEvent]:
        return self._events

    async def __anext__(self) -> ChatCompletionStreamEvent:
        return await self._events.__anext__()

    async def until_done(self) -> AsyncChatCompletionStream[M]:
        async for _ in self._events:
            pass
        return self

    async def get_final_completion(self) -> ParsedChatCompletion[M]:
        await self.until_done()
        completion: ParsedChatCompletion[M] = self._state.final()
        completion._meta = self._chunks.gateway
        return completion

    async def close(self) -> None:
        await self._chunks.close()


class AsyncChatCompletionStreamManager(Generic[M]):
    """``async with gw.chat.completions.stream(...) as stream:``."""

    def __init__(self, open_stream: Callable[[], Awaitable[AsyncStream[ChatCompletionChunk]]],
                 response_format: type[M] | None) -> None:
        self._open = open_stream
        self._response_format = response_format
        self._stream: AsyncChatCompletionStream[M] | None = None

    async def __aenter__(self) -> AsyncChatCompletionStream[M]:
        self._stream = AsyncChatCompletionStream(await self._open(), self._response_format)
        return self._stream

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._stream is not None:
            await self._stream.close()
