"""Events of ``gw.chat.completions.stream(...)``: openai-python's ``chat.completions.stream``.

Same ``type`` strings and fields as openai-python's ``ChatCompletionStreamEvent``, so
``if event.type == "content.delta": print(event.delta)`` runs unchanged.  Log-probability
events are not produced (the final completion carries no ``logprobs`` either).
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar, Union

from nemoctl.client.types._base import GatewayModel
from nemoctl.client.types.chat import ChatCompletionChunk, ParsedChatCompletion

T = TypeVar("T")


class ChunkEvent(GatewayModel):
    type: Literal["chunk"] = "chunk"
    chunk: ChatCompletionChunk
    #: The completion accumulated so far (``choices[i].message.content`` so far, ...).
    snapshot: ParsedChatCompletion[Any]


class ContentDeltaEvent(GatewayModel):
    type: Literal["content.delta"] = "content.delta"
    delta: str
    snapshot: str
    #: With a ``response_format`` model: the JSON so far, parsed leniently (a dict).
    parsed: Any = None


class ContentDoneEvent(GatewayModel, Generic[T]):
    type: Literal["content.done"] = "content.done"
    content: str
    parsed: T | None = None


class RefusalDeltaEvent(GatewayModel):
    type: Literal["refusal.delta"] = "refusal.delta"
    delta: str
    snapshot: str


class RefusalDoneEvent(GatewayModel):
    type: Literal["refusal.done"] = "refusal.done"
    refusal: str


class FunctionToolCallArgumentsDeltaEvent(GatewayModel):
    type: Literal["tool_calls.function.arguments.delta"] = "tool_calls.function.arguments.delta"
    name: str
    index: int
    arguments: str
    parsed_arguments: Any = None
    arguments_delta: str


class FunctionToolCallArgumentsDoneEvent(GatewayModel):
    type: Literal["tool_calls.function.arguments.done"] = "tool_calls.function.arguments.done"
    name: str
    index: int
    arguments: str
    parsed_arguments: Any = None


ChatCompletionStreamEvent = Union[  # noqa: UP007 - a runtime alias, as openai-python's
    ChunkEvent,
    ContentDeltaEvent,
    ContentDoneEvent[Any],
    RefusalDeltaEvent,
    RefusalDoneEvent,
    FunctionToolCallArgumentsDeltaEvent,
    FunctionToolCallArgumentsDoneEvent,
]
