"""nemoctl: safe LiteLLM upgrades, and a typed, cost-aware client for the gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nemoctl._version import __version__

if TYPE_CHECKING:
    from nemoctl.client import APIConnectionError as APIConnectionError
    from nemoctl.client import APIError as APIError
    from nemoctl.client import APIResponse as APIResponse
    from nemoctl.client import APIResponseValidationError as APIResponseValidationError
    from nemoctl.client import APIStatusError as APIStatusError
    from nemoctl.client import APITimeoutError as APITimeoutError
    from nemoctl.client import AsyncAPIResponse as AsyncAPIResponse
    from nemoctl.client import AsyncChatCompletionStream as AsyncChatCompletionStream
    from nemoctl.client import AsyncGateway as AsyncGateway
    from nemoctl.client import AsyncStream as AsyncStream
    from nemoctl.client import AsyncStreamedAPIResponse as AsyncStreamedAPIResponse
    from nemoctl.client import AuthenticationError as AuthenticationError
    from nemoctl.client import BadRequestError as BadRequestError
    from nemoctl.client import BudgetExceededError as BudgetExceededError
    from nemoctl.client import ChatCompletion as ChatCompletion
    from nemoctl.client import ChatCompletionChunk as ChatCompletionChunk
    from nemoctl.client import ChatCompletionStream as ChatCompletionStream
    from nemoctl.client import ConflictError as ConflictError
    from nemoctl.client import CostUnavailableWarning as CostUnavailableWarning
    from nemoctl.client import CreateEmbeddingResponse as CreateEmbeddingResponse
    from nemoctl.client import Gateway as Gateway
    from nemoctl.client import GatewayError as GatewayError
    from nemoctl.client import GatewayMeta as GatewayMeta
    from nemoctl.client import HealthReport as HealthReport
    from nemoctl.client import InternalServerError as InternalServerError
    from nemoctl.client import KeyInfo as KeyInfo
    from nemoctl.client import LengthFinishReasonError as LengthFinishReasonError
    from nemoctl.client import Message as Message
    from nemoctl.client import Model as Model
    from nemoctl.client import ModelList as ModelList
    from nemoctl.client import NotFoundError as NotFoundError
    from nemoctl.client import OpenAIError as OpenAIError
    from nemoctl.client import ParsedChatCompletion as ParsedChatCompletion
    from nemoctl.client import PermissionDeniedError as PermissionDeniedError
    from nemoctl.client import RateLimitError as RateLimitError
    from nemoctl.client import RawResponse as RawResponse
    from nemoctl.client import Readiness as Readiness
    from nemoctl.client import RequestTimeoutError as RequestTimeoutError
    from nemoctl.client import Response as Response
    from nemoctl.client import ResponseValidationError as ResponseValidationError
    from nemoctl.client import Secret as Secret
    from nemoctl.client import SpendLogs as SpendLogs
    from nemoctl.client import Stream as Stream
    from nemoctl.client import StreamedAPIResponse as StreamedAPIResponse
    from nemoctl.client import StreamError as StreamError
    from nemoctl.client import Timeout as Timeout
    from nemoctl.client import UnknownModelError as UnknownModelError
    from nemoctl.client import UnprocessableEntityError as UnprocessableEntityError

# The client is loaded on first use so that `import nemoctl` (and the CLI) stays light.
# Every public name of `nemoctl.client` is exported here (tests/sdk checks they agree).
_CLIENT_EXPORTS = frozenset(
    {
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
    }
)


def __getattr__(name: str) -> Any:
    if name in _CLIENT_EXPORTS:
        import nemoctl.client

        return getattr(nemoctl.client, name)
    raise AttributeError(f"module 'nemoctl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_CLIENT_EXPORTS})


__all__ = ["__version__", *sorted(_CLIENT_EXPORTS)]
