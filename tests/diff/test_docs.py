"""The user docs stay in step with the code: every rule and every exit code is documented."""

from __future__ import annotations

import re

from nemoctl.diff import RULES
from nemoctl.errors import ExitCode
from tests.diff.conftest import REPO


def test_every_rule_is_documented_with_its_severity_and_rationale() -> None:
    text = (REPO / "docs" / "diff.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `([A-Z_]+)` \| (ERR|WARN|INFO) \|", text, re.M))
    assert documented == {rule_id: rule.severity for rule_id, rule in RULES.items()}
    for rule in RULES.values():
        assert rule.rationale in text


def test_every_exit_code_is_documented() -> None:
    text = (REPO / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", text, re.M))
    assert documented == {str(int(code)): code.name for code in ExitCode}
