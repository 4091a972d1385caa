"""``/v1/embeddings`` — ``gw.embeddings.create(...)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import TimeoutArg
from nemoctl.client.resources._common import check_params, parse_model, post_options
from nemoctl.client.resources._resource import AsyncResource, SyncResource
from nemoctl.client.types.embeddings import CreateEmbeddingResponse
from nemoctl.client.types.params import EmbeddingCreateParams, names

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway

_ALLOWED = names(EmbeddingCreateParams)
EmbeddingInput = str | list[str] | Iterable[int] | Iterable[Iterable[int]]


def _options(
    client: Gateway | AsyncGateway,
    model: str,
    input: EmbeddingInput,
    gateway_retries: int | None,
    params: Mapping[str, Any],
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: object | None,
    timeout: TimeoutArg,
    max_retries: int,
    retry_ambiguous: bool,
) -> RequestOptions:
    sent: Any = input
    if not isinstance(input, str | list):
        sent = [i if isinstance(i, int) else list(i) for i in input]
    body: dict[str, Any] = {"input": sent, "model": model, **params}
    return post_options(
        client, "/v1/embeddings", body, stream=False, gateway_retries=gateway_retries,
        extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
        timeout=timeout, max_retries=max_retries, retry_ambiguous=retry_ambiguous,
    )  # fmt: skip


def _parse(answer: Answer) -> CreateEmbeddingResponse:
    return parse_model(CreateEmbeddingResponse, answer, billed=True)


class Embeddings(SyncResource):
    def create(
        self,
        *,
        input: EmbeddingInput,
        model: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[EmbeddingCreateParams],
    ) -> CreateEmbeddingResponse:
        check_params("Embeddings.create", dict(params), _ALLOWED)
        options = _options(
            self._client, model, input, gateway_retries, params, extra_headers, extra_query,
            extra_body, timeout, max_retries, retry_ambiguous,
        )  # fmt: skip
        result: CreateEmbeddingResponse = self._execute(options, parse=_parse)
        return result


class AsyncEmbeddings(AsyncResource):
    async def create(
        self,
        *,
        input: EmbeddingInput,
        model: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: object | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        gateway_retries: int | None = NOT_GIVEN,
        **params: Unpack[EmbeddingCreateParams],
    ) -> CreateEmbeddingResponse:
        check_params("AsyncEmbeddings.create", dict(params), _ALLOWED)
        options = _options(
            self._client, model, input, gateway_retries, params, extra_headers, extra_query,
            extra_body, timeout, max_retries, retry_ambiguous,
        )  # fmt: skip
        result: CreateEmbeddingResponse = await self._execute(options, parse=_parse)
        return result
