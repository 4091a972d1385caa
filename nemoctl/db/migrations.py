"""LiteLLM's SQL migrations: find them, and apply them to a throwaway database.

``litellm[proxy]==X`` pins ``litellm-proxy-extras==Y`` exactly; that package ships
``litellm_proxy_extras/migrations/<timestamp>_<name>/migration.sql``, applied by
Prisma Migrate in directory-name order.  nemoctl applies the same files the same
way (each file as one script, outside an explicit transaction, so a single
``CREATE INDEX CONCURRENTLY`` works as it does under Prisma) to a database it
creates itself and always drops.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from nemoctl._limits import MAX_SQL_BYTES, decode_utf8, read_bounded_text
from nemoctl.db._url import DatabaseError, DatabaseUrl, connect, describe_error
from nemoctl.errors import BadInputError, BlockedError, NemoctlError

if TYPE_CHECKING:
    import psycopg

EXTRAS_PACKAGE = "litellm-proxy-extras"
_MIGRATIONS_PREFIX = "litellm_proxy_extras/migrations/"
_THROWAWAY_PREFIX = "nemoctl_verify_"
_EXTRAS_PIN = re.compile(
    r"^litellm[-_]proxy[-_]extras\s*==\s*([^\s;,]+)\s*;.*extra\s*==\s*['\"]proxy['\"]",
    re.IGNORECASE,
)


class MigrationError(BlockedError):
    """A migration failed to apply: the release's migrations are broken (exit 4)."""


class NoMigrationsError(BadInputError):
    """The release ships no SQL migrations (no extras pin, or none in the wheel)."""


@dataclass(frozen=True, slots=True)
class Migration:
    #: The directory name, e.g. ``20250326162113_baseline`` (its order key).
    name: str
    sql: str


@dataclass(frozen=True, slots=True)
class MigrationSet:
    #: ``litellm-proxy-extras 0.4.97 (installed)``, a wheel file name, or a directory.
    origin: str
    migrations: tuple[Migration, ...]
    extras_version: str | None = None


def _ordered(found: dict[str, str], origin: str, version: str | None) -> MigrationSet:
    if not found:
        raise NoMigrationsError(f"no migrations found in {origin}")
    return MigrationSet(
        origin=origin,
        migrations=tuple(Migration(name, found[name]) for name in sorted(found)),
        extras_version=version,
    )


def migrations_from_dir(path: Path) -> MigrationSet:
    """A directory holding ``<name>/migration.sql`` folders (Prisma's layout)."""
    if not path.is_dir():
        raise BadInputError(f"{path}: not a directory of migrations")
    found = {p.parent.name: read_bounded_text(p, max_bytes=MAX_SQL_BYTES, what="migration")
             for p in sorted(path.glob("*/migration.sql"))}
    return _ordered(found, str(path), None)


def installed_migrations() -> MigrationSet:
    """The migrations of the ``litellm-proxy-extras`` installed next to nemoctl."""
    try:
        dist = metadata.distribution(EXTRAS_PACKAGE)
    except metadata.PackageNotFoundError:
        raise BadInputError(
            f"{EXTRAS_PACKAGE} is not installed",
            hint="install litellm[proxy], or give a version: nemoctl db verify --migrations X.Y.Z",
        ) from None
    found: dict[str, str] = {}
    for file in dist.files or ():
        name = _migration_name(str(file))
        if name is not None:
            found[name] = Path(str(dist.locate_file(file))).read_text(encoding="utf-8")
    return _ordered(found, f"{EXTRAS_PACKAGE} {dist.version} (installed)", dist.version)


def wheel_migrations(wheel: Path, version: str | None = None) -> MigrationSet:
    """The migrations inside a ``litellm-proxy-extras`` wheel, read without extracting."""
    from nemoctl.upstream.wheel import MAX_MEMBER_BYTES

    found: dict[str, str] = {}
    try:
        # One open for all ~200 members: reopening the zip per member costs seconds.
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                name = _migration_name(info.filename)
                if name is None:
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise BadInputError(f"{info.filename} in {wheel.name} is "
                                        f"{info.file_size} bytes; refusing to read it")
                found[name] = decode_utf8(zf.read(info), f"{info.filename} in {wheel.name}")
    except (OSError, zipfile.BadZipFile) as exc:
        raise BadInputError(f"{wheel}: not a readable wheel ({exc})") from None
    return _ordered(found, wheel.name, version)


def _migration_name(member: str) -> str | None:
    if not member.startswith(_MIGRATIONS_PREFIX) or not member.endswith("/migration.sql"):
        return None
    parts = PurePosixPath(member).parts
    return parts[-2] if len(parts) == 4 else None


def extras_version_for(litellm_version: str) -> str:
    """The ``litellm-proxy-extras`` version that ``litellm[proxy]==litellm_version`` pins."""
    requires: list[str]
    if _installed_version("litellm") == litellm_version:
        requires = metadata.distribution("litellm").requires or []
    else:
        from nemoctl.upstream import fetch_wheel, read_member

        wheel = fetch_wheel("litellm", litellm_version)
        member = f"litellm-{litellm_version}.dist-info/METADATA"
        text = read_member(wheel.path, member).decode("utf-8")
        requires = [
            line.split(":", 1)[1].strip()
            for line in text.splitlines()
            if line.lower().startswith("requires-dist:")
        ]
    for requirement in requires:
        match = _EXTRAS_PIN.match(requirement.strip())
        if match:
            return match.group(1)
    raise NoMigrationsError(
        f"litellm {litellm_version} does not pin {EXTRAS_PACKAGE} for its proxy extra",
        hint="releases before the migrations moved to litellm-proxy-extras cannot be checked",
    )


def migrations_for(litellm_version: str) -> MigrationSet:
    """The migrations that ship with ``litellm[proxy]==litellm_version``."""
    return extras_migrations(extras_version_for(litellm_version))


def extras_migrations(extras_version: str) -> MigrationSet:
    """The migrations of ``litellm-proxy-extras==extras_version`` (installed, or the
    verified wheel cache)."""
    if _installed_version(EXTRAS_PACKAGE) == extras_version:
        return installed_migrations()
    from nemoctl.upstream import fetch_wheel

    wheel = fetch_wheel(EXTRAS_PACKAGE, extras_version)
    return wheel_migrations(wheel.path, extras_version)


def _installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


@contextlib.contextmanager
def throwaway_database(server: DatabaseUrl) -> Iterator[DatabaseUrl]:
    """Create ``nemoctl_verify_<pid>_<random>`` on ``server``; drop it on exit, also on failure."""
    import psycopg
    from psycopg import sql

    # The pid tells whose database a leftover is (a killed -9 run cannot drop it).
    name = f"{_THROWAWAY_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    with connect(server) as admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot create a database on {server.redacted}: {describe_error(exc, server)}",
                hint="the user in --database-url needs the CREATEDB privilege",
            ) from None
    try:
        yield server.with_database(name)
    except BaseException as exc:
        try:
            _drop(server, name)
        except DatabaseError as drop_error:
            # Keep the original failure; say what was left behind.
            if isinstance(exc, NemoctlError):
                exc.hint = "; ".join(filter(None, [exc.hint, drop_error.message]))
        raise
    _drop(server, name)


def _drop(server: DatabaseUrl, name: str) -> None:
    import psycopg
    from psycopg import sql

    try:
        with connect(server) as admin:
            # FORCE ends sessions a failed step may have left open (PostgreSQL 13+).
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    except (psycopg.Error, DatabaseError) as exc:
        message = exc.message if isinstance(exc, DatabaseError) else describe_error(exc, server)
        raise DatabaseError(
            f"could not drop the throwaway database {name!r}: {message}",
            hint=f"drop it by hand: DROP DATABASE \"{name}\"",
        ) from None


def apply_migrations(conn: psycopg.Connection[object], migrations: MigrationSet) -> float:
    """Apply every migration in order; return the seconds it took.

    Each file runs as one simple-protocol script, as Prisma Migrate runs it, so a
    multi-statement file is atomic and a lone ``CREATE INDEX CONCURRENTLY`` is allowed.
    """
    import psycopg

    started = time.perf_counter()
    for migration in migrations.migrations:
        try:
            # bytes: the text comes from a file, never formatted with parameters.
            conn.execute(migration.sql.encode("utf-8"))
        except psycopg.Error as exc:
            raise MigrationError(
                f"migration {migration.name} from {migrations.origin} failed: "
                f"{describe_error(exc)}",
                hint="the release's migrations do not apply cleanly to an empty database",
            ) from None
    return time.perf_counter() - started
