"""Acknowledged changes: reviewed findings accepted by fingerprint, in ``acknowledged.toml``.

    [[ack]]
    fingerprint = "3f2a9c0d41b7e862"   # from `nemoctl diff` output
    rule = "FIELD_REMOVED"             # optional; checked when given
    reason = "column unused since #123"
    expires = 2027-01-31               # optional TOML date; after it the ack stops working

A change is matched by its fingerprint only (never by message text), so an
acknowledgement keeps working when wording changes and stops matching when the
change itself is different.  Sacred changes cannot be acknowledged away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from nemoctl.config import read_toml
from nemoctl.errors import ConfigError

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_KEYS = {"fingerprint", "rule", "reason", "expires"}


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    fingerprint: str
    reason: str
    rule: str | None = None
    expires: date | None = None

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires


@dataclass(frozen=True, slots=True)
class Acknowledgements:
    items: tuple[Acknowledgement, ...] = ()
    source: str = ""

    def get(self, fingerprint: str) -> Acknowledgement | None:
        for ack in self.items:
            if ack.fingerprint == fingerprint:
                return ack
        return None


def load_acknowledgements(path: Path) -> Acknowledgements:
    """Read and validate ``acknowledged.toml``; an absent file means none."""
    if not path.is_file():
        return Acknowledgements(source=str(path))
    return parse_acknowledgements(read_toml(path), source=str(path))


def parse_acknowledgements(data: dict[str, Any], *,
                           source: str = "acknowledged.toml") -> Acknowledgements:
    unknown = set(data) - {"ack"}
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(entries are [[ack]] tables)")
    raw = data.get("ack", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: 'ack' must be an array of tables ([[ack]])")
    items: list[Acknowledgement] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        where = f"{source}: [[ack]] #{number}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a table")
        extra = set(item) - _KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        fp = item.get("fingerprint")
        if not isinstance(fp, str) or not _FINGERPRINT.match(fp):
            raise ConfigError(f"{where}: fingerprint must be the 16 hex digits nemoctl diff "
                              f"prints, not {fp!r}")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{where}: a non-empty reason is required")
        rule = item.get("rule")
        if rule is not None and not isinstance(rule, str):
            raise ConfigError(f"{where}: rule must be a rule id string")
        expires = item.get("expires")
        if expires is not None and (not isinstance(expires, date) or
                                    type(expires).__name__ == "datetime"):
            raise ConfigError(f"{where}: expires must be a TOML date like 2027-01-31 "
                              "(unquoted)")
        if fp in seen:
            raise ConfigError(f"{where}: fingerprint {fp} is acknowledged twice")
        seen.add(fp)
        items.append(Acknowledgement(fp, reason.strip(), rule, expires))
    return Acknowledgements(items=tuple(items), source=source)
