"""The findings kernel: one registry of unique IDs, generated docs, one severity order."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nemoctl.cli import app
from nemoctl.errors import ConfigError
from nemoctl.findings import (
    Acknowledgement,
    Acknowledgements,
    RuleSpec,
    SurfaceReport,
    apply_acknowledgements,
    make_finding,
    register,
)
from nemoctl.findings.catalogue import RULE_MODULES, check_rule_overrides, load_all
from nemoctl.findings.severity import SEVERITY_ORDER, at_least, severity_rank
from nemoctl.findings.spec import DuplicateRuleError, get_rule
from nemoctl.render.rules import markdown

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules registered by a test vanish after it (the real registry is left alone)."""
    import nemoctl.findings.spec as spec_module

    load_all()
    monkeypatch.setattr(spec_module, "_REGISTRY", dict(spec_module._REGISTRY))


def test_every_surface_registers_into_one_registry_with_unique_ids() -> None:
    specs = load_all()
    ids = [s.id for s in specs]
    assert len(ids) == len(set(ids))
    assert {s.surface for s in specs} >= {"schema", "migrations", "db"}
    for spec in specs:
        assert spec.summary and spec.rationale and spec.fix, spec.id


def test_a_second_rule_with_a_taken_id_is_refused(scratch_registry: None) -> None:
    with pytest.raises(DuplicateRuleError, match="COLUMN_DROPPED"):
        register(RuleSpec("COLUMN_DROPPED", "api", "ERR", "s", "r", "f"))


def test_the_catalogue_names_every_module_that_registers_rules() -> None:
    registering = set()
    for path in (REPO / "nemoctl").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {n.func.id for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        if "RuleSpec" in calls and "register" in calls and "findings" not in path.parts:
            registering.add(".".join(path.relative_to(REPO).with_suffix("").parts))
    assert registering and registering <= set(RULE_MODULES)


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    written = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == markdown(load_all()), \
        "docs/rules.md is stale: uv run nemoctl rules --format markdown > docs/rules.md"


def test_db_verify_emits_only_registered_ids_at_their_default_severity() -> None:
    tree = ast.parse((REPO / "nemoctl" / "db" / "verify.py").read_text(encoding="utf-8"))
    load_all()
    pairs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) >= 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2]):
            rule_id, severity = node.args[0].value, node.args[1].value
            if isinstance(rule_id, str) and rule_id.startswith("DB_"):
                pairs.add((rule_id, severity))
    assert len(pairs) >= 10
    for rule_id, severity in pairs:
        spec = get_rule(rule_id)
        assert spec is not None and spec.surface == "db", rule_id
        assert severity == spec.severity, rule_id


def test_one_severity_order() -> None:
    assert SEVERITY_ORDER == ("ERR", "WARN", "INFO")
    assert sorted(["INFO", "ERR", "WARN"], key=severity_rank, reverse=True) == list(
        SEVERITY_ORDER)
    assert at_least("ERR", "WARN") and not at_least("INFO", "WARN")


def test_rules_lists_every_surface_as_json() -> None:
    result = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    rules = json.loads(result.stdout)["rules"]
    assert {r["surface"] for r in rules} >= {"schema", "migrations", "db"}
    assert len({r["id"] for r in rules}) == len(rules)
    by_id = {r["id"]: r for r in rules}
    assert by_id["SQL_TABLE_RENAMED"]["formerly"] == ["TABLE_RENAMED"]
    assert by_id["UNIQUE_REMOVED"]["fix"].startswith("Replace upserts")


@pytest.mark.parametrize(("rule_id", "surface", "text"), [
    ("COLUMN_DROPPED", "migrations", "Stop reading the column"),
    ("UNIQUE_REMOVED", "schema", "@@unique([jwt_claim_name, jwt_claim_value])"),
    ("DB_COLUMN_MISSING", "db", "neither acknowledged nor re-levelled"),
])
def test_rules_explain_prints_why_what_to_do_and_an_example(
        rule_id: str, surface: str, text: str) -> None:
    result = CliRunner().invoke(app, ["rules", "explain", rule_id.lower()])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{rule_id}  ({surface}/")
    assert "Why it matters:" in result.stdout and "What to do:" in result.stdout
    assert text in result.stdout


def test_rules_explain_of_an_unknown_id_is_bad_input_with_a_suggestion() -> None:
    nemoctl = Path(sys.executable).parent / "nemoctl"
    result = subprocess.run([str(nemoctl), "rules", "explain", "COLUMN_DROPED"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "did you mean COLUMN_DROPPED" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_retired_id_keeps_working_with_a_note(scratch_registry: None) -> None:
    register(RuleSpec("FIELD_GONE", "schema", "ERR", "old name", "r", "f",
                      replaced_by="FIELD_REMOVED"))
    notes = check_rule_overrides({"FIELD_GONE": "WARN"}, "[tool.nemoctl.rules]")
    assert notes == ["[tool.nemoctl.rules]: rule FIELD_GONE is now FIELD_REMOVED; rename it "
                     "(the old ID keeps working for now)"]
    from nemoctl.diff.engine import resolve_severities

    assert resolve_severities({"FIELD_GONE": "WARN"})["FIELD_REMOVED"] == "WARN"
    ack = Acknowledgement("0123456789abcdef", "ok", rule="FIELD_GONE")
    assert ack.names("FIELD_REMOVED") and not ack.names("FIELD_ADDED")


def test_unknown_and_db_ids_in_rule_config_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown rule 'NO_SUCH_RULE'"):
        check_rule_overrides({"NO_SUCH_RULE": "WARN"}, "[tool.nemoctl.rules]")
    with pytest.raises(ConfigError, match="cannot be re-levelled"):
        check_rule_overrides({"DB_COLUMN_MISSING": "WARN"}, "[tool.nemoctl.rules]")


def test_a_surface_report_derives_its_verdict_and_applies_acks(scratch_registry: None) -> None:
    register(RuleSpec("TEST_THING_GONE", "api", "ERR", "s", "r", "do this"))
    register(RuleSpec("TEST_THING_ODD", "api", "WARN", "s", "r", "do that"))
    gone = make_finding("TEST_THING_GONE", message="gone", key_parts=("litellm.x",))
    odd = make_finding("TEST_THING_ODD", message="odd", key_parts=("litellm.y",),
                       severities={"TEST_THING_ODD": "INFO"})
    assert odd.severity == "INFO" and odd.default_severity == "WARN"
    report = SurfaceReport("api", (gone, odd))
    assert report.blocking and int(report.exit_code()) == 4
    assert report.to_dict()["findings"][0]["hint"] == "do this"
    acked, statuses = apply_acknowledgements(
        report.findings, Acknowledgements((Acknowledgement(gone.fingerprint, "fine"),)),
        today=date(2026, 12, 6), surfaces=("api",))
    after = SurfaceReport("api", acked, acknowledgements=statuses)
    assert not after.blocking and int(after.exit_code("INFO")) == 1
    assert after.counts() == {"ERR": 0, "WARN": 0, "INFO": 1, "acknowledged": 1}
    assert [s.state for s in statuses] == ["used"]


def test_rule_config_reaches_the_migration_gate(tmp_path: Path) -> None:
    from nemoctl.migrations.config import Policy
    from nemoctl.migrations.gate import with_global_severities

    policy = with_global_severities(Policy(rules={"DATA_DELETED": "WARN"}),
                                    {"COLUMN_DROPPED": "WARN", "DATA_DELETED": "ERR",
                                     "TABLE_RENAMED": "INFO"})
    # The migration table wins for its own entries; TABLE_RENAMED is the schema's rule.
    assert dict(policy.rules) == {"COLUMN_DROPPED": "WARN", "DATA_DELETED": "WARN"}
