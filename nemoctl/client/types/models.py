"""``/v1/models`` and the health endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from nemoctl.client.types._base import GatewayResponse


class Model(GatewayResponse):
    id: str
    object: str = "model"
    created: int | None = None
    owned_by: str | None = None


class ModelList(GatewayResponse):
    object: str = "list"
    data: list[Model]

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.data]

    # Iterating a page yields its models, as openai-python's ``SyncPage`` does (pydantic's
    # own ``__iter__`` would yield ``(field, value)`` pairs).
    def __iter__(self) -> Iterator[Model]:  # type: ignore[override]
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> Model:
        return self.data[index]


class Readiness(GatewayResponse):
    """``/health/readiness``: the proxy and (if any) its database."""

    status: str | None = None
    db: str | None = None
    litellm_version: str | None = None


class HealthReport(GatewayResponse):
    """``/health``: one real call per deployment; errors are gateway text (may be long)."""

    healthy_endpoints: list[dict[str, Any]] = Field(default_factory=list)
    unhealthy_endpoints: list[dict[str, Any]] = Field(default_factory=list)
    healthy_count: int | None = None
    unhealthy_count: int | None = None
