"""The migration gate: the SQL a LiteLLM upgrade will run on the shared database.

    from nemoctl.migrations import plan, read_live, rehearse
    report = plan(migrations_for("1.102.4"), migrations_for("1.106.0"))
    report.findings        # named rules (docs/migrations.md), re-levelable
    report.blocking        # an unacknowledged ERR, or a sacred field touched

See ``docs/migrations.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.config.migrations import DEFAULT_LARGE_TABLES, Policy, policy_from_table
    from nemoctl.migrations.live import read_live
    from nemoctl.migrations.plan import CrossCheck, plan, sha256
    from nemoctl.migrations.report import (
        Finding,
        LiveState,
        MigrationReport,
        PlannedMigration,
        Rehearsal,
        RehearsedMigration,
        TableSize,
    )
    from nemoctl.migrations.rules import RULES, Rule
    from nemoctl.migrations.statements import Action, ParsedMigration, Statement, parse_migration

_WHERE = {
    "DEFAULT_LARGE_TABLES": "config",
    "Policy": "config",
    "policy_from_table": "config",
    "read_live": "live",
    "CrossCheck": "plan",
    "plan": "plan",
    "sha256": "plan",
    "Finding": "report",
    "LiveState": "report",
    "MigrationReport": "report",
    "PlannedMigration": "report",
    "Rehearsal": "report",
    "RehearsedMigration": "report",
    "TableSize": "report",
    "RULES": "rules",
    "Rule": "rules",
    "Action": "statements",
    "ParsedMigration": "statements",
    "Statement": "statements",
    "parse_migration": "statements",
}

__all__ = [
    "DEFAULT_LARGE_TABLES",
    "RULES",
    "Action",
    "CrossCheck",
    "Finding",
    "LiveState",
    "MigrationReport",
    "ParsedMigration",
    "PlannedMigration",
    "Policy",
    "Rehearsal",
    "RehearsedMigration",
    "Rule",
    "Statement",
    "TableSize",
    "parse_migration",
    "plan",
    "policy_from_table",
    "read_live",
    "sha256",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
