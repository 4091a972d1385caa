"""Retry and timeout policy: what is retried, how long to wait, and what a timeout bounds.

Defaults follow openai-python (2 retries, 0.5 s doubling to 8 s with up to 25 % jitter,
``retry-after-ms`` then ``retry-after`` obeyed).  The difference is in what counts as
safe to repeat: a POST whose request was already sent when the connection failed may
have been served and billed by the gateway, so it is only retried with
``retry_ambiguous=True``.  See docs/sdk.md, "Retries and timeouts".
"""

from __future__ import annotations

import email.utils
import functools
import random
import time
from dataclasses import dataclass

import httpx

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
#: A longer ``Retry-After`` is not waited for: the error is raised at once with ``retry_after``.
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True, slots=True)
class Timeout:
    """Seconds; ``None`` means no limit.

    ``connect``: establishing a connection.  ``read``: the wait for any bytes, so on a stream
    the longest gap between two chunks.  ``write``: sending the request.  ``total``: the
    whole call — retries, backoff waits and, for a stream, reading it to the end.
    """

    connect: float | None = 5.0
    read: float | None = 600.0
    write: float | None = 600.0
    total: float | None = None

    @classmethod
    def coerce(cls, value: Timeout | httpx.Timeout | float | None) -> Timeout:
        if isinstance(value, Timeout):
            return value
        if isinstance(value, httpx.Timeout):
            # httpx's per-phase limits as given; httpx has no total (pool maps to connect).
            return cls(connect=value.connect, read=value.read, write=value.write, total=None)
        if value is None:
            return cls(connect=None, read=None, write=None, total=None)
        seconds = float(value)
        return cls(connect=seconds, read=seconds, write=seconds, total=None)

    def for_attempt(self, remaining: float | None) -> httpx.Timeout:
        """httpx's per-phase timeouts for one attempt, none beyond the total deadline."""

        if remaining is None:
            return _httpx_timeout(self)

        def cap(phase: float | None) -> float | None:
            if remaining is None:
                return phase
            return remaining if phase is None else min(phase, remaining)

        return httpx.Timeout(
            connect=cap(self.connect),
            read=cap(self.read),
            write=cap(self.write),
            pool=cap(self.connect),
        )


@functools.lru_cache(maxsize=64)
def _httpx_timeout(timeout: Timeout) -> httpx.Timeout:
    return httpx.Timeout(
        connect=timeout.connect, read=timeout.read, write=timeout.write, pool=timeout.connect
    )


class Deadline:
    """The ``total`` budget of one call."""

    __slots__ = ("_at",)

    def __init__(self, total: float | None) -> None:
        self._at = None if total is None else time.monotonic() + total

    def remaining(self) -> float | None:
        if self._at is None:
            return None
        return max(self._at - time.monotonic(), 0.0)

    def expired(self) -> bool:
        return self._at is not None and time.monotonic() >= self._at


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The wait the server asked for: ``retry-after-ms``, else ``retry-after`` (seconds or date)."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(float(value) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)


def backoff_delay(retries_done: int) -> float:
    """min(0.5 · 2^n, 8) seconds, minus up to 25 % jitter so clients do not retry in step."""
    delay = min(INITIAL_RETRY_DELAY * (2.0**retries_done), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * random.random())


def status_is_retryable(status: int, error_type: str | None, headers: httpx.Headers) -> bool:
    explicit = headers.get("x-should-retry")
    if explicit == "true":
        return True
    if explicit == "false":
        return False
    if error_type == "budget_exceeded":
        return False
    return status in RETRYABLE_STATUS or status >= 500


def wait_for_retry(headers: httpx.Headers | None, retries_done: int) -> float | None:
    """Seconds to sleep before the next attempt, or None when the server asked for too long."""
    if headers is not None:
        asked = retry_after_seconds(headers)
        if asked is not None:
            return asked if asked <= MAX_RETRY_AFTER else None
    return backoff_delay(retries_done)


#: What every ``timeout=`` accepts: seconds, an ``httpx.Timeout`` (as openai-python), a
#: :class:`Timeout` (adds ``total``), or None for no limit.
TimeoutArg = Timeout | httpx.Timeout | float | None
