"""``/v1/responses`` (OpenAI's Responses API) and ``/v1/messages`` (Anthropic's Messages format).

LiteLLM's proxy serves both for any model group; the SDK types them, streams their
events, and reads the gateway's cost the same way as for chat (the cost header on a
plain call, the final usage on a stream).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload

from typing_extensions import Unpack

from nemoctl.client._base_client import NOT_GIVEN, Answer
from nemoctl.client._retry import TimeoutArg
from nemoctl.client._streaming import AsyncStream, MessageEvents, ResponseEvents, Stream
from nemoctl.client.resources._common import check_params, parse_model, post_options
from nemoctl.client.resources._resource import AsyncResource, SyncResource
from nemoctl.client.types.messages import Message, MessageStreamEvent
from nemoctl.client.types.params import MessageCreateParams, ResponseCreateParams, names
from nemoctl.client.types.responses import Response, ResponseStreamEvent

_RESPONSE_PARAMS = names(ResponseCreateParams)
_MESSAGE_PARAMS = names(MessageCreateParams)


def _parse_response(answer: Answer) -> Response:
    return parse_model(Response, answer, billed=True)


def _parse_message(answer: Answer) -> Message:
    return parse_model(Message, answer, billed=True)


class Responses(SyncResource):
    @overload
    def create(
        self,
        *,
        input: str | Iterable[Any],
        model: str,
        stream: Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ResponseCreateParams],
    ) -> Response: ...

    @overload
    def create(
        self,
        *,
        input: str | Iterable[Any],
        model: str,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ResponseCreateParams],
    ) -> Stream[ResponseStreamEvent]: ...

    def create(
        self,
        *,
        input: str | Iterable[Any],
        model: str,
        stream: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | Stream[ResponseStreamEvent]:
        """``POST /v1/responses``; ``.output_text``, ``.cost``; ``stream=True`` yields events."""
        check_params("Responses.create", dict(params), _RESPONSE_PARAMS)
        body = {"input": input if isinstance(input, str) else list(input), "model": model,
                **params}  # fmt: skip
        options = post_options(
            self._client, "/v1/responses", body, stream=bool(stream),
            gateway_retries=gateway_retries, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: Response | Stream[ResponseStreamEvent] = self._execute(
            options,
            parse=_parse_response,
            stream=(lambda o: Stream(o, ResponseEvents())) if stream else None,
        )
        return result


class AsyncResponses(AsyncResource):
    @overload
    async def create(
        self,
        *,
        input: str | Iterable[Any],
        model: str,
        stream: Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ResponseCreateParams],
    ) -> Response: ...

    @overload
    async def create(
        self,
        *,
        input: str | Iterable[Any],
        model: str,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ResponseCreateParams],
    ) -> AsyncStream[ResponseStreamEvent]: ...

    async def create(
        self,
        *,
        input: str | Iterable[Any],
        model: str,
        stream: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | AsyncStream[ResponseStreamEvent]:
        check_params("AsyncResponses.create", dict(params), _RESPONSE_PARAMS)
        body = {"input": input if isinstance(input, str) else list(input), "model": model,
                **params}  # fmt: skip
        options = post_options(
            self._client, "/v1/responses", body, stream=bool(stream),
            gateway_retries=gateway_retries, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: Response | AsyncStream[ResponseStreamEvent] = await self._execute(
            options,
            parse=_parse_response,
            stream=(lambda o: AsyncStream(o, ResponseEvents())) if stream else None,
        )
        return result


class Messages(SyncResource):
    @overload
    def create(
        self,
        *,
        max_tokens: int,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[MessageCreateParams],
    ) -> Message: ...

    @overload
    def create(
        self,
        *,
        max_tokens: int,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[MessageCreateParams],
    ) -> Stream[MessageStreamEvent]: ...

    def create(
        self,
        *,
        max_tokens: int,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[MessageCreateParams],
    ) -> Message | Stream[MessageStreamEvent]:
        """``POST /v1/messages`` (Anthropic format, any model group); ``.content``, ``.cost``."""
        check_params("Messages.create", dict(params), _MESSAGE_PARAMS)
        body = {"max_tokens": max_tokens, "messages": list(messages), "model": model, **params}
        options = post_options(
            self._client, "/v1/messages", body, stream=bool(stream),
            gateway_retries=gateway_retries, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: Message | Stream[MessageStreamEvent] = self._execute(
            options,
            parse=_parse_message,
            stream=(lambda o: Stream(o, MessageEvents())) if stream else None,
        )
        return result


class AsyncMessages(AsyncResource):
    @overload
    async def create(
        self,
        *,
        max_tokens: int,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[MessageCreateParams],
    ) -> Message: ...

    @overload
    async def create(
        self,
        *,
        max_tokens: int,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[MessageCreateParams],
    ) -> AsyncStream[MessageStreamEvent]: ...

    async def create(
        self,
        *,
        max_tokens: int,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[MessageCreateParams],
    ) -> Message | AsyncStream[MessageStreamEvent]:
        check_params("AsyncMessages.create", dict(params), _MESSAGE_PARAMS)
        body = {"max_tokens": max_tokens, "messages": list(messages), "model": model, **params}
        options = post_options(
            self._client, "/v1/messages", body, stream=bool(stream),
            gateway_retries=gateway_retries, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: Message | AsyncStream[MessageStreamEvent] = await self._execute(
            options,
            parse=_parse_message,
            stream=(lambda o: AsyncStream(o, MessageEvents())) if stream else None,
        )
        return result
