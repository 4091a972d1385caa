"""The PR comment (``nemoctl ci`` Markdown) carries a "SQL this upgrade will run" section,
and the upgrade's migrations step blocks on an unacknowledged ERR."""

from __future__ import annotations

import pytest

from nemoctl.ci.changes import ChangeSet, PinChange, UpstreamChange
from nemoctl.ci.run import CiResult, Verification
from nemoctl.db import MigrationSet
from nemoctl.errors import BlockedError, ExitCode
from nemoctl.migrations import Policy, plan
from nemoctl.migrations.gate import GateOutcome
from nemoctl.render.ci import to_markdown
from nemoctl.upgrade.report import StepResult, UpgradeReport
from nemoctl.upgrade.steps.migrations import MigrationsResult


def test_pr_comment_has_the_sql_section(old_set: MigrationSet, new_set: MigrationSet) -> None:
    report = plan(old_set, new_set)
    upgrade = UpgradeReport(
        mode="verify", upstream="litellm", package="litellm", requested="1.106.0",
        dry_run=True, exit_code=ExitCode.OK,
        steps=(StepResult("migrations", "ok", 0.5, report.summary()),),
        migrations=MigrationsResult(GateOutcome(report)))
    change = UpstreamChange("litellm", (PinChange("litellm", "1.102.4", "1.106.0"),))
    changes = ChangeSet("main", "a" * 40, "dependabot/litellm", "b" * 40, "a" * 40, False,
                        (change,), ())
    markdown = to_markdown(CiResult(changes, (Verification(change, upgrade),), write=False,
                                    contracts=False))
    assert "#### SQL this upgrade will run" in markdown
    assert "| migrations | ✅ ok | 42 migration(s), 113 statement(s): 0 ERR, 10 WARN, 4 INFO |" \
        in markdown
    assert ("| WARN | `LOCK_ON_LARGE_TABLE` | "
            "`20260831120000_add_litellm_call_id_spend_logs/migration.sql:2` | ACCESS EXCLUSIVE "
            "on large table LiteLLM_SpendLogs: ADD COLUMN litellm_call_id text |") in markdown
    assert "<details><summary>Statements, in the order Prisma runs them</summary>" in markdown


def test_gate_outcome_blocks_with_the_first_finding(old_set: MigrationSet,
                                                    new_set: MigrationSet) -> None:
    report = plan(old_set, new_set, policy=Policy(rules={"TRIGGER_CHANGED": "ERR"}))
    outcome = GateOutcome(report)
    assert outcome.status == "ok" and outcome.detail.endswith("1 ERR, 9 WARN, 4 INFO")
    with pytest.raises(BlockedError, match=r"1 blocking migration finding\(s\): "
                       r"TRIGGER_CHANGED .*add_mcp_catalog_revision_trigger/migration.sql:11"):
        outcome.raise_if_blocking()
    skipped = GateOutcome(None, "no migrations found in litellm_proxy_extras-0.1.1.whl")
    assert skipped.status == "skipped" and skipped.to_dict() is None
    skipped.raise_if_blocking()
