"""``[tool.nemoctl.migrations]``: rule severities, what counts as large, rehearsal sizes.

    [tool.nemoctl.migrations]
    rules = { INDEX_NOT_CONCURRENT = "ERR", WORK_OUTSIDE_MIGRATION = "INFO" }
    large-tables = ["LiteLLM_SpendLogs", "LiteLLM_ErrorLogs"]
    large-rows = 1000000        # a live table at or over this estimate is large
    large-bytes = 1073741824    # ... or at or over this total size
    rehearse-rows = 20          # seeded rows per table for --rehearse
    rehearse-table-rows = { LiteLLM_SpendLogs = 10000 }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from nemoctl.tables import Ge, MaxLen, MinLen, SeverityName, Table, key

#: LiteLLM writes one row per request here: the largest, hottest table in every
#: deployment, so it is large until configured otherwise.
DEFAULT_LARGE_TABLES = ("LiteLLM_SpendLogs",)

Count = Annotated[int, Ge(0)]
TableName = Annotated[str, MinLen(1), MaxLen(200)]


@dataclass(frozen=True)
class MigrationsTable(Table):
    """``[tool.nemoctl.migrations]`` as declared (validated like every other table)."""

    rules: dict[str, SeverityName] = key(default_factory=dict)
    large_tables: list[TableName] = key(default_factory=lambda: list(DEFAULT_LARGE_TABLES),
                                        alias="large-tables")
    large_rows: Count = key(1_000_000, alias="large-rows")
    large_bytes: Count = key(1 << 30, alias="large-bytes")
    rehearse_rows: Count = key(20, alias="rehearse-rows")
    rehearse_table_rows: dict[TableName, Count] = key(default_factory=dict,
                                                      alias="rehearse-table-rows")


@dataclass(frozen=True, slots=True)
class Policy:
    rules: Mapping[str, str] = field(default_factory=dict)
    large_tables: tuple[str, ...] = DEFAULT_LARGE_TABLES
    large_rows: int = 1_000_000
    large_bytes: int = 1 << 30
    rehearse_rows: int = 20
    rehearse_table_rows: Mapping[str, int] = field(default_factory=dict)


def policy_from_table(table: MigrationsTable | None) -> Policy:
    """The resolved policy; an unknown rule ID is a ConfigError (exit 2) at load time."""
    if table is None:
        return Policy()
    from nemoctl.findings.catalogue import check_surface_overrides

    check_surface_overrides(dict(table.rules), "migrations", "[tool.nemoctl.migrations] rules")
    return Policy(
        rules=dict(table.rules),
        large_tables=tuple(table.large_tables),
        large_rows=table.large_rows,
        large_bytes=table.large_bytes,
        rehearse_rows=table.rehearse_rows,
        rehearse_table_rows=dict(table.rehearse_table_rows),
    )
