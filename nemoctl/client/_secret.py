"""Secrets in the SDK: a key that never shows itself, and the one masking every output uses.

Masking covers the client's own key, any other key the caller handed the SDK for a call
(``keys.info(key)``), anything shaped like a LiteLLM key (``sk-...``), and then
everything :mod:`nemoctl.redact` masks for the CLI (URL userinfo, credential query
parameters and ``key=value`` pairs, auth headers, ``Bearer`` tokens, registered
secrets), with the same lists of parameter and header names.  It is applied wherever
the SDK keeps bytes or text it did not write itself: error messages, error bodies, the
``httpx.Response`` and ``httpx.Request`` on exceptions, ``RawResponse.content``, and
httpx's own log lines.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any, NoReturn

import httpx

from nemoctl.redact import SECRET_HEADERS, SECRET_PARAMS, redact

MASK = "sk-***"
_KEY_SHAPE = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
_KEY_SHAPE_BYTES = re.compile(rb"\bsk-[A-Za-z0-9_\-]{6,}")


class Secret:
    """Holds a secret string; only :meth:`reveal` returns it.

    ``repr``/``str``/``format`` print a fixed mask (not even a prefix: gateway keys
    share the ``sk-`` prefix, and a suffix narrows brute force), and pickling is refused
    so a key cannot leak through a process pool or a cache.  The value is kept XOR-ed
    with a random pad, so no attribute -- not even a slot a debug serializer walks --
    holds the key's text; only :meth:`reveal` puts it together.
    """

    __slots__ = ("_masked", "_pad")

    def __init__(self, value: str) -> None:
        data = value.encode("utf-8", "surrogatepass")
        self._pad = os.urandom(len(data))
        self._masked = bytes(a ^ b for a, b in zip(data, self._pad, strict=True))

    def reveal(self) -> str:
        data = bytes(a ^ b for a, b in zip(self._masked, self._pad, strict=True))
        return data.decode("utf-8", "surrogatepass")

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __format__(self, spec: str) -> str:
        return "**********"

    def __bool__(self) -> bool:
        return bool(self._masked)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.reveal() == self.reveal()

    def __hash__(self) -> int:
        return hash(self.reveal())

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with the given secrets and anything key-shaped masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return redact(_KEY_SHAPE.sub(MASK, text))


def scrub_bytes(data: bytes, *secrets: str | None) -> bytes:
    for secret in secrets:
        if secret:
            data = data.replace(secret.encode(), MASK.encode())
    return _KEY_SHAPE_BYTES.sub(MASK.encode(), data)


def redact_bytes(data: bytes) -> bytes:
    """An error body with :mod:`nemoctl.redact`'s masking applied (when it is UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return redact(text).encode("utf-8")


def redact_data(value: Any) -> Any:
    """A decoded JSON error body with every string in it redacted (structure kept)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_data(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_data(v) for k, v in value.items()}
    return value


def public_url(url: httpx.URL) -> str:
    """The URL without credentials (userinfo, and credential query values)."""
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    if url.query and any(name.lower() in SECRET_PARAMS for name in url.params):
        params = httpx.QueryParams(
            [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in url.params.multi_items()]
        )
        url = url.copy_with(params=params)
    return str(url)


def safe_request(request: httpx.Request) -> httpx.Request:
    """A copy of ``request`` for keeping on an exception: masked URL, no credentials, no body."""
    headers = httpx.Headers(
        [
            (k, "***" if k.lower() in SECRET_HEADERS else v)
            for k, v in request.headers.multi_items()
        ]
    )
    return httpx.Request(request.method, public_url(request.url), headers=headers)


class _MaskKeyParams(logging.Filter):
    """Masks credential query values in httpx's own request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(
                public_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


def install_log_masking() -> None:
    """Idempotent: one filter on the ``httpx`` logger."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskKeyParams) for f in logger.filters):
        logger.addFilter(_MaskKeyParams())
