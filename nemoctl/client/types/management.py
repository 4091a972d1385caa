"""Management endpoints, typed with the models generated from LiteLLM's own schema.

``nemoctl_models`` is generated from the pinned LiteLLM's ``schema.prisma``, so a key or a
spend-log row here has exactly the columns of the gateway's database; it is imported on
first use to keep ``import nemoctl`` light.  Fields a gateway adds beyond the table (joined
budget rows, aliases) are kept in ``extra`` rather than rejected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from nemoctl.client._exceptions import ResponseValidationError
from nemoctl.client._response import RawResponse

if TYPE_CHECKING:
    from nemoctl_models import LiteLLM_SpendLogs, LiteLLM_VerificationToken
    from pydantic import BaseModel


def litellm_key_hash(key: str) -> str:
    """LiteLLM stores ``sha256(key)`` for ``sk-`` keys and takes anything else as a hash already."""
    return hashlib.sha256(key.encode()).hexdigest() if key.startswith("sk-") else key


def _skew(exc: ValidationError, model: str) -> ResponseValidationError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return ResponseValidationError(
        f"the gateway's row does not match {model} generated for the pinned LiteLLM "
        f"({exc.error_count()} problem(s), first: {where}: {first['msg']}); is the gateway "
        "running another LiteLLM version than the one pinned?"
    )


def _row(model: type[BaseModel], data: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    known = model.model_fields
    row = model.model_validate({k: v for k, v in data.items() if k in known})
    return row, {k: v for k, v in data.items() if k not in known}


@dataclass(frozen=True)
class KeyInfo:
    """``/key/info``: the key's row (token is the gateway's hash, never the key itself)."""

    info: LiteLLM_VerificationToken
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    raw: RawResponse | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_body(cls, body: dict[str, Any], raw: RawResponse | None, *, key: str) -> KeyInfo:
        from nemoctl_models import LiteLLM_VerificationToken

        info = dict(body.get("info") or {})
        # LiteLLM drops the row's ``token`` (and echoes the raw key, which is not kept);
        # the token is LiteLLM's own hash of the key, the value spend logs carry as api_key.
        info.setdefault("token", litellm_key_hash(key))
        try:
            row, extra = _row(LiteLLM_VerificationToken, info)
        except ValidationError as exc:
            raise _skew(exc, "LiteLLM_VerificationToken") from None
        return cls(info=row, extra=extra, raw=raw)


@dataclass(frozen=True)
class SpendLogs:
    """``/spend/logs`` rows, one per call (``request_id`` is the call id)."""

    rows: list[LiteLLM_SpendLogs]
    extras: list[dict[str, Any]] = field(default_factory=list, repr=False)
    raw: RawResponse | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_body(cls, body: Any, raw: RawResponse | None) -> SpendLogs:
        from nemoctl_models import LiteLLM_SpendLogs

        items = body if isinstance(body, list) else (body or {}).get("data", [])
        rows, extras = [], []
        for item in items:
            try:
                row, extra = _row(LiteLLM_SpendLogs, item)
            except ValidationError as exc:
                raise _skew(exc, "LiteLLM_SpendLogs") from None
            rows.append(row)
            extras.append(extra)
        return cls(rows=rows, extras=extras, raw=raw)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def total_spend(self) -> float:
        return float(sum(getattr(r, "spend", 0.0) or 0.0 for r in self.rows))
