"""The base of every resource: one request path, three ways to hand the answer back.

A resource method shapes its call into :class:`RequestOptions` and calls
``self._execute(options, parse=..., stream=...)``.  The mode of the resource decides
what comes back: the parsed object (the default), an :class:`APIResponse`
(``.with_raw_response``) or a :class:`StreamedAPIResponse` (``.with_streaming_response``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from nemoctl.client._api_response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncStreamedAPIResponse,
    AsyncStreamedResponseContext,
    StreamedAPIResponse,
)
from nemoctl.client._base_client import Answer, Opened, RequestOptions

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway

Mode = Literal["parsed", "raw", "streaming"]
R = TypeVar("R")


class SyncResource:
    def __init__(self, client: Gateway, mode: Mode = "parsed") -> None:
        self._client = client
        self._mode = mode

    @property
    def with_raw_response(self) -> Any:
        """The same methods, returning an ``APIResponse`` (``.headers``, ``.parse()``)."""
        return type(self)(self._client, "raw")

    @property
    def with_streaming_response(self) -> Any:
        """The same methods, returning a context manager over the unread response."""
        return type(self)(self._client, "streaming")

    def _execute(
        self,
        options: RequestOptions,
        *,
        parse: Callable[[Answer], R],
        stream: Callable[[Opened], R] | None = None,
    ) -> Any:
        if self._mode == "streaming":
            opened = self._client._send(dataclasses.replace(options, stream=True))
            assert isinstance(opened, Opened)
            return StreamedAPIResponse(opened, parse, stream)
        result = self._client._send(options)
        if self._mode == "raw":
            return APIResponse(result, parse, stream)
        if isinstance(result, Opened):
            assert stream is not None
            return stream(result)
        return parse(result)


class AsyncResource:
    def __init__(self, client: AsyncGateway, mode: Mode = "parsed") -> None:
        self._client = client
        self._mode = mode

    @property
    def with_raw_response(self) -> Any:
        return type(self)(self._client, "raw")

    @property
    def with_streaming_response(self) -> Any:
        return _AsyncStreamingWrapper(type(self)(self._client, "streaming"))

    async def _execute(
        self,
        options: RequestOptions,
        *,
        parse: Callable[[Answer], R],
        stream: Callable[[Opened], R] | None = None,
    ) -> Any:
        if self._mode == "streaming":
            opened = await self._client._send(dataclasses.replace(options, stream=True))
            assert isinstance(opened, Opened)
            return AsyncStreamedAPIResponse(opened, parse, stream)
        result = await self._client._send(options)
        if self._mode == "raw":
            return AsyncAPIResponse(result, parse, stream)
        if isinstance(result, Opened):
            assert stream is not None
            return stream(result)
        return parse(result)


class _AsyncStreamingWrapper:
    """``async with`` needs a context manager, not a coroutine: wrap each method's call."""

    def __init__(self, resource: AsyncResource) -> None:
        self._resource = resource

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._resource, name)

        def call(*args: Any, **kwargs: Any) -> AsyncStreamedResponseContext[Any]:
            return AsyncStreamedResponseContext(method(*args, **kwargs))

        return call
