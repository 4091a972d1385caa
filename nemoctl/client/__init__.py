"""A typed, cost-aware client for the LiteLLM gateway (sync and async).  See docs/sdk.md."""

from nemoctl.client._api_response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncStreamedAPIResponse,
    StreamedAPIResponse,
)
from nemoctl.client._base_client import ENV_API_KEY, ENV_BASE_URL, NOT_GIVEN
from nemoctl.client._chat_stream import AsyncChatCompletionStream, ChatCompletionStream
from nemoctl.client._client import AsyncGateway, Gateway
from nemoctl.client._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    ConflictError,
    CostUnavailableWarning,
    GatewayError,
    InternalServerError,
    LengthFinishReasonError,
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
    Message,
    Model,
    ModelList,
    ParsedChatCompletion,
    Readiness,
    Response,
    SpendLogs,
)

#: openai-python's name for the base error class.
OpenAIError = GatewayError

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIResponse",
    "AsyncChatCompletionStream",
    "AsyncGateway",
    "AsyncStream",
    "AsyncStreamedAPIResponse",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionStream",
    "ConflictError",
    "CostUnavailableWarning",
    "CreateEmbeddingResponse",
    "Gateway",
    "GatewayError",
    "GatewayMeta",
    "HealthReport",
    "InternalServerError",
    "KeyInfo",
    "LengthFinishReasonError",
    "Message",
    "Model",
    "ModelList",
    "NotFoundError",
    "OpenAIError",
    "ParsedChatCompletion",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "Readiness",
    "RequestTimeoutError",
    "Response",
    "ResponseValidationError",
    "Secret",
    "SpendLogs",
    "Stream",
    "StreamError",
    "StreamedAPIResponse",
    "Timeout",
    "UnknownModelError",
    "UnprocessableEntityError",
]
