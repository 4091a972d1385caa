"""Chat completion bodies (OpenAI shape, extra fields kept)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nemoctl.client.types._base import BilledResponse, GatewayModel


class CompletionUsage(GatewayModel):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    #: Only on a stream's final usage chunk; read it through ``stream.cost``.
    cost: Any = None


class ChatCompletionMessage(GatewayModel):
    role: str | None = None
    content: str | None = None
    tool_calls: list[dict[str, Any]] | None = None


class Choice(GatewayModel):
    index: int = 0
    message: ChatCompletionMessage
    finish_reason: str | None = None


class ChatCompletion(BilledResponse):
    id: str
    object: str = "chat.completion"
    created: int | None = None
    model: str | None = None
    choices: list[Choice]
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None


class ChoiceDelta(GatewayModel):
    role: str | None = None
    content: str | None = None
    tool_calls: list[dict[str, Any]] | None = None


class ChunkChoice(GatewayModel):
    index: int = 0
    delta: ChoiceDelta = ChoiceDelta()
    finish_reason: str | None = None


class ChatCompletionChunk(GatewayModel):
    id: str | None = None
    object: str = "chat.completion.chunk"
    created: int | None = None
    model: str | None = None
    choices: list[ChunkChoice] = Field(default_factory=list)
    usage: CompletionUsage | None = None

    def carries_only_usage(self) -> bool:
        """The usage chunk the SDK asked for itself: no content, no finish reason."""
        return self.usage is not None and all(
            c.finish_reason is None
            and not c.delta.content
            and not c.delta.tool_calls
            and c.delta.role is None
            for c in self.choices
        )
