"""``/v1/chat/completions`` — ``gw.chat.completions.create(...)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import Timeout
from nemoctl.client._streaming import AsyncStream, Stream
from nemoctl.client.resources._common import merge_body, parse_model
from nemoctl.client.types.chat import ChatCompletion

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway


def _options(
    *,
    model: str,
    messages: Iterable[Mapping[str, Any]],
    stream: bool,
    gateway_retries: int | None,
    params: dict[str, Any],
    extra_body: dict[str, Any] | None,
    extra_headers: Mapping[str, str] | None,
    timeout: Timeout | float | None,
    max_retries: int,
    retry_ambiguous: bool,
) -> tuple[RequestOptions, bool]:
    body: dict[str, Any] = {"model": model, "messages": list(messages), **params}
    hide_usage_chunk = False
    if stream:
        body["stream"] = True
        stream_options = dict(body.get("stream_options") or {})
        if "include_usage" not in stream_options:
            # The cost of a stream only arrives in the usage chunk; the caller did not ask
            # for that chunk, so it is consumed here rather than handed to them.
            stream_options["include_usage"] = True
            hide_usage_chunk = True
        body["stream_options"] = stream_options
    if gateway_retries is not None:
        body["num_retries"] = gateway_retries
    options = RequestOptions(
        "POST",
        "/v1/chat/completions",
        json_body=merge_body(body, extra_body),
        extra_headers=extra_headers,
        timeout=timeout,
        max_retries=max_retries,
        retry_ambiguous=retry_ambiguous,
        stream=stream,
    )
    return options, hide_usage_chunk


class Completions:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        stream: Literal[False] = False,
        gateway_retries: int | None = ...,
        extra_body: dict[str, Any] | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: Timeout | float | None = ...,
        max_retries: int = ...,
        retry_ambiguous: bool = ...,
        **params: Any,
    ) -> ChatCompletion: ...

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        stream: Literal[True],
        gateway_retries: int | None = ...,
        extra_body: dict[str, Any] | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: Timeout | float | None = ...,
        max_retries: int = ...,
        retry_ambiguous: bool = ...,
        **params: Any,
    ) -> Stream: ...

    def create(
        self,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        stream: bool = False,
        gateway_retries: int | None = NOT_GIVEN,
        extra_body: dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        **params: Any,
    ) -> ChatCompletion | Stream:
        """Create a chat completion; ``stream=True`` returns a :class:`Stream`.

        Any other OpenAI parameter (``temperature``, ``tools``, ``user``...) is passed
        through.  ``gateway_retries`` sets LiteLLM's own retries for this call
        (``num_retries``); see docs/sdk.md on retry amplification.
        """
        options, hide = _options(
            model=model,
            messages=messages,
            stream=stream,
            gateway_retries=self._client.gateway_retries
            if gateway_retries is NOT_GIVEN
            else gateway_retries,
            params=params,
            extra_body=extra_body,
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            retry_ambiguous=retry_ambiguous,
        )
        result = self._client._send(options)
        if isinstance(result, Answer):
            return parse_model(ChatCompletion, result, billed=True)
        response, call_id, deadline, _ = result
        return Stream(response, call_id=call_id, deadline=deadline, hide_usage_chunk=hide)


class AsyncCompletions:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        stream: Literal[False] = False,
        gateway_retries: int | None = ...,
        extra_body: dict[str, Any] | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: Timeout | float | None = ...,
        max_retries: int = ...,
        retry_ambiguous: bool = ...,
        **params: Any,
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        stream: Literal[True],
        gateway_retries: int | None = ...,
        extra_body: dict[str, Any] | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: Timeout | float | None = ...,
        max_retries: int = ...,
        retry_ambiguous: bool = ...,
        **params: Any,
    ) -> AsyncStream: ...

    async def create(
        self,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        stream: bool = False,
        gateway_retries: int | None = NOT_GIVEN,
        extra_body: dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        **params: Any,
    ) -> ChatCompletion | AsyncStream:
        """Async :meth:`Completions.create`."""
        options, hide = _options(
            model=model,
            messages=messages,
            stream=stream,
            gateway_retries=self._client.gateway_retries
            if gateway_retries is NOT_GIVEN
            else gateway_retries,
            params=params,
            extra_body=extra_body,
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            retry_ambiguous=retry_ambiguous,
        )
        result = await self._client._send(options)
        if isinstance(result, Answer):
            return parse_model(ChatCompletion, result, billed=True)
        response, call_id, deadline, _ = result
        return AsyncStream(response, call_id=call_id, deadline=deadline, hide_usage_chunk=hide)


class Chat:
    def __init__(self, client: Gateway) -> None:
        self.completions = Completions(client)


class AsyncChat:
    def __init__(self, client: AsyncGateway) -> None:
        self.completions = AsyncCompletions(client)
