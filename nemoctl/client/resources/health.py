"""Health endpoints: liveliness (no auth), readiness, and the per-deployment check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl.client._base_client import NOT_GIVEN, Answer, RequestOptions
from nemoctl.client._retry import TimeoutArg
from nemoctl.client.resources._common import parse_model
from nemoctl.client.types.models import HealthReport, Readiness

if TYPE_CHECKING:
    from nemoctl.client._client import AsyncGateway, Gateway


def _get(
    path: str,
    timeout: TimeoutArg,
    authenticated: bool = True,
    params: dict[str, str] | None = None,
) -> RequestOptions:
    return RequestOptions(
        "GET", path, params=params, timeout=timeout, idempotent=True, authenticated=authenticated
    )


class Health:
    def __init__(self, client: Gateway) -> None:
        self._client = client

    def liveliness(self, *, timeout: TimeoutArg = NOT_GIVEN) -> bool:
        """True when the proxy process answers ``/health/liveliness`` (raises otherwise)."""
        result = self._client._send(_get("/health/liveliness", timeout, authenticated=False))
        return isinstance(result, Answer)

    def readiness(self, *, timeout: TimeoutArg = NOT_GIVEN) -> Readiness:
        result = self._client._send(_get("/health/readiness", timeout))
        assert isinstance(result, Answer)
        return parse_model(Readiness, result, billed=False)

    def check(self, *, model: str | None = None, timeout: TimeoutArg = NOT_GIVEN) -> HealthReport:
        """``/health``: the gateway calls every deployment (or ``model``'s) once — not free."""
        params = {"model": model} if model else None
        result = self._client._send(_get("/health", timeout, params=params))
        assert isinstance(result, Answer)
        return parse_model(HealthReport, result, billed=False)


class AsyncHealth:
    def __init__(self, client: AsyncGateway) -> None:
        self._client = client

    async def liveliness(self, *, timeout: TimeoutArg = NOT_GIVEN) -> bool:
        result = await self._client._send(_get("/health/liveliness", timeout, authenticated=False))
        return isinstance(result, Answer)

    async def readiness(self, *, timeout: TimeoutArg = NOT_GIVEN) -> Readiness:
        result = await self._client._send(_get("/health/readiness", timeout))
        assert isinstance(result, Answer)
        return parse_model(Readiness, result, billed=False)

    async def check(
        self, *, model: str | None = None, timeout: TimeoutArg = NOT_GIVEN
    ) -> HealthReport:
        params = {"model": model} if model else None
        result = await self._client._send(_get("/health", timeout, params=params))
        assert isinstance(result, Answer)
        return parse_model(HealthReport, result, billed=False)
