"""Management endpoints the product uses: ``/key/info`` and ``/spend/logs``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import TimeoutArg
from nemoctl.client.resources._common import parse_json
from nemoctl.client.types.management import KeyInfo, SpendLogs, litellm_key_hash

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway


def _key_info(key: str | None, timeout: TimeoutArg, max_retries: int) -> RequestOptions:
    # LiteLLM takes the key's hash in ``?key=`` as well as the key: send the hash, so no
    # access log between here and the gateway ever records a usable key.
    params = {"key": litellm_key_hash(key)} if key else None
    return RequestOptions(
        "GET", "/key/info", params=params, timeout=timeout, max_retries=max_retries,
        idempotent=True, secrets=(key,) if key else (),
    )  # fmt: skip


def _spend_logs(
    filters: dict[str, str | None], timeout: TimeoutArg, max_retries: int
) -> RequestOptions:
    params = {k: v for k, v in filters.items() if v is not None}
    if "start_date" in params or "end_date" in params:
        params["summarize"] = "false"  # rows, not LiteLLM's per-day aggregate
    return RequestOptions(
        "GET", "/spend/logs", params=params, timeout=timeout, max_retries=max_retries,
        idempotent=True,
    )  # fmt: skip


class Keys:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    def info(
        self,
        key: str | None = None,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> KeyInfo:
        """The row of ``key`` (default: the client's own key)."""
        result = self._client._send(_key_info(key, timeout, max_retries))
        assert isinstance(result, Answer)
        token = litellm_key_hash(key or self._client.api_key.reveal())
        return KeyInfo.from_body(parse_json(result), result.raw(), token=token)


class AsyncKeys:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    async def info(
        self,
        key: str | None = None,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> KeyInfo:
        result = await self._client._send(_key_info(key, timeout, max_retries))
        assert isinstance(result, Answer)
        token = litellm_key_hash(key or self._client.api_key.reveal())
        return KeyInfo.from_body(parse_json(result), result.raw(), token=token)


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
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> SpendLogs:
        """Spend-log rows; ``request_id`` is a call id (``response.call_id``)."""
        filters = {"api_key": api_key, "request_id": request_id, "user_id": user_id,
                   "start_date": start_date, "end_date": end_date}  # fmt: skip
        result = self._client._send(_spend_logs(filters, timeout, max_retries))
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
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
    ) -> SpendLogs:
        filters = {"api_key": api_key, "request_id": request_id, "user_id": user_id,
                   "start_date": start_date, "end_date": end_date}  # fmt: skip
        result = await self._client._send(_spend_logs(filters, timeout, max_retries))
        assert isinstance(result, Answer)
        return SpendLogs.from_body(parse_json(result), result.raw())
