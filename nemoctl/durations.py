"""Durations as people write them in ``[tool.nemoctl]`` (``"3 days"``, ``"12h"``): parsed
and described here, below both the table checks (:mod:`nemoctl.tables`) and the
supply-chain policy that uses them."""

from __future__ import annotations

import re
from datetime import timedelta

from nemoctl.errors import ConfigError

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}
_TERM = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")


def parse_age(text: str) -> timedelta:
    """``"3 days"``, ``"12h"``, ``"1 week"``, ``"1 week 2 days"`` -> timedelta.

    Months and years are refused on purpose: their length is ambiguous, and a
    supply-chain window should mean the same thing to everyone reading it.
    """
    raw = str(text).strip().lower()
    if raw in ("0", ""):
        return timedelta(0)
    pos = 0
    seconds = 0.0
    for match in _TERM.finditer(raw):
        gap = raw[pos:match.start()].strip(" ,")
        if gap not in ("", "and"):
            break
        unit = _UNITS.get(match[2])
        if unit is None:
            raise ConfigError(
                f"minimum-release-age {text!r}: unknown unit {match[2]!r} "
                "(use seconds, minutes, hours, days or weeks)"
            )
        seconds += float(match[1]) * unit
        pos = match.end()
    if pos == 0 or raw[pos:].strip(" ,"):
        raise ConfigError(
            f"minimum-release-age {text!r} is not a duration like \"3 days\", \"12h\" or \"1 week\""
        )
    return timedelta(seconds=seconds)


def describe_age(delta: timedelta) -> str:
    """A short human duration: ``2 days 3 hours``, ``45 minutes``."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return sign + (" ".join(parts) or "less than a minute")
