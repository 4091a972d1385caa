"""Base classes for typed responses: pydantic models that also carry the gateway's facts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PrivateAttr

from nemoctl.client._response import GatewayMeta, RawResponse


class GatewayModel(BaseModel):
    """Lenient on purpose: fields the gateway adds later must not break old clients."""

    model_config = ConfigDict(extra="allow", protected_namespaces=())


class GatewayResponse(GatewayModel):
    """A response body plus what the gateway said about the call (headers)."""

    _meta: GatewayMeta | None = PrivateAttr(default=None)
    _raw: RawResponse | None = PrivateAttr(default=None)

    @property
    def gateway(self) -> GatewayMeta | None:
        return self._meta

    @property
    def raw(self) -> RawResponse | None:
        """Status, response headers and body bytes as received."""
        return self._raw

    @property
    def call_id(self) -> str | None:
        return self._meta.call_id if self._meta else None

    @property
    def model_group(self) -> str | None:
        return self._meta.model_group if self._meta else None

    @property
    def model_id(self) -> str | None:
        return self._meta.model_id if self._meta else None


class BilledResponse(GatewayResponse):
    """A response the gateway put a price on."""

    @property
    def cost(self) -> float | None:
        """USD from ``x-litellm-response-cost``; None (and a warning) if the gateway gave none."""
        return self._meta.cost if self._meta else None

    @property
    def cost_breakdown(self) -> dict[str, float]:
        return dict(self._meta.cost_breakdown) if self._meta else {}
