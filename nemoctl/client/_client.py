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
from nemoctl.client._retry import DEFAULT_MAX_RETRIES, Timeout
from nemoctl.client._secret import Secret
from nemoctl.client.resources.chat import AsyncChat, Chat
from nemoctl.client.resources.embeddings import AsyncEmbeddings, Embeddings
from nemoctl.client.resources.health import AsyncHealth, Health
from nemoctl.client.resources.management import AsyncKeys, AsyncSpend, Keys, Spend
from nemoctl.client.resources.models import AsyncModels, Models

_DEFAULT_TIMEOUT = Timeout()


def _raw_options(
    method: str,
    path: str,
    json: Any,
    params: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    timeout: Timeout | float | None,
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


class Gateway(SyncAPIClient):
    """A synchronous client for the LiteLLM gateway.

    ``base_url`` is the gateway root (a trailing ``/v1`` is dropped); default
    ``$NEMOCTL_GATEWAY_URL``.  ``api_key`` default ``$NEMOCTL_GATEWAY_API_KEY``.
    ``timeout`` and ``max_retries`` are defaults every call may override;
    ``gateway_retries`` (default: the gateway's own setting) is sent as LiteLLM's
    ``num_retries`` on chat and embedding calls.  Pass ``http_client`` to use your own
    ``httpx.Client`` (its pool, proxies, TLS); the SDK then does not close it.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | Secret | None = None,
        timeout: Timeout | float | None = _DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
        gateway_retries: int | None = None,
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
        self.health = Health(self)
        self.keys = Keys(self)
        self.spend = Spend(self)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
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
        timeout: Timeout | float | None = _DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
        gateway_retries: int | None = None,
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
        self.health = AsyncHealth(self)
        self.keys = AsyncKeys(self)
        self.spend = AsyncSpend(self)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
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
