"""An API key that never shows itself in a repr, a log line, an exception or a traceback."""

from __future__ import annotations

import logging
from typing import NoReturn

import httpx


class Secret:
    """Holds a secret string; only :meth:`reveal` returns it.

    ``repr``/``str``/``format`` print a fixed mask (not even a prefix: gateway keys
    share the ``sk-`` prefix, and a suffix narrows brute force), and pickling is refused
    so a key cannot leak through a process pool or a cache.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __format__(self, spec: str) -> str:
        return "**********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


class _MaskKeyParams(logging.Filter):
    """Masks ``key=``/``api_key=`` query values in httpx's own request log lines.

    httpx logs every request URL at INFO; LiteLLM's ``/key/info`` takes the key it
    describes as a query parameter, so without this an app logging at INFO would print it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(
                public_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


_SECRET_PARAMS = ("key", "api_key")


def public_url(url: httpx.URL) -> str:
    """The URL without credentials (userinfo, and ``key=``/``api_key=`` query values)."""
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    if url.query and any(p in url.params for p in _SECRET_PARAMS):
        params = url.params
        for name in _SECRET_PARAMS:
            if name in params:
                params = params.set(name, "***")
        url = url.copy_with(params=params)
    return str(url)


def install_log_masking() -> None:
    """Idempotent: one filter on the ``httpx`` logger."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskKeyParams) for f in logger.filters):
        logger.addFilter(_MaskKeyParams())
