"""The one place that sends requests: headers, timeouts, retries, error mapping (sync + async).

Resources describe a call as a :class:`RequestOptions`; :class:`SyncAPIClient` and
:class:`AsyncAPIClient` run it with the same policy (``_retry.py``) and return either the
read body (:class:`Answer`) or, for streams, the open ``httpx.Response``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import BaseModel

from nemoctl._version import __version__
from nemoctl.client._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    GatewayError,
    ResponseValidationError,
    make_status_error,
)
from nemoctl.client._response import RawResponse
from nemoctl.client._retry import (
    Deadline,
    Timeout,
    TimeoutArg,
    status_is_retryable,
    wait_for_retry,
)
from nemoctl.client._secret import Secret, install_log_masking, safe_request

log = logging.getLogger("nemoctl.client")

ENV_BASE_URL = "NEMOCTL_GATEWAY_URL"
ENV_API_KEY = "NEMOCTL_GATEWAY_API_KEY"
CALL_ID_HEADER = "x-litellm-call-id"
_USER_AGENT = f"nemoctl/{__version__}"
# Failures before the request left the client: the gateway cannot have served it.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)


class _Unset:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: "Use the client's setting" — distinct from ``None`` (which means "no limit" for timeouts).
NOT_GIVEN: Any = _Unset()


@dataclass(slots=True)
class RequestOptions:
    method: str
    path: str
    json_body: Any = None
    params: Mapping[str, Any] | None = None
    extra_headers: Mapping[str, str] | None = None
    timeout: TimeoutArg = NOT_GIVEN
    max_retries: int = NOT_GIVEN
    retry_ambiguous: bool = NOT_GIVEN
    #: GETs are; POSTs that create or bill something are not.
    idempotent: bool = False
    #: Hand back the open 2xx response instead of reading its body (streams, and
    #: ``with_streaming_response``).
    stream: bool = False
    authenticated: bool = True
    #: Other secrets this call carries (a key it is about): masked in what is kept.
    secrets: tuple[str, ...] = ()


@dataclass(slots=True)
class Opened:
    """A 2xx answer whose body has not been read (a stream, or a streamed raw response)."""

    response: httpx.Response
    call_id: str
    deadline: Deadline
    retries_taken: int
    secrets: tuple[str, ...] = ()


@dataclass(slots=True)
class Answer:
    """A 2xx non-streaming answer, body read."""

    response: httpx.Response
    content: bytes = field(repr=False)
    call_id: str
    deadline: Deadline = field(repr=False)
    retries_taken: int = 0
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def raw(self) -> RawResponse:
        return RawResponse.from_httpx(self.response, content=self.content, secrets=self.secrets)


def _undecodable(exc: httpx.DecodingError, call_id: str) -> ResponseValidationError:
    return ResponseValidationError(
        f"the gateway's answer could not be decoded: {exc}", call_id=call_id
    )


def _json_default(value: Any) -> Any:
    # A model the SDK returned (a message, a tool call) sent back in the next request,
    # serialised as openai-python does.
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True, mode="json")
    if isinstance(value, Secret):
        raise TypeError("a Secret cannot be sent in a request body")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _strip_v1(url: str) -> str:
    url = url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


class BaseClient:
    """Configuration shared by the sync and async clients."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | Secret | None,
        timeout: TimeoutArg,
        max_retries: int,
        retry_ambiguous: bool,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        base_url = base_url or os.environ.get(ENV_BASE_URL)
        if not base_url:
            raise GatewayError(f"no gateway URL: pass base_url= or set {ENV_BASE_URL}")
        key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        # The gateway root: /v1/chat/completions and /key/info both hang off it.
        self.base_url = _strip_v1(base_url)
        self._api_key = key if isinstance(key, Secret) else Secret(key or "")
        self.timeout = Timeout.coerce(timeout)
        if max_retries < 0:
            raise GatewayError("max_retries must be >= 0")
        self.max_retries = max_retries
        self.retry_ambiguous = retry_ambiguous
        self._default_headers = dict(default_headers or {})
        self._urls: dict[str, httpx.URL] = {}
        self._header_cache: dict[bool, httpx.Headers] = {}
        install_log_masking()

    @property
    def api_key(self) -> Secret:
        return self._api_key

    @property
    def _secrets(self) -> tuple[str, ...]:
        # Computed, never stored: ``vars(client)`` (a debug dump, a serializer walking
        # ``__dict__``) must not find the key's text.
        return (self._api_key.reveal(),) if self._api_key else ()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, api_key={self._api_key!r}, "
            f"max_retries={self.max_retries})"
        )

    # -- request building -------------------------------------------------------------------
    def _base_headers(self, authenticated: bool) -> httpx.Headers:
        # Built once per client (copying an httpx.Headers is cheaper than building one).
        cached = self._header_cache.get(authenticated)
        if cached is None:
            cached = httpx.Headers({"user-agent": _USER_AGENT, "accept": "application/json"})
            cached.update(self._default_headers)
            self._header_cache[authenticated] = cached
        return cached

    def _headers(self, options: RequestOptions, call_id: str) -> httpx.Headers:
        # httpx.Headers masks Authorization in its repr, so a traceback's locals stay clean.
        headers = self._base_headers(options.authenticated).copy()
        if options.authenticated and self._api_key:
            # Added per request, not cached on the client (see ``_secrets``).
            headers["authorization"] = "Bearer " + self._api_key.reveal()
        if options.json_body is not None:
            headers["content-type"] = "application/json"
        headers[CALL_ID_HEADER] = call_id
        if options.extra_headers:
            headers.update(options.extra_headers)
        return headers

    def _resolve(self, options: RequestOptions) -> tuple[Timeout, int, bool]:
        timeout = self.timeout if options.timeout is NOT_GIVEN else Timeout.coerce(options.timeout)
        retries = self.max_retries if options.max_retries is NOT_GIVEN else options.max_retries
        ambiguous = (
            self.retry_ambiguous
            if options.retry_ambiguous is NOT_GIVEN
            else options.retry_ambiguous
        )
        return timeout, retries, ambiguous

    def _call_id(self, options: RequestOptions) -> str:
        if options.extra_headers:
            for name, value in options.extra_headers.items():
                if name.lower() == CALL_ID_HEADER:
                    return value
        return str(uuid.uuid4())

    def _content(self, options: RequestOptions) -> bytes | None:
        if options.json_body is None:
            return None
        return json.dumps(
            options.json_body, separators=(",", ":"), ensure_ascii=False, default=_json_default
        ).encode()

    def _secrets_for(self, options: RequestOptions) -> tuple[str, ...]:
        return self._secrets + options.secrets if options.secrets else self._secrets

    # -- outcome classification ---------------------------------------------------------------
    def _transport_error(
        self, exc: Exception, call_id: str, deadline: Deadline, request: httpx.Request
    ) -> APIConnectionError:
        maybe_served = not isinstance(exc, _NOT_SENT)
        if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError | TimeoutError):
            which = "total" if deadline.expired() else type(exc).__name__
            return APITimeoutError(
                f"the gateway call timed out ({which})",
                call_id=call_id,
                maybe_served=maybe_served,
                request=safe_request(request),
            )
        return APIConnectionError(
            f"connection to the gateway failed: {type(exc).__name__}: {exc}",
            call_id=call_id,
            maybe_served=maybe_served,
            request=safe_request(request),
        )

    def _status_error(
        self, response: httpx.Response, content: bytes, call_id: str, options: RequestOptions
    ) -> APIStatusError:
        return make_status_error(
            response,
            content,
            call_id=response.headers.get(CALL_ID_HEADER) or call_id,
            secrets=self._secrets_for(options),
        )

    def _retry_wait(
        self,
        error: GatewayError,
        *,
        options: RequestOptions,
        retries_done: int,
        max_retries: int,
        ambiguous_ok: bool,
        deadline: Deadline,
    ) -> float | None:
        """Seconds to wait before retrying ``error``, or None to raise it."""
        if retries_done >= max_retries:
            return None
        headers: httpx.Headers | None = None
        if isinstance(error, APIStatusError):
            headers = error.response.headers
            if not status_is_retryable(error.status_code, error.type, headers):
                return None
        elif isinstance(error, APIConnectionError):
            if error.maybe_served and not (options.idempotent or ambiguous_ok):
                return None
        else:
            return None
        wait = wait_for_retry(headers, retries_done)
        remaining = deadline.remaining()
        if wait is None or (remaining is not None and wait >= remaining):
            return None
        log.info(
            "retrying %s %s in %.2f s (attempt %d of %d) after: %s",
            options.method,
            options.path,
            wait,
            retries_done + 2,
            max_retries + 1,
            error,
        )
        return wait

    def _url(self, path: str) -> httpx.URL:
        # Parsed once per path: httpx's URL parsing is a visible share of a call's CPU.
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) < 256:
                url = self._urls[path] = httpx.URL(self.base_url + path)
            else:
                url = httpx.URL(self.base_url + path)
        return url

    def _copy_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_key": self._api_key,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "retry_ambiguous": self.retry_ambiguous,
            "default_headers": self._default_headers,
        }


class SyncAPIClient(BaseClient):
    def __init__(self, *, http_client: httpx.Client | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            follow_redirects=False,
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def _read(self, response: httpx.Response, deadline: Deadline) -> bytes:
        chunks = []
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if deadline.expired():
                raise httpx.ReadTimeout("total timeout while reading the body")
        return b"".join(chunks)

    def _send(self, options: RequestOptions) -> Answer | Opened:
        timeout, max_retries, ambiguous_ok = self._resolve(options)
        deadline = Deadline(timeout.total)
        content = self._content(options)
        retries_done = 0
        while True:
            call_id = self._call_id(options)
            request = self._http.build_request(
                options.method,
                self._url(options.path),
                content=content,
                params=options.params,
                headers=self._headers(options, call_id),
                timeout=timeout.for_attempt(deadline.remaining()),
            )
            error: GatewayError
            try:
                response = self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                error = self._transport_error(exc, call_id, deadline, request)
            else:
                try:
                    if response.is_success and options.stream:
                        return Opened(
                            response, call_id, deadline, retries_done, self._secrets_for(options)
                        )
                    try:
                        body = self._read(response, deadline)
                    finally:
                        response.close()
                except httpx.TransportError as exc:
                    error = self._transport_error(exc, call_id, deadline, request)
                    error.maybe_served = True
                except httpx.DecodingError as exc:
                    raise _undecodable(exc, call_id) from None
                else:
                    if response.is_success:
                        return Answer(
                            response, body, call_id, deadline, retries_done,
                            self._secrets_for(options),
                        )  # fmt: skip
                    error = self._status_error(response, body, call_id, options)
                    # Only the masked copy on the error is kept (traceback locals included).
                    body = b""
            wait = self._retry_wait(
                error,
                options=options,
                retries_done=retries_done,
                max_retries=max_retries,
                ambiguous_ok=ambiguous_ok,
                deadline=deadline,
            )
            if wait is None:
                raise error
            time.sleep(wait)
            retries_done += 1


class AsyncAPIClient(BaseClient):
    def __init__(self, *, http_client: httpx.AsyncClient | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            follow_redirects=False,
        )

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def _attempt(
        self, request: httpx.Request, options: RequestOptions, deadline: Deadline
    ) -> tuple[httpx.Response, bytes | None]:
        response = await self._http.send(request, stream=True)
        if response.is_success and options.stream:
            return response, None
        try:
            return response, await response.aread()
        finally:
            await response.aclose()

    async def _send(self, options: RequestOptions) -> Answer | Opened:
        timeout, max_retries, ambiguous_ok = self._resolve(options)
        deadline = Deadline(timeout.total)
        content = self._content(options)
        retries_done = 0
        while True:
            call_id = self._call_id(options)
            remaining = deadline.remaining()
            request = self._http.build_request(
                options.method,
                self._url(options.path),
                content=content,
                params=options.params,
                headers=self._headers(options, call_id),
                timeout=timeout.for_attempt(remaining),
            )
            error: GatewayError
            try:
                # asyncio.timeout makes ``total`` exact (a sync client checks it between reads).
                if remaining is None:
                    response, body = await self._attempt(request, options, deadline)
                else:
                    async with asyncio.timeout(remaining):
                        response, body = await self._attempt(request, options, deadline)
            except httpx.DecodingError as exc:
                raise _undecodable(exc, call_id) from None
            except (httpx.TransportError, TimeoutError) as exc:
                error = self._transport_error(exc, call_id, deadline, request)
            else:
                if body is None:
                    return Opened(
                        response, call_id, deadline, retries_done, self._secrets_for(options)
                    )
                if response.is_success:
                    return Answer(
                        response, body, call_id, deadline, retries_done, self._secrets_for(options)
                    )
                error = self._status_error(response, body, call_id, options)
                body = b""
            wait = self._retry_wait(
                error,
                options=options,
                retries_done=retries_done,
                max_retries=max_retries,
                ambiguous_ok=ambiguous_ok,
                deadline=deadline,
            )
            if wait is None:
                raise error
            await asyncio.sleep(wait)
            retries_done += 1
