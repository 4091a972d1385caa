"""Verify that a PostgreSQL database matches the pinned Prisma schema.

``verify_database`` reads a live database (read-only); ``verify_migrations``
builds a throwaway database from LiteLLM's own SQL migrations, verifies it, and
drops it.  Both return a :class:`DbReport`.  See ``docs/db.md``.
"""

from nemoctl.db._run import (
    Timings,
    VerifyRun,
    verify_database,
    verify_installed_release,
    verify_migrations,
)
from nemoctl.db._sacred import load_sacred_keys
from nemoctl.db._schema_source import (
    SchemaSource,
    schema_for_version,
    schema_from_spec,
    snapshot_or_installed,
)
from nemoctl.db._url import (
    DatabaseError,
    DatabaseUrl,
    connect,
    describe_error,
    parse_url,
    redact_text,
    redact_url,
)
from nemoctl.db.introspect import LiveColumn, LiveSchema, LiveTable, introspect
from nemoctl.db.migrations import (
    Migration,
    MigrationError,
    MigrationSet,
    NoMigrationsError,
    apply_migrations,
    extras_migrations,
    extras_version_for,
    installed_migrations,
    migrations_for,
    migrations_from_dir,
    throwaway_database,
    wheel_migrations,
)
from nemoctl.db.report import DbFinding, DbReport, SacredStatus
from nemoctl.db.rows import prepare_connection, read_rows
from nemoctl.db.verify import expected_column, verify

__all__ = [
    "DatabaseError",
    "DatabaseUrl",
    "DbFinding",
    "DbReport",
    "LiveColumn",
    "LiveSchema",
    "LiveTable",
    "Migration",
    "MigrationError",
    "MigrationSet",
    "NoMigrationsError",
    "SacredStatus",
    "SchemaSource",
    "Timings",
    "VerifyRun",
    "apply_migrations",
    "connect",
    "describe_error",
    "expected_column",
    "extras_migrations",
    "extras_version_for",
    "installed_migrations",
    "introspect",
    "load_sacred_keys",
    "migrations_for",
    "migrations_from_dir",
    "parse_url",
    "prepare_connection",
    "read_rows",
    "redact_text",
    "redact_url",
    "schema_for_version",
    "schema_from_spec",
    "snapshot_or_installed",
    "throwaway_database",
    "verify",
    "verify_database",
    "verify_installed_release",
    "verify_migrations",
    "wheel_migrations",
]
