"""Moved to :mod:`nemoctl.config.migrations` (the configuration layer declares every
table); kept so imports written against the old path work."""

from nemoctl.config.migrations import (
    DEFAULT_LARGE_TABLES,
    MigrationsTable,
    Policy,
    policy_from_table,
)

__all__ = ["DEFAULT_LARGE_TABLES", "MigrationsTable", "Policy", "policy_from_table"]
