"""``/v1/models`` — the model groups the key may call; ``retrieve`` one of them."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import TimeoutArg
from nemoctl.client.resources._common import parse_model
from nemoctl.client.resources._resource import AsyncResource, SyncResource
from nemoctl.client.types.models import Model, ModelList


def _get(
    path: str,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    timeout: TimeoutArg,
    max_retries: int,
) -> RequestOptions:
    return RequestOptions(
        "GET", path, params=extra_query, extra_headers=extra_headers, timeout=timeout,
        max_retries=max_retries, idempotent=True,
    )  # fmt: skip


def _model_path(model: str) -> str:
    if not model:
        raise ValueError(f"Expected a non-empty value for `model` but received {model!r}")
    return "/v1/models/" + quote(model, safe="")


def _parse_list(answer: Answer) -> ModelList:
    return parse_model(ModelList, answer, billed=False)


def _parse_model(answer: Answer) -> Model:
    return parse_model(Model, answer, billed=False)


class Models(SyncResource):
    def list(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> ModelList:
        """The models; iterating the page yields :class:`Model` objects (as openai-python)."""
        options = _get("/v1/models", extra_headers, extra_query, timeout, max_retries)
        result: ModelList = self._execute(options, parse=_parse_list)
        return result

    def retrieve(
        self,
        model: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> Model:
        options = _get(_model_path(model), extra_headers, extra_query, timeout, max_retries)
        result: Model = self._execute(options, parse=_parse_model)
        return result


class AsyncModels(AsyncResource):
    async def list(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> ModelList:
        options = _get("/v1/models", extra_headers, extra_query, timeout, max_retries)
        result: ModelList = await self._execute(options, parse=_parse_list)
        return result

    async def retrieve(
        self,
        model: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> Model:
        options = _get(_model_path(model), extra_headers, extra_query, timeout, max_retries)
        result: Model = await self._execute(options, parse=_parse_model)
        return result
