"""``/v1/embeddings`` — ``gw.embeddings.create(...)``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import Timeout
from nemoctl.client.resources._common import merge_body, parse_model
from nemoctl.client.types.embeddings import CreateEmbeddingResponse

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway


def _options(
    model: str,
    input: str | list[str],
    gateway_retries: int | None,
    params: dict[str, Any],
    extra_body: dict[str, Any] | None,
    extra_headers: Mapping[str, str] | None,
    timeout: Timeout | float | None,
    max_retries: int,
    retry_ambiguous: bool,
) -> RequestOptions:
    body: dict[str, Any] = {"model": model, "input": input, **params}
    if gateway_retries is not None:
        body["num_retries"] = gateway_retries
    return RequestOptions(
        "POST",
        "/v1/embeddings",
        json_body=merge_body(body, extra_body),
        extra_headers=extra_headers,
        timeout=timeout,
        max_retries=max_retries,
        retry_ambiguous=retry_ambiguous,
    )


class Embeddings:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    def create(
        self,
        *,
        model: str,
        input: str | list[str],
        gateway_retries: int | None = NOT_GIVEN,
        extra_body: dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        **params: Any,
    ) -> CreateEmbeddingResponse:
        retries = self._client.gateway_retries if gateway_retries is NOT_GIVEN else gateway_retries
        options = _options(
            model,
            input,
            retries,
            params,
            extra_body,
            extra_headers,
            timeout,
            max_retries,
            retry_ambiguous,
        )
        result = self._client._send(options)
        assert isinstance(result, Answer)
        return parse_model(CreateEmbeddingResponse, result, billed=True)


class AsyncEmbeddings:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    async def create(
        self,
        *,
        model: str,
        input: str | list[str],
        gateway_retries: int | None = NOT_GIVEN,
        extra_body: dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        retry_ambiguous: bool = NOT_GIVEN,
        **params: Any,
    ) -> CreateEmbeddingResponse:
        retries = self._client.gateway_retries if gateway_retries is NOT_GIVEN else gateway_retries
        options = _options(
            model,
            input,
            retries,
            params,
            extra_body,
            extra_headers,
            timeout,
            max_retries,
            retry_ambiguous,
        )
        result = await self._client._send(options)
        assert isinstance(result, Answer)
        return parse_model(CreateEmbeddingResponse, result, billed=True)
