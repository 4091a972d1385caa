"""The scanners' common output: one raw use, cacheable as a JSON list."""

from __future__ import annotations

from typing import NamedTuple


class RawUse(NamedTuple):
    model: str
    member: str
    #: "model" | "field" | "enum" | "enum_value"
    target: str
    line: int
    column: int
    kind: str


class ScanError(Exception):
    """A parser rejected a file; the message is the parser's own, with its line."""


def line_col(data: bytes, offset: int, starts: list[int]) -> tuple[int, int]:
    """1-based (line, character column) of a byte ``offset``; ``starts`` from line_starts."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    col = len(data[starts[lo]:offset].decode("utf-8", "replace")) + 1
    return lo + 1, col


def line_starts(data: bytes) -> list[int]:
    starts = [0]
    pos = data.find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    return starts
