"""Database URLs: redaction, Prisma-style parameters, and connecting.

A database URL carries a password, and libpq/psycopg error messages may echo the
connection string back.  Everything nemoctl prints about a database goes through
:func:`redact_url` or :func:`redact_text`, so the password never reaches output,
logs or exception messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from nemoctl import redact
from nemoctl.errors import BadInputError

if TYPE_CHECKING:
    import psycopg

_MASK = "***"
_SCHEMES = ("postgresql", "postgres")
#: Query parameters that Prisma understands but libpq rejects ("invalid URI query parameter").
_PRISMA_ONLY_PARAMS = frozenset(
    {"schema", "connection_limit", "pool_timeout", "pgbouncer", "statement_cache_size",
     "socket_timeout", "sslaccept", "sslidentity", "sslpassword", "sslcert_password"}
)


class DatabaseError(BadInputError):
    """The database could not be reached or used (refused, bad credentials, missing)."""


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A parsed ``postgresql://`` URL; ``str()`` and ``repr()`` never show the password."""

    #: What libpq gets: the URL without Prisma-only parameters.
    conninfo: str
    #: The PostgreSQL schema (namespace) Prisma uses: ``?schema=`` or ``public``.
    schema: str
    password: str | None

    @property
    def redacted(self) -> str:
        return redact_url(self.conninfo)

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.redacted!r}, schema={self.schema!r})"

    def with_database(self, name: str) -> DatabaseUrl:
        """The same server and credentials, another database."""
        parts = urlsplit(self.conninfo)
        return DatabaseUrl(
            conninfo=urlunsplit(parts._replace(path="/" + quote(name, safe=""))),
            schema=self.schema,
            password=self.password,
        )

    @property
    def database(self) -> str:
        return unquote(urlsplit(self.conninfo).path.lstrip("/"))


def parse_url(url: str) -> DatabaseUrl:
    """Validate a ``postgresql://`` URL and split off Prisma's ``?schema=`` parameter."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        raise DatabaseError(f"not a valid database URL: {redact_url(url)}") from None
    redact.register_secret(unquote(password) if password else None)
    if parts.scheme not in _SCHEMES:
        raise DatabaseError(
            f"not a PostgreSQL URL: {redact_url(url)}",
            hint="use postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
        )
    if parts.netloc.count("@") > 1:
        # libpq splits at the first "@", Python at the last: each would connect to a
        # different host, and libpq would quote the password's tail as a host name.
        raise DatabaseError(
            f"the database URL's user name or password contains an unencoded '@': "
            f"{redact_url(url)}",
            hint="percent-encode it as %40",
        )
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), "") or "public"
    kept = [(k, v) for k, v in query if k not in _PRISMA_ONLY_PARAMS]
    conninfo = urlunsplit(parts._replace(query=urlencode(kept)))
    return DatabaseUrl(
        conninfo=conninfo, schema=schema, password=unquote(password) if password else None
    )


def redact_url(url: str) -> str:
    """The URL (or key/value DSN) with its password masked (see :mod:`nemoctl.redact`)."""
    return redact.current().text(url)


def redact_text(text: str, *secrets: str | None) -> str:
    """Mask passwords in free text: known secrets, ``password=...`` pairs, URL user-info."""
    known = [s for s in secrets if s]
    # libpq reads a password with an unencoded "@" differently and may quote its tail.
    known += [p for s in known if "@" in s for p in s.split("@") if len(p) >= 3]
    return redact.current().with_secrets(*known).text(text)


def connect(
    url: DatabaseUrl, *, autocommit: bool = True, read_only: bool = False
) -> psycopg.Connection[tuple[object, ...]]:
    """Open a connection, turning psycopg's errors into a redacted :class:`DatabaseError`."""
    import psycopg

    try:
        conn = psycopg.connect(url.conninfo, autocommit=autocommit, connect_timeout=10)
    except psycopg.Error as exc:
        raise DatabaseError(
            f"cannot connect to {url.redacted}: {describe_error(exc, url)}",
            hint=_connect_hint(str(exc)),
        ) from None
    if read_only:
        # psycopg's ``read_only`` only covers transactions it opens itself; the session
        # default also covers autocommit statements.
        conn.read_only = True
        conn.execute("SET default_transaction_read_only = on")
    return conn


def describe_error(exc: BaseException, url: DatabaseUrl | None = None) -> str:
    """psycopg's message, first lines only, with every password masked."""
    message = " ".join(line.strip() for line in str(exc).strip().splitlines()[:3] if line.strip())
    return redact_text(message or type(exc).__name__, url.password if url else None)


def _connect_hint(message: str) -> str | None:
    lowered = message.lower()
    if "connection refused" in lowered or "could not connect" in lowered:
        return "is PostgreSQL running and listening on that host and port?"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return "check the user name and password in the URL"
    if "does not exist" in lowered:
        return "check the database (or role) name in the URL"
    return None
