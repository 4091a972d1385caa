"""Management endpoints the product uses: ``/key/info`` and ``/spend/logs``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import Timeout
from nemoctl.client.resources._common import parse_json
from nemoctl.client.types.management import KeyInfo, SpendLogs

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway


def _key_info(key: str | None, timeout: Timeout | float | None) -> RequestOptions:
    # The key travels as a query parameter (LiteLLM's API); it is never logged by the SDK.
    params = {"key": key} if key else None
    return RequestOptions("GET", "/key/info", params=params, timeout=timeout, idempotent=True)


def _spend_logs(
    api_key: str | None,
    request_id: str | None,
    user_id: str | None,
    start_date: str | None,
    end_date: str | None,
    timeout: Timeout | float | None,
) -> RequestOptions:
    params = {
        k: v
        for k, v in {
            "api_key": api_key,
            "request_id": request_id,
            "user_id": user_id,
            "start_date": start_date,
            "end_date": end_date,
        }.items()
        if v is not None
    }
    if start_date or end_date:
        params["summarize"] = "false"  # rows, not LiteLLM's per-day aggregate
    return RequestOptions("GET", "/spend/logs", params=params, timeout=timeout, idempotent=True)


class Keys:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    def info(
        self, key: str | None = None, *, timeout: Timeout | float | None = NOT_GIVEN
    ) -> KeyInfo:
        """The row of ``key`` (default: the client's own key)."""
        result = self._client._send(_key_info(key, timeout))
        assert isinstance(result, Answer)
        return KeyInfo.from_body(parse_json(result), result.raw())


class AsyncKeys:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    async def info(
        self, key: str | None = None, *, timeout: Timeout | float | None = NOT_GIVEN
    ) -> KeyInfo:
        result = await self._client._send(_key_info(key, timeout))
        assert isinstance(result, Answer)
        return KeyInfo.from_body(parse_json(result), result.raw())


class Spend:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    def logs(
        self,
        *,
        api_key: str | None = None,
        request_id: str | None = None,
        user_id: str | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
    ) -> SpendLogs:
        """Spend-log rows; ``request_id`` is a call id (``response.call_id``)."""
        options = _spend_logs(api_key, request_id, user_id, start_date, end_date, timeout)
        result = self._client._send(options)
        assert isinstance(result, Answer)
        return SpendLogs.from_body(parse_json(result), result.raw())


class AsyncSpend:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    async def logs(
        self,
        *,
        api_key: str | None = None,
        request_id: str | None = None,
        user_id: str | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
        timeout: Timeout | float | None = NOT_GIVEN,
    ) -> SpendLogs:
        options = _spend_logs(api_key, request_id, user_id, start_date, end_date, timeout)
        result = await self._client._send(options)
        assert isinstance(result, Answer)
        return SpendLogs.from_body(parse_json(result), result.raw())
