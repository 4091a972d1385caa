"""Verify that a PostgreSQL database matches the pinned Prisma schema.

``verify_database`` reads a live database (read-only); ``verify_migrations``
builds a throwaway database from LiteLLM's own SQL migrations, verifies it, and
drops it.  Both return a :class:`DbReport`.  See ``docs/db.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
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

_WHERE = {
    "Timings": "_run",
    "VerifyRun": "_run",
    "verify_database": "_run",
    "verify_installed_release": "_run",
    "verify_migrations": "_run",
    "load_sacred_keys": "_sacred",
    "SchemaSource": "_schema_source",
    "schema_for_version": "_schema_source",
    "schema_from_spec": "_schema_source",
    "snapshot_or_installed": "_schema_source",
    "DatabaseError": "_url",
    "DatabaseUrl": "_url",
    "connect": "_url",
    "describe_error": "_url",
    "parse_url": "_url",
    "redact_text": "_url",
    "redact_url": "_url",
    "LiveColumn": "introspect",
    "LiveSchema": "introspect",
    "LiveTable": "introspect",
    "introspect": "introspect",
    "Migration": "migrations",
    "MigrationError": "migrations",
    "MigrationSet": "migrations",
    "NoMigrationsError": "migrations",
    "apply_migrations": "migrations",
    "extras_migrations": "migrations",
    "extras_version_for": "migrations",
    "installed_migrations": "migrations",
    "migrations_for": "migrations",
    "migrations_from_dir": "migrations",
    "throwaway_database": "migrations",
    "wheel_migrations": "migrations",
    "DbFinding": "report",
    "DbReport": "report",
    "SacredStatus": "report",
    "prepare_connection": "rows",
    "read_rows": "rows",
    "expected_column": "verify",
    "verify": "verify",
}

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

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
