"""One error hierarchy for everything a gateway call can raise.

Status errors are chosen from the gateway's OpenAI-shaped body
``{"error": {"message", "type", "param", "code"}}``: the error *type* wins where it is
more precise than the status (``budget_exceeded`` is 400 on older LiteLLM and 429 on
newer), otherwise the status decides.  Every error carries the call id (sent by the
SDK, echoed by the gateway) and never a secret: messages are scrubbed of the client's
key and of anything shaped like a gateway key, and request headers are not kept.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nemoctl.client._response import RawResponse

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "ConflictError",
    "CostUnavailableWarning",
    "GatewayError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "StreamError",
    "UnknownModelError",
    "UnprocessableEntityError",
]

_KEY_SHAPE = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")


def scrub(text: str, secret: str | None = None) -> str:
    """``text`` with the client's key and anything key-shaped masked."""
    if secret:
        text = text.replace(secret, "sk-***")
    return _KEY_SHAPE.sub("sk-***", text)


class CostUnavailableWarning(UserWarning):
    """The gateway gave no (or an unreadable) cost for a call; ``.cost`` is ``None``, not 0."""


class GatewayError(Exception):
    """Base class of every error the SDK raises."""

    message: str
    call_id: str | None

    def __init__(self, message: str, *, call_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.call_id = call_id

    def __str__(self) -> str:
        return self.message if self.call_id is None else f"{self.message} (call id {self.call_id})"


class APIConnectionError(GatewayError):
    """No HTTP answer: the connection failed, was reset, or timed out.

    ``maybe_served`` is True when the request had been sent when the failure happened,
    so the gateway may have served (and billed) it; the SDK does not retry such a
    failure for a non-idempotent call unless ``retry_ambiguous=True``.
    """

    def __init__(
        self, message: str, *, call_id: str | None = None, maybe_served: bool = False
    ) -> None:
        super().__init__(message, call_id=call_id)
        self.maybe_served = maybe_served


class APITimeoutError(APIConnectionError):
    """A connect, read (between stream chunks too) or total timeout expired."""


class ResponseValidationError(GatewayError):
    """A 2xx answer whose body is not what the endpoint documents."""


class StreamError(GatewayError):
    """The gateway reported an error inside an already started stream (never retried)."""

    def __init__(
        self,
        message: str,
        *,
        call_id: str | None = None,
        error_type: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, call_id=call_id)
        self.error_type = error_type
        self.code = code


class APIStatusError(GatewayError):
    """The gateway answered with a 4xx/5xx status."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        response: RawResponse,
        call_id: str | None,
        error_type: str | None,
        code: str | None,
        param: str | None,
        body: Any,
    ) -> None:
        super().__init__(message, call_id=call_id)
        self.response = response
        self.status_code = response.status_code
        self.error_type = error_type
        self.code = code
        self.param = param
        self.body = body

    @property
    def retry_after(self) -> float | None:
        """Seconds the gateway asked to wait (``retry-after-ms`` / ``retry-after``), if any."""
        from nemoctl.client._retry import retry_after_seconds

        return retry_after_seconds(self.response.headers)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"error_type={self.error_type!r}, code={self.code!r}, call_id={self.call_id!r}, "
            f"message={self.message!r})"
        )


class BadRequestError(APIStatusError):
    """400 (and 422): the request is wrong; retrying will not help."""


class UnknownModelError(BadRequestError):
    """The gateway knows no model group of that name (LiteLLM answers 400 "Invalid model name")."""


class AuthenticationError(APIStatusError):
    """401, or an auth error type: no key, wrong key, expired key."""


class PermissionDeniedError(APIStatusError):
    """403, or the key may not use that model."""


class NotFoundError(APIStatusError):
    """404."""


class RequestTimeoutError(APIStatusError):
    """408 from the gateway (an upstream timed out); retried."""


class ConflictError(APIStatusError):
    """409; retried."""


class UnprocessableEntityError(BadRequestError):
    """422."""


class RateLimitError(APIStatusError):
    """429; retried after ``retry_after`` (or backoff)."""


class BudgetExceededError(APIStatusError):
    """The key, user, team or customer budget is spent (400 or 429 by version); never retried."""


class InternalServerError(APIStatusError):
    """5xx; retried."""


_BY_TYPE: dict[str, type[APIStatusError]] = {
    "budget_exceeded": BudgetExceededError,
    "auth_error": AuthenticationError,
    "expired_key": AuthenticationError,
    "invalid_api_key": AuthenticationError,
    "key_model_access_denied": PermissionDeniedError,
    "team_model_access_denied": PermissionDeniedError,
    "user_model_access_denied": PermissionDeniedError,
}

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _text(value: Any) -> str | None:
    if value is None or value == "None":
        return None
    return str(value)


def make_status_error(
    response: RawResponse, body: Any, *, call_id: str | None, secret: str | None
) -> APIStatusError:
    """The typed error for a non-2xx answer."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = _text(error.get("message")) or f"HTTP {response.status_code}"
        error_type, code, param = (_text(error.get(k)) for k in ("type", "code", "param"))
    else:
        # Not OpenAI-shaped (a reverse proxy's HTML page, FastAPI's {"detail": ...}).
        detail = body.get("detail") if isinstance(body, dict) else None
        message = _text(detail) or f"HTTP {response.status_code} {response.reason_phrase}".strip()
        error_type = code = param = None
    cls = _BY_TYPE.get(error_type or "")
    if cls is None:
        if response.status_code in (400, 404) and "Invalid model name" in message:
            cls = UnknownModelError
        elif response.status_code >= 500:
            cls = InternalServerError
        else:
            cls = _BY_STATUS.get(response.status_code, APIStatusError)
    if isinstance(body, dict | list):
        body = json.loads(scrub(json.dumps(body), secret))
    elif isinstance(body, str):
        body = scrub(body, secret)
    return cls(
        scrub(message, secret)[:2000],
        response=response,
        call_id=call_id,
        error_type=error_type,
        code=code,
        param=param,
        body=body,
    )
