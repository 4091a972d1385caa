"""``/v1/messages`` bodies (Anthropic's Messages format, which LiteLLM serves for any model)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nemoctl.client.types._base import BilledResponse, GatewayModel


class ContentBlock(GatewayModel):
    """``text`` (``.text``), ``tool_use`` (``.id``, ``.name``, ``.input``), ``thinking``..."""

    type: str
    text: str | None = None
    id: str | None = None
    name: str | None = None
    input: Any = None


class Usage(GatewayModel):
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None


class Message(BilledResponse):
    id: str
    type: str = "message"
    role: str = "assistant"
    model: str | None = None
    content: list[ContentBlock] = Field(default_factory=list)
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: Usage | None = None

    @property
    def text(self) -> str:
        """The ``text`` blocks, concatenated (an addition: the anthropic SDK has none)."""
        return "".join(b.text or "" for b in self.content if b.type == "text")


class MessageStreamEvent(GatewayModel):
    """One event: ``message_start``, ``content_block_start/delta/stop``, ``message_delta``..."""

    type: str
    index: int | None = None
    delta: dict[str, Any] | None = None
    content_block: ContentBlock | None = None
    message: Message | None = None
    usage: Usage | None = None
