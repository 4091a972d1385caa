"""What the gateway says about a call besides the body: cost, call id, model group.

Read from LiteLLM's ``x-litellm-*`` response headers (non-streaming calls) or from the
final usage chunk (streams, where the cost headers are sent before any token and
read 0.0).  The cost is never computed locally: when the gateway gives none, or one
that does not parse, ``cost`` is ``None`` and a :class:`CostUnavailableWarning` is
issued — never a silent 0.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import httpx

from nemoctl.client._exceptions import CostUnavailableWarning
from nemoctl.client._secret import public_url, scrub_bytes

COST_HEADER = "x-litellm-response-cost"
_BREAKDOWN_PREFIX = COST_HEADER + "-"


class RawResponse:
    """The HTTP answer as received (response headers only: request headers hold the key).

    ``content`` is masked (the client's key, a key the call was about, anything key-shaped)
    on first access, so keeping the raw answer costs nothing on the hot path.
    """

    __slots__ = (
        "_content", "_masked", "_public_url", "_secrets", "_url", "headers", "http_version",
        "reason_phrase", "status_code",
    )  # fmt: skip

    def __init__(
        self,
        *,
        status_code: int,
        headers: httpx.Headers,
        http_version: str,
        reason_phrase: str,
        url: httpx.URL | str,
        content: bytes = b"",
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.http_version = http_version
        self.reason_phrase = reason_phrase
        self._url = url
        self._public_url: str | None = None
        self._content = content
        self._secrets = secrets
        self._masked: bytes | None = None

    @classmethod
    def from_httpx(
        cls, response: httpx.Response, *, content: bytes = b"", secrets: tuple[str, ...] = ()
    ) -> RawResponse:
        return cls(
            status_code=response.status_code,
            headers=response.headers,
            http_version=response.http_version,
            reason_phrase=response.reason_phrase,
            url=response.request.url,
            content=content,
            secrets=secrets,
        )

    @property
    def url(self) -> str:
        """The request URL without credentials (computed on first access)."""
        if self._public_url is None:
            url = self._url
            self._public_url = public_url(url) if isinstance(url, httpx.URL) else url
        return self._public_url

    @property
    def content(self) -> bytes:
        if self._masked is None:
            self._masked = scrub_bytes(self._content, *self._secrets)
        return self._masked

    def json(self) -> Any:
        import json

        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, url={self.url!r})"


def parse_cost(
    value: Any, *, source: str, call_id: str | None, stacklevel: int = 4
) -> float | None:
    """A finite, non-negative float, or None plus a warning saying why."""
    if value is None:
        reason = f"the gateway sent no cost ({source} missing)"
    else:
        try:
            cost = float(value)
        except (TypeError, ValueError):
            reason = f"the gateway sent an unreadable cost {str(value)[:40]!r} in {source}"
        else:
            if math.isfinite(cost) and cost >= 0:
                return cost
            reason = f"the gateway sent an invalid cost {cost!r} in {source}"
    warnings.warn(
        f"{reason}; cost is None for call {call_id or '(no call id)'}",
        CostUnavailableWarning,
        stacklevel=stacklevel,
    )
    return None


def _float_or_none(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class GatewayMeta:
    """The gateway's own facts about one call."""

    call_id: str | None
    model_group: str | None
    model_id: str | None
    model_name: str | None
    litellm_version: str | None
    cost: float | None
    #: ``input``, ``output``, ``original``, ``discount-amount``, ``margin-amount``, ... as sent
    #: in ``x-litellm-response-cost-*`` (empty for streams, whose breakdown headers read 0.0).
    cost_breakdown: dict[str, float]
    attempted_retries: int | None
    attempted_fallbacks: int | None
    key_spend: float | None
    duration_ms: float | None

    @classmethod
    def from_headers(
        cls,
        headers: httpx.Headers,
        *,
        cost: float | None,
        with_breakdown: bool,
        fallback_call_id: str | None,
    ) -> GatewayMeta:
        # One pass over the raw header list (each httpx.Headers lookup is a linear scan).
        found = litellm_headers(headers)
        breakdown: dict[str, float] = {}
        if with_breakdown:
            for name, value in found.items():
                if name.startswith(_BREAKDOWN_PREFIX):
                    number = _float_or_none(value)
                    if number is not None:
                        breakdown[name[len(_BREAKDOWN_PREFIX) :]] = number
        get = found.get
        return cls(
            call_id=get("x-litellm-call-id") or fallback_call_id,
            model_group=get("x-litellm-model-group"),
            model_id=get("x-litellm-model-id"),
            model_name=get("x-litellm-model-name"),
            litellm_version=get("x-litellm-version"),
            cost=cost,
            cost_breakdown=breakdown,
            attempted_retries=_int_or_none(get("x-litellm-attempted-retries")),
            attempted_fallbacks=_int_or_none(get("x-litellm-attempted-fallbacks")),
            key_spend=_float_or_none(get("x-litellm-key-spend")),
            duration_ms=_float_or_none(get("x-litellm-response-duration-ms")),
        )


def litellm_headers(headers: httpx.Headers) -> dict[str, str]:
    """The ``x-litellm-*`` response headers, lower-cased names (first value wins)."""
    found: dict[str, str] = {}
    for raw_name, raw_value in headers.raw:
        if raw_name[:10].lower() == b"x-litellm-":
            name = raw_name.decode("latin-1").lower()
            if name not in found:
                found[name] = raw_value.decode("latin-1")
    return found
