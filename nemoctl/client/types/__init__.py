"""Typed response bodies."""

from nemoctl.client.types._base import BilledResponse, GatewayModel, GatewayResponse
from nemoctl.client.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    Choice,
    ChoiceDelta,
    ChunkChoice,
    CompletionUsage,
)
from nemoctl.client.types.embeddings import CreateEmbeddingResponse, Embedding
from nemoctl.client.types.management import KeyInfo, SpendLogs
from nemoctl.client.types.models import HealthReport, Model, ModelList, Readiness

__all__ = [
    "BilledResponse",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "Choice",
    "ChoiceDelta",
    "ChunkChoice",
    "CompletionUsage",
    "CreateEmbeddingResponse",
    "Embedding",
    "GatewayModel",
    "GatewayResponse",
    "HealthReport",
    "KeyInfo",
    "Model",
    "ModelList",
    "Readiness",
    "SpendLogs",
]
