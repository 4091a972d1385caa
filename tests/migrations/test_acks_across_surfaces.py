"""One acknowledged.toml for every surface: each command reports each ack as used where
it applies and never as unused where it does not (the findings kernel's ack engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nemoctl.cli import app
from nemoctl.db import MigrationSet
from nemoctl.findings.acks import Acknowledgements, judge_acknowledgements, parse_acknowledgements
from nemoctl.migrations import plan
from tests.diff.conftest import fixture_path
from tests.migrations.conftest import write_dir

# From the real 1.102.4 → 1.106.0 pair: the diff's UNIQUE_REMOVED on LiteLLM_JWTKeyMapping,
# and the migration gate's rename of LiteLLM_Engine (reported as TABLE_RENAMED before rule
# IDs became unique across surfaces; the fingerprint still hashes that ID).
DIFF_ACK = ("071261fbf9658d50", "UNIQUE_REMOVED")


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory, old_set: MigrationSet,
         new_set: MigrationSet) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("sets")
    return write_dir(root / "old", old_set), write_dir(root / "new", new_set)


def _rename_fingerprint(old_set: MigrationSet, new_set: MigrationSet) -> str:
    renames = [f for f in plan(old_set, new_set).findings if f.rule_id == "SQL_TABLE_RENAMED"]
    return renames[0].fingerprint


def _consumer(tmp_path: Path, acks: str) -> Path:
    project = tmp_path / "consumer"
    (project / "schemas").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "consumer"\nversion = "0"\n\n[tool.nemoctl]\n')
    (project / "schemas" / "acknowledged.toml").write_text(acks)
    return project


def _json(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, object]:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _states(data: dict[str, object]) -> dict[str, str]:
    acks = data["acknowledgements"]
    assert isinstance(acks, list)
    return {a["fingerprint"]: a["state"] for a in acks}


@pytest.mark.parametrize("migration_rule", ["SQL_TABLE_RENAMED", "TABLE_RENAMED"])
def test_each_command_uses_its_own_ack_and_leaves_the_other_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dirs: tuple[Path, Path],
        old_set: MigrationSet, new_set: MigrationSet, migration_rule: str) -> None:
    rename = _rename_fingerprint(old_set, new_set)
    project = _consumer(tmp_path, (
        f'[[ack]]\nfingerprint = "{DIFF_ACK[0]}"\nrule = "{DIFF_ACK[1]}"\n'
        'reason = "we do not upsert JWT mappings"\n\n'
        f'[[ack]]\nfingerprint = "{rename}"\nrule = "{migration_rule}"\n'
        'reason = "nothing reads LiteLLM_Engine"\n'))

    diff = _json(project, monkeypatch, "diff", "--from", str(fixture_path("1.102.4")),
                 "--to", str(fixture_path("1.106.0")))
    assert _states(diff) == {DIFF_ACK[0]: "used", rename: "elsewhere"}

    migrations = _json(project, monkeypatch, "migrations", "plan", "--from", str(dirs[0]),
                       "--to", str(dirs[1]))
    assert _states(migrations) == {DIFF_ACK[0]: "elsewhere", rename: "used"}
    findings = migrations["findings"]
    assert isinstance(findings, list)
    acked = [f for f in findings if f["fingerprint"] == rename]
    assert acked and all(f["acknowledged"] for f in acked)


def test_judged_over_both_surfaces_a_stale_ack_is_unused(
        old_set: MigrationSet, new_set: MigrationSet) -> None:
    from datetime import date

    from nemoctl.diff import diff_schemas
    from nemoctl.schema import parse_many

    rename = _rename_fingerprint(old_set, new_set)
    acks = parse_acknowledgements({"ack": [
        {"fingerprint": DIFF_ACK[0], "reason": "ok"},
        {"fingerprint": rename, "reason": "ok"},
        {"fingerprint": "0123456789abcdef", "reason": "stale"},
    ]})
    old, new = parse_many([(fixture_path(v).read_text(), v) for v in ("1.102.4", "1.106.0")])
    everything = [*diff_schemas(old, new).changes, *plan(old_set, new_set).findings]
    judgement = judge_acknowledgements(everything, acks, today=date(2026, 12, 6),
                                       surfaces=("schema", "migrations", "api", "config",
                                                 "provenance"))
    assert [s.state for s in judgement.statuses] == ["used", "used", "unused"]
    # Judged by the schema surface alone, the rule-less stale ack may be another's.
    alone = judge_acknowledgements(everything, Acknowledgements(acks.items[2:]),
                                   today=date(2026, 12, 6), surfaces=("schema",))
    assert [s.state for s in alone.statuses] == ["elsewhere"]
