"""``with_raw_response`` / ``with_streaming_response``: the HTTP answer first, parsed on demand.

The same surface as openai-python's ``LegacyAPIResponse`` (raw) and ``APIResponse``
(streamed): ``headers``, ``status_code``, ``http_request``, ``request_id``,
``retries_taken``, ``parse()``.  ``parse()`` returns exactly what the plain call would
(cost and call id included).  Bodies exposed here are masked like every body the SDK keeps.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from nemoctl.client._base_client import Answer, Opened
from nemoctl.client._secret import safe_request, scrub_bytes

R = TypeVar("R")


class _Common:
    _response: httpx.Response
    _call_id: str
    _retries: int

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def http_request(self) -> httpx.Request:
        """The request as sent, masked (no ``Authorization``)."""
        return safe_request(self._response.request)

    @property
    def url(self) -> httpx.URL:
        return httpx.URL(str(self.http_request.url))

    @property
    def request_id(self) -> str | None:
        value: str | None = self._response.headers.get("x-request-id")
        return value

    @property
    def call_id(self) -> str:
        value: str = self._response.headers.get("x-litellm-call-id") or self._call_id
        return value

    @property
    def retries_taken(self) -> int:
        return self._retries

    @property
    def http_version(self) -> str:
        return self._response.http_version

    @property
    def elapsed(self) -> Any:
        return self._response.elapsed


class APIResponse(_Common, Generic[R]):
    """``with_raw_response``: the body is read (unless the call streams); ``parse()`` types it."""

    def __init__(
        self,
        result: Answer | Opened,
        parse: Callable[[Answer], R],
        stream: Callable[[Opened], R] | None,
    ) -> None:
        self._result = result
        self._response = result.response
        self._call_id = result.call_id
        self._retries = result.retries_taken
        self._parse = parse
        self._stream = stream
        self._parsed: R | None = None

    def parse(self) -> R:
        if self._parsed is None:
            result = self._result
            if isinstance(result, Opened):
                assert self._stream is not None
                self._parsed = self._stream(result)
            else:
                self._parsed = self._parse(result)
        return self._parsed

    @property
    def content(self) -> bytes:
        if isinstance(self._result, Opened):
            return b""
        return scrub_bytes(self._result.content, *self._result.secrets)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class AsyncAPIResponse(APIResponse[R]):
    """The async client's raw response: the body is already read, so ``parse()`` is plain
    (as openai-python's ``LegacyAPIResponse`` on ``AsyncOpenAI``)."""


class StreamedAPIResponse(_Common, Generic[R]):
    """``with_streaming_response``: a context manager; the body is read only if you ask."""

    def __init__(
        self,
        opened: Opened,
        parse: Callable[[Answer], R],
        stream: Callable[[Opened], R] | None,
    ) -> None:
        self._opened = opened
        self._response = opened.response
        self._call_id = opened.call_id
        self._retries = opened.retries_taken
        self._parse = parse
        self._stream = stream
        self._content: bytes | None = None

    def __enter__(self) -> StreamedAPIResponse[R]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._response.close()

    def read(self) -> bytes:
        if self._content is None:
            self._content = self._response.read()
        return scrub_bytes(self._content, *self._opened.secrets)

    def text(self) -> str:
        return self.read().decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.read())

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self._response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        yield from self._response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        yield from self._response.iter_lines()

    def parse(self) -> R:
        if self._stream is not None:
            return self._stream(self._opened)
        o = self._opened
        self.read()
        assert self._content is not None
        return self._parse(
            Answer(o.response, self._content, o.call_id, o.deadline, o.retries_taken, o.secrets)
        )


class AsyncStreamedAPIResponse(_Common, Generic[R]):
    """The async twin of :class:`StreamedAPIResponse`."""

    def __init__(
        self,
        opened: Opened,
        parse: Callable[[Answer], R],
        stream: Callable[[Opened], R] | None,
    ) -> None:
        self._opened = opened
        self._response = opened.response
        self._call_id = opened.call_id
        self._retries = opened.retries_taken
        self._parse = parse
        self._stream = stream
        self._content: bytes | None = None

    async def close(self) -> None:
        await self._response.aclose()

    async def read(self) -> bytes:
        if self._content is None:
            self._content = await self._response.aread()
        return scrub_bytes(self._content, *self._opened.secrets)

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", errors="replace")

    async def json(self) -> Any:
        return json.loads(await self.read())

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in self._response.aiter_bytes(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        async for line in self._response.aiter_lines():
            yield line

    async def parse(self) -> R:
        if self._stream is not None:
            return self._stream(self._opened)
        o = self._opened
        await self.read()
        assert self._content is not None
        return self._parse(
            Answer(o.response, self._content, o.call_id, o.deadline, o.retries_taken, o.secrets)
        )


class AsyncStreamedResponseContext(Generic[R]):
    """What ``async with gw.x.with_streaming_response.create(...) as response`` enters."""

    def __init__(self, request: Awaitable[AsyncStreamedAPIResponse[R]]) -> None:
        self._request = request
        self._response: AsyncStreamedAPIResponse[R] | None = None

    async def __aenter__(self) -> AsyncStreamedAPIResponse[R]:
        self._response = await self._request
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()
