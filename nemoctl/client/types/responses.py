"""``/v1/responses`` bodies (OpenAI's Responses API as LiteLLM serves it), extra fields kept."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nemoctl.client.types._base import BilledResponse, GatewayModel


class ResponseOutputText(GatewayModel):
    type: str = "output_text"
    text: str = ""
    annotations: list[Any] = Field(default_factory=list)
    logprobs: list[Any] | None = None


class ResponseOutputItem(GatewayModel):
    """One output item: ``message`` (``content`` parts), ``function_call``, ``reasoning``..."""

    type: str
    id: str | None = None
    role: str | None = None
    status: str | None = None
    content: list[ResponseOutputText] | None = None
    # function_call items
    call_id: str | None = None
    name: str | None = None
    arguments: str | None = None


class InputTokensDetails(GatewayModel):
    cached_tokens: int | None = None


class OutputTokensDetails(GatewayModel):
    reasoning_tokens: int | None = None


class ResponseUsage(GatewayModel):
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    input_tokens_details: InputTokensDetails | None = None
    output_tokens_details: OutputTokensDetails | None = None
    #: On a stream's ``response.completed`` event when the gateway sends it.
    cost: Any = None


class Response(BilledResponse):
    id: str
    object: str = "response"
    created_at: float | None = None
    model: str | None = None
    status: str | None = None
    output: list[ResponseOutputItem] = Field(default_factory=list)
    usage: ResponseUsage | None = None
    error: Any = None
    incomplete_details: Any = None
    instructions: Any = None
    metadata: dict[str, Any] | None = None
    previous_response_id: str | None = None

    @property
    def output_text(self) -> str:
        """All ``output_text`` parts of the message items, concatenated (as openai-python)."""
        return "".join(
            part.text
            for item in self.output
            if item.type == "message"
            for part in item.content or ()
            if part.type == "output_text"
        )


class ResponseStreamEvent(GatewayModel):
    """One server-sent event: ``type`` (``response.output_text.delta``...) and its fields."""

    type: str
    sequence_number: int | None = None
    delta: Any = None
    item_id: str | None = None
    output_index: int | None = None
    content_index: int | None = None
    response: Response | None = None
