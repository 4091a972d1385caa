"""Embedding bodies."""

from __future__ import annotations

from nemoctl.client.types._base import BilledResponse, GatewayModel
from nemoctl.client.types.chat import CompletionUsage


class Embedding(GatewayModel):
    index: int = 0
    object: str = "embedding"
    embedding: list[float] | str


class CreateEmbeddingResponse(BilledResponse):
    object: str = "list"
    model: str | None = None
    data: list[Embedding]
    usage: CompletionUsage | None = None
