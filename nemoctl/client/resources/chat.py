"""``/v1/chat/completions``: ``gw.chat.completions.create()``, ``.parse()`` and ``.stream()``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import BaseModel
from typing_extensions import Unpack

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._chat_stream import (
    AsyncChatCompletionStreamManager,
    ChatCompletionStreamManager,
)
from nemoctl.client._exceptions import LengthFinishReasonError, ResponseValidationError
from nemoctl.client._retry import TimeoutArg
from nemoctl.client._streaming import AsyncStream, ChatChunks, Stream
from nemoctl.client.resources._common import check_params, parse_model, post_options
from nemoctl.client.resources._resource import AsyncResource, SyncResource
from nemoctl.client.resources._structured import is_model_type, response_format_for
from nemoctl.client.types._base import GatewayModel
from nemoctl.client.types.chat import ChatCompletion, ChatCompletionChunk, ParsedChatCompletion
from nemoctl.client.types.params import (
    ChatCompletionCreateParams,
    ChatCompletionParseParams,
    names,
)

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway

M = TypeVar("M", bound=BaseModel)
MessageParam = Mapping[str, Any] | GatewayModel
_ALLOWED = names(ChatCompletionCreateParams)


def _options(
    client: Gateway | AsyncGateway,
    *,
    model: str,
    messages: Iterable[MessageParam],
    stream: bool,
    gateway_retries: int | None,
    params: Mapping[str, Any],
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: object | None,
    timeout: TimeoutArg,
    max_retries: int,
    retry_ambiguous: bool,
) -> tuple[RequestOptions, bool]:
    body: dict[str, Any] = {"messages": list(messages), "model": model, **params}
    hide_usage_chunk = False
    if stream:
        body["stream"] = True  # before stream_options, as the body was always laid out
        stream_options = dict(body.get("stream_options") or {})
        if "include_usage" not in stream_options:
            # The cost of a stream only arrives in the usage chunk; the caller did not ask
            # for that chunk, so it is consumed here rather than handed to them.
            stream_options["include_usage"] = True
            hide_usage_chunk = True
        body["stream_options"] = stream_options
    options = post_options(
        client, "/v1/chat/completions", body, stream=stream, gateway_retries=gateway_retries,
        extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
        timeout=timeout, max_retries=max_retries, retry_ambiguous=retry_ambiguous,
    )  # fmt: skip
    return options, hide_usage_chunk


def _parse_completion(answer: Answer) -> ChatCompletion:
    return parse_model(ChatCompletion, answer, billed=True)


def _parser_for(response_format: type[M]) -> Any:
    def parse(answer: Answer) -> ParsedChatCompletion[M]:
        cls: Any = ParsedChatCompletion[response_format]  # type: ignore[valid-type]
        completion: ParsedChatCompletion[M] = parse_model(cls, answer, billed=True)
        for choice in completion.choices:
            if choice.finish_reason == "length":
                raise LengthFinishReasonError(completion=completion)
            message = choice.message
            if message.content and not message.refusal:
                try:
                    message.parsed = response_format.model_validate_json(message.content)
                except ValueError as exc:
                    raise ResponseValidationError(
                        f"the answer does not match {response_format.__name__}: {exc}",
                        call_id=completion.call_id,
                    ) from None
        return completion

    return parse


def _stream_params(params: Mapping[str, Any],
                   response_format: Any) -> tuple[dict[str, Any], type[BaseModel] | None]:
    """The body parameters of ``stream()`` and the model its answer is parsed into."""
    body = dict(params)
    if is_model_type(response_format):
        body["response_format"] = response_format_for(response_format)
        return body, response_format
    if response_format is not None:
        body["response_format"] = response_format  # a plain JSON-mode / schema dict
    return body, None


def _chunks(hide: bool) -> Any:
    return lambda opened: Stream(opened, ChatChunks(hide))


def _async_chunks(hide: bool) -> Any:
    return lambda opened: AsyncStream(opened, ChatChunks(hide))


class Completions(SyncResource):
    @overload
    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        stream: Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionCreateParams],
    ) -> ChatCompletion: ...

    @overload
    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionCreateParams],
    ) -> Stream[ChatCompletionChunk]: ...

    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        stream: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionCreateParams],
    ) -> ChatCompletion | Stream[ChatCompletionChunk]:
        """Create a chat completion; ``stream=True`` returns a :class:`Stream`.

        openai-python's parameters and semantics; an unknown keyword is a ``TypeError``.
        ``gateway_retries`` sets LiteLLM's own retries for this call (``num_retries``,
        default 0); see docs/sdk.md on retry amplification.
        """
        check_params("Completions.create", dict(params), _ALLOWED)
        options, hide = _options(
            self._client, model=model, messages=messages, stream=bool(stream),
            gateway_retries=gateway_retries, params=params, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: ChatCompletion | Stream[ChatCompletionChunk] = self._execute(
            options, parse=_parse_completion, stream=_chunks(hide) if stream else None
        )
        return result

    def parse(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: type[M],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> ParsedChatCompletion[M]:
        """Structured outputs: ``choices[0].message.parsed`` is a ``response_format`` instance."""
        check_params("Completions.parse", dict(params), _ALLOWED)
        if not is_model_type(response_format):
            raise TypeError("parse() needs a pydantic model class as response_format")
        body_params = {**params, "response_format": response_format_for(response_format)}
        options, _ = _options(
            self._client, model=model, messages=messages, stream=False,
            gateway_retries=gateway_retries, params=body_params, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: ParsedChatCompletion[M] = self._execute(options, parse=_parser_for(response_format))
        return result

    @overload
    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: type[M],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> ChatCompletionStreamManager[M]: ...

    @overload
    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> ChatCompletionStreamManager[Any]: ...

    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: Any = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> ChatCompletionStreamManager[Any]:
        """openai-python's ``chat.completions.stream``: ``with`` it for events
        (``content.delta``, ``tool_calls.function.arguments.done``, ...) and
        ``get_final_completion()`` (parsed into ``response_format`` when it is a model)."""
        check_params("Completions.stream", dict(params), _ALLOWED)
        body_params, parse_into = _stream_params(params, response_format)
        options, hide = _options(
            self._client, model=model, messages=messages, stream=True,
            gateway_retries=gateway_retries, params=body_params, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        return ChatCompletionStreamManager(
            lambda: self._execute(options, parse=_parse_completion, stream=_chunks(hide)),
            parse_into)


class AsyncCompletions(AsyncResource):
    @overload
    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        stream: Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionCreateParams],
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionCreateParams],
    ) -> AsyncStream[ChatCompletionChunk]: ...

    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        stream: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionCreateParams],
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
        """Async :meth:`Completions.create`."""
        check_params("AsyncCompletions.create", dict(params), _ALLOWED)
        options, hide = _options(
            self._client, model=model, messages=messages, stream=bool(stream),
            gateway_retries=gateway_retries, params=params, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: ChatCompletion | AsyncStream[ChatCompletionChunk] = await self._execute(
            options, parse=_parse_completion, stream=_async_chunks(hide) if stream else None
        )
        return result

    async def parse(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: type[M],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> ParsedChatCompletion[M]:
        check_params("AsyncCompletions.parse", dict(params), _ALLOWED)
        if not is_model_type(response_format):
            raise TypeError("parse() needs a pydantic model class as response_format")
        body_params = {**params, "response_format": response_format_for(response_format)}
        options, _ = _options(
            self._client, model=model, messages=messages, stream=False,
            gateway_retries=gateway_retries, params=body_params, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        result: ParsedChatCompletion[M] = await self._execute(
            options, parse=_parser_for(response_format)
        )
        return result

    @overload
    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: type[M],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> AsyncChatCompletionStreamManager[M]: ...

    @overload
    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> AsyncChatCompletionStreamManager[Any]: ...

    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: str,
        response_format: Any = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[ChatCompletionParseParams],
    ) -> AsyncChatCompletionStreamManager[Any]:
        """Async :meth:`Completions.stream` (``async with``; not awaited itself)."""
        check_params("AsyncCompletions.stream", dict(params), _ALLOWED)
        body_params, parse_into = _stream_params(params, response_format)
        options, hide = _options(
            self._client, model=model, messages=messages, stream=True,
            gateway_retries=gateway_retries, params=body_params, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            max_retries=max_retries, retry_ambiguous=retry_ambiguous,
        )  # fmt: skip
        return AsyncChatCompletionStreamManager(
            lambda: self._execute(options, parse=_parse_completion, stream=_async_chunks(hide)),
            parse_into)


class Chat:
    def __init__(self, client: Gateway) -> None:
        self.completions = Completions(client)


class AsyncChat:
    def __init__(self, client: AsyncGateway) -> None:
        self.completions = AsyncCompletions(client)


__all__ = ["AsyncChat", "AsyncCompletions", "Chat", "Completions"]
