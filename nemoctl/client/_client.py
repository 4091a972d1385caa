"""The public clients: :class:`Gateway` (sync) and :class:`AsyncGateway`."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from nemoctl.client._base_client import (
    NOT_GIVEN,
    Answer,
    AsyncAPIClient,
    RequestOptions,
    SyncAPIClient,
)
from nemoctl.client._response import RawResponse
from nemoctl.client._retry import DEFAULT_MAX_RETRIES, Timeout, TimeoutArg
from nemoctl.client._secret import Secret
from nemoctl.client.resources.chat import AsyncChat, Chat
from nemoctl.client.resources.embeddings import AsyncEmbeddings, Embeddings
from nemoctl.client.resources.health import AsyncHealth, Health
from nemoctl.client.resources.management import AsyncKeys, AsyncSpend, Keys, Spend
from nemoctl.client.resources.models import AsyncModels, Models
from nemoctl.client.resources.responses import AsyncMessages, AsyncResponses, Messages, Responses

_DEFAULT_TIMEOUT = Timeout()
#: LiteLLM's own retries per attempt by default: none, so that the client's retries are the
#: only ones and the worst case stays (max_retries + 1) x (gateway_retries + 1) = 3
#: upstream attempts.  See docs/sdk.md, "Bounded amplification".
DEFAULT_GATEWAY_RETRIES = 0


def _raw_options(
    method: str,
    path: str,
    json: Any,
    params: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    timeout: TimeoutArg,
    max_retries: int,
    idempotent: bool | None,
) -> RequestOptions:
    return RequestOptions(
        method.upper(),
        path if path.startswith("/") else "/" + path,
        json_body=json,
        params=params,
        extra_headers=headers,
        timeout=timeout,
        max_retries=max_retries,
        idempotent=method.upper() in ("GET", "HEAD", "OPTIONS")
        if idempotent is None
        else idempotent,
    )


def _overrides(client: Any, given: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = client._copy_kwargs()
    kwargs["gateway_retries"] = client.gateway_retries
    for name, value in given.items():
        if value is not NOT_GIVEN:
            kwargs[name] = value
    return kwargs


class Gateway(SyncAPIClient):
    """A synchronous client for the LiteLLM gateway.

    ``base_url`` is the gateway root (a trailing ``/v1`` is dropped); default
    ``$NEMOCTL_GATEWAY_URL``.  ``api_key`` default ``$NEMOCTL_GATEWAY_API_KEY``.
    ``timeout`` and ``max_retries`` are defaults every call may override;
    ``gateway_retries`` (default 0) is sent as LiteLLM's ``num_retries`` on chat,
    embeddings, responses and messages calls (None: the gateway's own setting).  Pass
    ``http_client`` to use your own ``httpx.Client``; the SDK then does not close it.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | Secret | None = None,
        timeout: TimeoutArg = _DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
        gateway_retries: int | None = DEFAULT_GATEWAY_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            retry_ambiguous=retry_ambiguous,
            default_headers=default_headers,
            http_client=http_client,
        )
        self.gateway_retries = gateway_retries
        self.chat = Chat(self)
        self.embeddings = Embeddings(self)
        self.models = Models(self)
        self.responses = Responses(self)
        self.messages = Messages(self)
        self.health = Health(self)
        self.keys = Keys(self)
        self.spend = Spend(self)

    def copy(
        self,
        *,
        base_url: str = NOT_GIVEN,
        api_key: str | Secret = NOT_GIVEN,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        default_headers: Mapping[str, str] = NOT_GIVEN,
        http_client: httpx.Client = NOT_GIVEN,
    ) -> Gateway:
        """A client with some settings changed, sharing this one's connection pool."""
        kwargs = _overrides(self, {
            "base_url": base_url, "api_key": api_key, "timeout": timeout,
            "max_retries": max_retries, "retry_ambiguous": retry_ambiguous,
            "gateway_retries": gateway_retries, "default_headers": default_headers,
        })  # fmt: skip
        return Gateway(
            **kwargs, http_client=self._http if http_client is NOT_GIVEN else http_client
        )

    #: openai-python's name for :meth:`copy`.
    with_options = copy

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        idempotent: bool | None = None,
    ) -> RawResponse:
        """Any endpoint the typed layer does not cover, with the same auth, retries and errors."""
        result = self._send(
            _raw_options(method, path, json, params, headers, timeout, max_retries, idempotent)
        )
        assert isinstance(result, Answer)
        return result.raw()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncGateway(AsyncAPIClient):
    """The asyncio twin of :class:`Gateway`; ``http_client`` is an ``httpx.AsyncClient``."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | Secret | None = None,
        timeout: TimeoutArg = _DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
        gateway_retries: int | None = DEFAULT_GATEWAY_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            retry_ambiguous=retry_ambiguous,
            default_headers=default_headers,
            http_client=http_client,
        )
        self.gateway_retries = gateway_retries
        self.chat = AsyncChat(self)
        self.embeddings = AsyncEmbeddings(self)
        self.models = AsyncModels(self)
        self.responses = AsyncResponses(self)
        self.messages = AsyncMessages(self)
        self.health = AsyncHealth(self)
        self.keys = AsyncKeys(self)
        self.spend = AsyncSpend(self)

    def copy(
        self,
        *,
        base_url: str = NOT_GIVEN,
        api_key: str | Secret = NOT_GIVEN,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        default_headers: Mapping[str, str] = NOT_GIVEN,
        http_client: httpx.AsyncClient = NOT_GIVEN,
    ) -> AsyncGateway:
        kwargs = _overrides(self, {
            "base_url": base_url, "api_key": api_key, "timeout": timeout,
            "max_retries": max_retries, "retry_ambiguous": retry_ambiguous,
            "gateway_retries": gateway_retries, "default_headers": default_headers,
        })  # fmt: skip
        return AsyncGateway(
            **kwargs, http_client=self._http if http_client is NOT_GIVEN else http_client
        )

    with_options = copy

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        idempotent: bool | None = None,
    ) -> RawResponse:
        result = await self._send(
            _raw_options(method, path, json, params, headers, timeout, max_retries, idempotent)
        )
        assert isinstance(result, Answer)
        return result.raw()

    async def __aenter__(self) -> AsyncGateway:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
