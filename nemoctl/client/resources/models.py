"""``/v1/models`` — the model groups the key may call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import Timeout
from nemoctl.client.resources._common import parse_model
from nemoctl.client.types.models import ModelList

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway


def _options(timeout: Timeout | float | None, max_retries: int) -> RequestOptions:
    return RequestOptions(
        "GET", "/v1/models", timeout=timeout, max_retries=max_retries, idempotent=True
    )


class Models:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    def list(
        self, *, timeout: Timeout | float | None = NOT_GIVEN, max_retries: int = NOT_GIVEN
    ) -> ModelList:
        result = self._client._send(_options(timeout, max_retries))
        assert isinstance(result, Answer)
        return parse_model(ModelList, result, billed=False)


class AsyncModels:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    async def list(
        self, *, timeout: Timeout | float | None = NOT_GIVEN, max_retries: int = NOT_GIVEN
    ) -> ModelList:
        result = await self._client._send(_options(timeout, max_retries))
        assert isinstance(result, Answer)
        return parse_model(ModelList, result, billed=False)
