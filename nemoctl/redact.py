"""One redaction layer for everything nemoctl prints, writes or raises.

Pure and dependency-free (standard library only), so the CLI, the library and the
client SDK share it.  What is masked, wherever it appears in a text:

- URL userinfo: ``https://user:secret@host`` -> ``https://user:***@host``; a lone
  userinfo on an http(s) URL (``https://TOKEN@host``) is a token and is hidden whole;
- credential query parameters (``?token=…``, ``&api_key=…``; :data:`SECRET_PARAMS`
  plus any configured names);
- ``key=value`` pairs with those names, which covers libpq key/value DSNs
  (``host=h password='p w' dbname=d``);
- ``Authorization`` / ``Proxy-Authorization`` / API-key headers and ``Bearer`` tokens;
- any string equal to a registered secret (a database password, an index token, a
  master key), also in its percent-encoded form, wherever it stands as a whole token
  (not inside a longer run of letters and digits).

Two ways to use it: a :class:`Redactor` value (explicit, for libraries), or the
process-wide :func:`redact` with secrets added by :func:`register_secret` (the CLI
registers every secret it is handed, then filters its output streams through
:class:`RedactingStream`).
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

__all__ = [
    "MASK",
    "SECRET_HEADERS",
    "SECRET_PARAMS",
    "RedactingStream",
    "Redactor",
    "configure",
    "current",
    "redact",
    "redact_headers",
    "redact_url",
    "register_secret",
    "register_secrets_from_env",
    "url_secrets",
]

MASK = "***"

#: Query-parameter / ``key=value`` names whose value is a credential (compared lower-case).
SECRET_PARAMS: frozenset[str] = frozenset({
    "token", "access_token", "refresh_token", "id_token", "auth_token", "private_token",
    "key", "api_key", "apikey", "api-key", "x-api-key", "master_key", "secret_key",
    "password", "passwd", "pwd", "pass", "sslpassword", "secret", "client_secret",
    "auth", "authorization", "credential", "credentials", "sig", "signature",
    "sessionid", "session_token", "jwt",
})

#: HTTP headers whose value is a credential (compared lower-case).
SECRET_HEADERS: frozenset[str] = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "api-key", "x-litellm-api-key",
    "x-goog-api-key", "anthropic-api-key", "openai-api-key", "cookie", "set-cookie",
})

#: Environment variables whose values are secrets by name: ``*_KEY``, ``*_TOKEN``, …
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$|^DATABASE_URL$")
#: Shorter strings are not registered: masking every "a" would destroy the output.
_MIN_SECRET = 4

# A URL's authority up to its *last* ``@``: a password with an unencoded ``@`` is
# still hidden whole.
_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<info>[^/\s?#\"'<>]*)@",
                       re.IGNORECASE)
# A credential has a digit or punctuation in it: "Bearer authentication" is prose.
_BEARER = re.compile(r"\b(?P<kind>Bearer|Basic)\s+"
                     r"(?P<value>(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{6,})")
_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""


@dataclass(frozen=True, slots=True)
class Redactor:
    """What to mask: exact secret strings plus credential parameter names."""

    secrets: tuple[str, ...] = ()
    params: frozenset[str] = SECRET_PARAMS
    headers: frozenset[str] = SECRET_HEADERS
    _patterns: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        params = "|".join(re.escape(p) for p in sorted(self.params, key=len, reverse=True))
        headers = "|".join(re.escape(h) for h in sorted(self.headers, key=len, reverse=True))
        patterns = (
            # ?token=… &key=… and key=value / libpq ``password = 'x y'`` (only "=":
            # a JSON key named "key" or "token" is data, not a credential)
            re.compile(
                rf"(?P<lead>(?<![\w.-])(?:{params})\s*=\s*)"
                rf"(?P<value>{_QUOTED}|[^\s&;,'\"<>)\]}}]+)",
                re.IGNORECASE,
            ),
            # ``Authorization: Bearer x`` as a header line, a dict repr or JSON
            re.compile(
                rf"(?P<lead>(?<![\w-])[\"']?(?:{headers})[\"']?\s*[:=]\s*)"
                rf"(?P<value>{_QUOTED}|[^\r\n,}}]+)",
                re.IGNORECASE,
            ),
        )
        object.__setattr__(self, "_patterns", patterns)
        ordered = sorted({s for s in self.secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True)
        object.__setattr__(self, "secrets", tuple(ordered))

    def with_secrets(self, *secrets: str) -> Redactor:
        return Redactor(secrets=(*self.secrets, *secrets), params=self.params,
                        headers=self.headers)

    def with_params(self, names: Iterable[str]) -> Redactor:
        return Redactor(secrets=self.secrets,
                        params=self.params | {n.lower() for n in names}, headers=self.headers)

    def text(self, text: str) -> str:
        """``text`` with every credential it contains masked."""
        if not text:
            return text
        for secret in self.secrets:
            for form in _forms(secret):
                if form in text:
                    # Whole tokens only: a password "postgres" must not turn every
                    # "postgresql://" into "***ql://".
                    text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])",
                                  MASK, text)
        text = _USERINFO.sub(_mask_userinfo, text)
        text = _BEARER.sub(lambda m: f"{m['kind']} {MASK}", text)
        for pattern in self._patterns:
            text = pattern.sub(_mask_value, text)
        return text

    def url(self, url: str) -> str:
        return self.text(url)

    def headers_of(self, headers: Mapping[str, str]) -> dict[str, str]:
        """A copy of ``headers`` with credential headers masked and values scrubbed."""
        return {k: (MASK if k.lower() in self.headers else self.text(v))
                for k, v in headers.items()}


def _forms(secret: str) -> tuple[str, ...]:
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    return tuple(sorted(forms, key=len, reverse=True))


#: Documentation placeholders, not secrets (``postgresql://USER[:PASSWORD]@HOST``).
_PLACEHOLDERS = frozenset({"PASSWORD", "PASSWORD]", "<password>", "password", MASK, "****"})


def _mask_userinfo(match: re.Match[str]) -> str:
    info = match["info"]
    user, sep, password = info.partition(":")
    if not info or info == MASK or (sep and password in _PLACEHOLDERS):
        return match[0]
    if not sep and "http" not in match["scheme"].lower():
        # postgresql://USER@host: a database user name alone is not a credential; on
        # an index URL (https://TOKEN@host) a lone userinfo is a token.
        return match[0]
    masked = f"{user}:{MASK}" if sep and user else MASK
    return f"{match['scheme']}{masked}@"


def _mask_value(match: re.Match[str]) -> str:
    value = match["value"]
    if value.strip("'\"") in ("", MASK):
        return match[0]
    quote_char = value[0] if value[0] in "'\"" and value[-1] == value[0] else ""
    return f"{match['lead']}{quote_char}{MASK}{quote_char}"


# ---------------------------------------------------------------------------
# the process-wide redactor the CLI uses

_lock = threading.Lock()
_current = Redactor()


def current() -> Redactor:
    return _current


def configure(*, params: Iterable[str] = (), secrets: Iterable[str] = ()) -> Redactor:
    """Add configured parameter names and secrets to the process-wide redactor."""
    global _current
    with _lock:
        _current = _current.with_params(params).with_secrets(*secrets)
        return _current


def register_secret(*values: str | None) -> None:
    """Remember secrets (a password, a token) so every later output masks them."""
    wanted = [v for v in values if v and len(v) >= _MIN_SECRET]
    # An unencoded "@" in a password makes libpq read its tail as a host name and
    # quote it in errors: the pieces are secrets too.
    pieces = [p for v in wanted if "@" in v for p in v.split("@") if len(p) >= _MIN_SECRET]
    if wanted:
        configure(secrets=[*wanted, *pieces])


def register_secrets_from_env(environ: Mapping[str, str] | None = None) -> None:
    """Register the values of environment variables named like secrets (``*_TOKEN``, …)."""
    env = os.environ if environ is None else environ
    values: list[str] = []
    for name, value in env.items():
        # Guessed from the name, so short values (flags, "1", "dev") are left alone.
        if _SECRET_ENV.search(name.upper()) and len(value) >= 6:
            values.append(value)
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "DATABASE_URL",
                 "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "HTTPS_PROXY", "HTTP_PROXY"):
        for url in env.get(name, "").split():
            values.extend(url_secrets(url))
    register_secret(*values)


def url_secrets(url: str) -> list[str]:
    """The credentials a URL carries: its password (or lone user token), secret query values."""

    try:
        parts = urlsplit(url)
        found = [unquote(p) for p in (parts.password,) if p]
        if parts.username and not parts.password:
            found.append(unquote(parts.username))
    except ValueError:
        return []
    found += [v for k, v in parse_qsl(parts.query) if k.lower() in _current.params]
    return found


def redact(text: str) -> str:
    """``text`` masked by the process-wide redactor."""
    return _current.text(text)


def redact_url(url: str) -> str:
    return _current.text(url)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return _current.headers_of(headers)


class RedactingStream(io.TextIOBase):
    """A text stream that masks secrets in everything written, then passes it on.

    Writes are redacted line by line (a partial last line is held back until it is
    complete or the stream is flushed), so a secret split across two ``write``
    calls is still masked.
    """

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self._pending = ""

    @property
    def inner(self) -> TextIO:
        return self._inner

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._inner, "errors", None)

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        text = self._pending + s
        head, nl, tail = text.rpartition("\n")
        if nl:
            self._inner.write(redact(head + nl))
            self._pending = tail
        else:
            self._pending = text
        if len(self._pending) > 65536:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self._pending:
            self._inner.write(redact(self._pending))
            self._pending = ""
        self._inner.flush()
