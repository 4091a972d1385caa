"""nemoctl: safe LiteLLM upgrades, and a typed, cost-aware client for the gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nemoctl._version import __version__

if TYPE_CHECKING:
    from nemoctl.client import (
        APIConnectionError as APIConnectionError,
    )
    from nemoctl.client import (
        APIStatusError as APIStatusError,
    )
    from nemoctl.client import (
        APITimeoutError as APITimeoutError,
    )
    from nemoctl.client import (
        AsyncGateway as AsyncGateway,
    )
    from nemoctl.client import (
        AuthenticationError as AuthenticationError,
    )
    from nemoctl.client import (
        BadRequestError as BadRequestError,
    )
    from nemoctl.client import (
        BudgetExceededError as BudgetExceededError,
    )
    from nemoctl.client import (
        ChatCompletion as ChatCompletion,
    )
    from nemoctl.client import (
        CostUnavailableWarning as CostUnavailableWarning,
    )
    from nemoctl.client import (
        Gateway as Gateway,
    )
    from nemoctl.client import (
        GatewayError as GatewayError,
    )
    from nemoctl.client import (
        InternalServerError as InternalServerError,
    )
    from nemoctl.client import (
        KeyInfo as KeyInfo,
    )
    from nemoctl.client import (
        NotFoundError as NotFoundError,
    )
    from nemoctl.client import (
        PermissionDeniedError as PermissionDeniedError,
    )
    from nemoctl.client import (
        RateLimitError as RateLimitError,
    )
    from nemoctl.client import (
        SpendLogs as SpendLogs,
    )
    from nemoctl.client import (
        StreamError as StreamError,
    )
    from nemoctl.client import (
        Timeout as Timeout,
    )
    from nemoctl.client import (
        UnknownModelError as UnknownModelError,
    )

# The client is loaded on first use so that `import nemoctl` (and the CLI) stays light.
_CLIENT_EXPORTS = frozenset(
    {
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncGateway",
        "AuthenticationError",
        "BadRequestError",
        "BudgetExceededError",
        "ChatCompletion",
        "CostUnavailableWarning",
        "Gateway",
        "GatewayError",
        "InternalServerError",
        "KeyInfo",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "SpendLogs",
        "StreamError",
        "Timeout",
        "UnknownModelError",
    }
)


def __getattr__(name: str) -> Any:
    if name in _CLIENT_EXPORTS:
        import nemoctl.client

        return getattr(nemoctl.client, name)
    raise AttributeError(f"module 'nemoctl' has no attribute {name!r}")


__all__ = ["__version__", *sorted(_CLIENT_EXPORTS)]
