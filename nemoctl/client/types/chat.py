"""Chat completion bodies: openai-python's field names and types, extra fields kept."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import Field

from nemoctl.client.types._base import BilledResponse, GatewayModel

T = TypeVar("T")


class CompletionTokensDetails(GatewayModel):
    accepted_prediction_tokens: int | None = None
    audio_tokens: int | None = None
    reasoning_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class PromptTokensDetails(GatewayModel):
    audio_tokens: int | None = None
    cached_tokens: int | None = None


class CompletionUsage(GatewayModel):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    completion_tokens_details: CompletionTokensDetails | None = None
    prompt_tokens_details: PromptTokensDetails | None = None
    #: Only on a stream's final usage chunk; read it through ``stream.cost``.
    cost: Any = None


class Function(GatewayModel):
    name: str
    arguments: str


class ChatCompletionMessageToolCall(GatewayModel):
    id: str
    type: str = "function"
    function: Function


class FunctionCall(GatewayModel):
    name: str
    arguments: str


class URLCitation(GatewayModel):
    end_index: int | None = None
    start_index: int | None = None
    title: str | None = None
    url: str | None = None


class Annotation(GatewayModel):
    type: str
    url_citation: URLCitation | None = None


class ChatCompletionAudio(GatewayModel):
    id: str | None = None
    data: str | None = None
    expires_at: int | None = None
    transcript: str | None = None


class ChatCompletionMessage(GatewayModel):
    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    annotations: list[Annotation] | None = None
    audio: ChatCompletionAudio | None = None
    function_call: FunctionCall | None = None
    tool_calls: list[ChatCompletionMessageToolCall] | None = None


class TopLogprob(GatewayModel):
    token: str
    bytes: list[int] | None = None
    logprob: float


class ChatCompletionTokenLogprob(GatewayModel):
    token: str
    bytes: list[int] | None = None
    logprob: float
    top_logprobs: list[TopLogprob] = Field(default_factory=list)


class ChoiceLogprobs(GatewayModel):
    content: list[ChatCompletionTokenLogprob] | None = None
    refusal: list[ChatCompletionTokenLogprob] | None = None


class Choice(GatewayModel):
    index: int = 0
    message: ChatCompletionMessage
    finish_reason: str | None = None
    logprobs: ChoiceLogprobs | None = None


class ChatCompletion(BilledResponse):
    id: str
    object: str = "chat.completion"
    created: int | None = None
    model: str | None = None
    choices: list[Choice]
    usage: CompletionUsage | None = None
    service_tier: str | None = None
    system_fingerprint: str | None = None


class ParsedChatCompletionMessage(ChatCompletionMessage, Generic[T]):
    #: The content validated against the ``response_format`` model (None on a refusal).
    parsed: T | None = None


class ParsedChoice(Choice, Generic[T]):
    message: ParsedChatCompletionMessage[T]


class ParsedChatCompletion(ChatCompletion, Generic[T]):
    """``chat.completions.parse``: ``choices[i].message.parsed`` is the model instance."""

    choices: list[ParsedChoice[T]]  # type: ignore[assignment]


class ChoiceDeltaFunctionCall(GatewayModel):
    name: str | None = None
    arguments: str | None = None


class ChoiceDeltaToolCallFunction(GatewayModel):
    name: str | None = None
    arguments: str | None = None


class ChoiceDeltaToolCall(GatewayModel):
    index: int = 0
    id: str | None = None
    type: str | None = None
    function: ChoiceDeltaToolCallFunction | None = None


class ChoiceDelta(GatewayModel):
    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    function_call: ChoiceDeltaFunctionCall | None = None
    tool_calls: list[ChoiceDeltaToolCall] | None = None


class ChunkChoice(GatewayModel):
    index: int = 0
    delta: ChoiceDelta = Field(default_factory=ChoiceDelta)
    finish_reason: str | None = None
    logprobs: ChoiceLogprobs | None = None


class ChatCompletionChunk(GatewayModel):
    id: str | None = None
    object: str = "chat.completion.chunk"
    created: int | None = None
    model: str | None = None
    choices: list[ChunkChoice] = Field(default_factory=list)
    usage: CompletionUsage | None = None
    service_tier: str | None = None
    system_fingerprint: str | None = None

    def carries_only_usage(self) -> bool:
        """The usage chunk the SDK asked for itself: no content, no finish reason."""
        return self.usage is not None and all(
            c.finish_reason is None
            and not c.delta.content
            and not c.delta.tool_calls
            and c.delta.role is None
            for c in self.choices
        )
