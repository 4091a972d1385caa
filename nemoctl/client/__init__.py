"""A typed, cost-aware client for the LiteLLM gateway (sync and async).  See docs/sdk.md."""

from nemoctl.client._base_client import ENV_API_KEY, ENV_BASE_URL, NOT_GIVEN
from nemoctl.client._client import AsyncGateway, Gateway
from nemoctl.client._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    ConflictError,
    CostUnavailableWarning,
    GatewayError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    ResponseValidationError,
    StreamError,
    UnknownModelError,
    UnprocessableEntityError,
)
from nemoctl.client._response import GatewayMeta, RawResponse
from nemoctl.client._retry import Timeout
from nemoctl.client._secret import Secret
from nemoctl.client._streaming import AsyncStream, Stream
from nemoctl.client.types import (
    ChatCompletion,
    ChatCompletionChunk,
    CreateEmbeddingResponse,
    HealthReport,
    KeyInfo,
    ModelList,
    Readiness,
    SpendLogs,
)

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncGateway",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ConflictError",
    "CostUnavailableWarning",
    "CreateEmbeddingResponse",
    "Gateway",
    "GatewayError",
    "GatewayMeta",
    "HealthReport",
    "InternalServerError",
    "KeyInfo",
    "ModelList",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "Readiness",
    "RequestTimeoutError",
    "ResponseValidationError",
    "Secret",
    "SpendLogs",
    "Stream",
    "StreamError",
    "Timeout",
    "UnknownModelError",
    "UnprocessableEntityError",
]
