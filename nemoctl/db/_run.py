"""The two verifications ``nemoctl db verify`` offers, end to end."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from nemoctl.db._url import DatabaseUrl, connect
from nemoctl.db.introspect import introspect
from nemoctl.db.migrations import MigrationSet, apply_migrations, throwaway_database
from nemoctl.db.report import DbReport
from nemoctl.db.verify import SacredKey, verify
from nemoctl.schema.model import Schema


@dataclass(frozen=True, slots=True)
class Timings:
    """Wall-clock seconds per step (kept out of the report, which is deterministic)."""

    apply_s: float = 0.0
    introspect_s: float = 0.0
    compare_s: float = 0.0

    @property
    def verify_s(self) -> float:
        return self.introspect_s + self.compare_s


@dataclass(frozen=True, slots=True)
class VerifyRun:
    report: DbReport
    timings: Timings


def verify_database(
    url: DatabaseUrl,
    schema: Schema,
    *,
    schema_source: str,
    sacred: Collection[SacredKey] = (),
) -> VerifyRun:
    """Compare a live database with ``schema``; the session is read-only."""
    started = time.perf_counter()
    with connect(url, read_only=True) as conn:
        live = introspect(conn, url.schema)
    read = time.perf_counter()
    report = verify(schema, live, target=url.redacted, schema_source=schema_source, sacred=sacred)
    return VerifyRun(report, Timings(introspect_s=read - started,
                                     compare_s=time.perf_counter() - read))


def verify_migrations(
    server: DatabaseUrl,
    migrations: MigrationSet,
    schema: Schema,
    *,
    schema_source: str,
    sacred: Collection[SacredKey] = (),
) -> VerifyRun:
    """Apply ``migrations`` to a throwaway database on ``server`` and verify the result."""
    with throwaway_database(server) as url:
        with connect(url) as conn:
            apply_s = apply_migrations(conn, migrations)
        started = time.perf_counter()
        with connect(url, read_only=True) as conn:
            live = introspect(conn, url.schema)
        read = time.perf_counter()
        report = verify(
            schema, live,
            target=f"a new database built from {migrations.origin}",
            schema_source=schema_source,
            sacred=sacred,
            migrations_applied=len(migrations.migrations),
            migrations_source=migrations.origin,
        )
        timings = Timings(apply_s=apply_s, introspect_s=read - started,
                          compare_s=time.perf_counter() - read)
    return VerifyRun(report, timings)


def verify_installed_release(
    server: DatabaseUrl, *, sacred: Collection[SacredKey] = ()
) -> VerifyRun:
    """The installed LiteLLM's migrations against its own schema (for contract suites,
    which run inside an environment holding exactly one release)."""
    from nemoctl.config import default_upstreams
    from nemoctl.db._schema_source import installed_schema
    from nemoctl.db.migrations import installed_migrations

    source = installed_schema(default_upstreams()["litellm"])
    return verify_migrations(server, installed_migrations(), source.schema,
                             schema_source=source.label, sacred=sacred)
