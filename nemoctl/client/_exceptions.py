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
from typing import Any

import httpx

from nemoctl.client._secret import (
    redact_bytes,
    redact_data,
    safe_request,
    scrub,
    scrub_bytes,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "ConflictError",
    "CostUnavailableWarning",
    "GatewayError",
    "InternalServerError",
    "LengthFinishReasonError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "StreamError",
    "UnknownModelError",
    "UnprocessableEntityError",
    "scrub",
]


class CostUnavailableWarning(UserWarning):
    """The gateway gave no (or an unreadable) cost for a call; ``.cost`` is ``None``, not 0."""


class GatewayError(Exception):
    """Base class of every error the SDK raises (openai-python's ``OpenAIError``)."""

    message: str
    call_id: str | None

    def __init__(self, message: str, *, call_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.call_id = call_id

    def __str__(self) -> str:
        return self.message if self.call_id is None else f"{self.message} (call id {self.call_id})"


class APIError(GatewayError):
    """An error about one request: openai-python's ``APIError`` attributes.

    ``request`` is a masked copy of the request (no ``Authorization``, no body); ``body``
    is the gateway's inner ``error`` object (masked) when there is one; ``type``, ``code``
    and ``param`` come from it.
    """

    request: httpx.Request | None
    body: object | None
    type: str | None
    code: str | None
    param: str | None

    def __init__(
        self,
        message: str,
        *,
        call_id: str | None = None,
        request: httpx.Request | None = None,
        body: object | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message, call_id=call_id)
        self.request = request
        self.body = body
        self.type = type
        self.code = code
        self.param = param

    @property
    def error_type(self) -> str | None:
        """The gateway's error type (same as ``type``; kept for older code)."""
        return self.type


class APIConnectionError(APIError):
    """No HTTP answer: the connection failed, was reset, or timed out.

    ``maybe_served`` is True when the request had been sent when the failure happened,
    so the gateway may have served (and billed) it; the SDK does not retry such a
    failure for a non-idempotent call unless ``retry_ambiguous=True``.
    """

    def __init__(
        self,
        message: str,
        *,
        call_id: str | None = None,
        maybe_served: bool = False,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, call_id=call_id, request=request)
        self.maybe_served = maybe_served


class APITimeoutError(APIConnectionError):
    """A connect, read (between stream chunks too) or total timeout expired."""


class ResponseValidationError(APIError):
    """A 2xx answer whose body is not what the endpoint documents."""


#: openai-python's name for :class:`ResponseValidationError`.
APIResponseValidationError = ResponseValidationError


class LengthFinishReasonError(GatewayError):
    """``chat.completions.parse``: the answer was cut off (``finish_reason == "length"``)."""

    def __init__(self, *, completion: Any) -> None:
        super().__init__(
            "could not parse the response content: the length limit was reached",
            call_id=getattr(completion, "call_id", None),
        )
        self.completion = completion


class StreamError(APIError):
    """The gateway reported an error inside an already started stream (never retried)."""


class APIStatusError(APIError):
    """The gateway answered with a 4xx/5xx status.

    ``response`` is an ``httpx.Response`` whose content is masked; ``request_id`` is the
    ``x-request-id`` header (as openai-python), ``call_id`` LiteLLM's call id.
    """

    status_code: int
    response: httpx.Response
    request_id: str | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        call_id: str | None,
        body: object | None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(
            message,
            call_id=call_id,
            request=response.request,
            body=body,
            type=type,
            code=code,
            param=param,
        )
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")

    @property
    def retry_after(self) -> float | None:
        """Seconds the gateway asked to wait (``retry-after-ms`` / ``retry-after``), if any."""
        from nemoctl.client._retry import retry_after_seconds

        return retry_after_seconds(self.response.headers)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"type={self.type!r}, code={self.code!r}, call_id={self.call_id!r}, "
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


# Headers that describe the wire encoding of the original body, not the masked copy.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def make_status_error(
    response: httpx.Response, content: bytes, *, call_id: str | None, secrets: tuple[str, ...]
) -> APIStatusError:
    """The typed error for a non-2xx answer; everything kept on it is masked."""
    masked = scrub_bytes(content, *secrets)
    try:
        # Parsed before redaction, which could cut through a JSON string's quotes; every
        # string in it is then redacted on its own.
        body: Any = redact_data(json.loads(masked)) if masked else None
    except ValueError:
        body = redact_bytes(masked).decode("utf-8", errors="replace")[:2000]
    masked = redact_bytes(masked)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = _text(error.get("message")) or f"HTTP {response.status_code}"
        error_type, code, param = (_text(error.get(k)) for k in ("type", "code", "param"))
        body = error
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
    kept = httpx.Response(
        response.status_code,
        headers=[(k, v) for k, v in response.headers.multi_items() if k not in _WIRE_HEADERS],
        content=masked,
        request=safe_request(response.request),
        extensions={"http_version": response.http_version.encode()},
    )
    return cls(
        scrub(message, *secrets)[:2000],
        response=kept,
        call_id=call_id,
        type=error_type,
        code=code,
        param=param,
        body=body,
    )
