from __future__ import annotations

from typing import TypedDict


class StandardLoggingPayload(TypedDict):
    id: str
    model_group: str | None
    custom_llm_provider: str | None
    prompt_tokens: int
    response_cost: float
