"""Base classes for typed responses: pydantic models that also carry the gateway's facts.

They behave like openai-python's models: attribute access, ``to_dict()`` / ``to_json()``,
and a returned object (a ``message``, a tool call) can be sent back in the next request
as is — the client serialises any model it is given the way openai does
(``model_dump(exclude_unset=True, mode="json")``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from nemoctl.client._response import GatewayMeta, RawResponse


class GatewayModel(BaseModel):
    """Lenient on purpose: fields the gateway adds later must not break old clients."""

    model_config = ConfigDict(extra="allow", protected_namespaces=())

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The fields the gateway sent (openai-python's ``to_dict`` semantics)."""
        return self.model_dump(
            mode=mode,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> str:
        return self.model_dump_json(
            indent=indent,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )


class GatewayResponse(GatewayModel):
    """A response body plus what the gateway said about the call (headers)."""

    _meta: GatewayMeta | None = PrivateAttr(default=None)
    _raw: RawResponse | None = PrivateAttr(default=None)

    @property
    def gateway(self) -> GatewayMeta | None:
        return self._meta

    @property
    def raw(self) -> RawResponse | None:
        """Status, response headers and body bytes as received (secrets masked)."""
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
