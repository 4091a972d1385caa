"""The one severity scale every surface uses, and its one order."""

from __future__ import annotations

from typing import Literal

Severity = Literal["ERR", "WARN", "INFO"]
#: Highest first.
SEVERITY_ORDER: tuple[Severity, ...] = ("ERR", "WARN", "INFO")
SEVERITIES: frozenset[str] = frozenset(SEVERITY_ORDER)
_RANK: dict[str, int] = {"INFO": 0, "WARN": 1, "ERR": 2}


def severity_rank(severity: str) -> int:
    """Higher is more severe: ``INFO`` 0, ``WARN`` 1, ``ERR`` 2 (sort with ``-rank``)."""
    return _RANK[severity]


def at_least(severity: str, threshold: str) -> bool:
    """True when ``severity`` reaches ``threshold`` (``WARN`` reaches ``WARN`` and ``INFO``)."""
    return _RANK[severity] >= _RANK[threshold]


def is_severity(value: object) -> bool:
    return isinstance(value, str) and value in _RANK
