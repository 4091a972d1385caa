"""docs/migrations.md stays in step with the rule registry."""

from __future__ import annotations

import re
from pathlib import Path

from nemoctl.migrations import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "migrations.md"


def test_every_rule_is_documented_with_severity_rationale_and_fix() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `([A-Z_]+)` \| (ERR|WARN|INFO) \|", text, re.M))
    assert documented == {rule_id: rule.severity for rule_id, rule in RULES.items()}
    for rule in RULES.values():
        assert rule.rationale in text and rule.fix in text
