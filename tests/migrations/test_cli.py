"""``nemoctl migrations plan`` in a consumer project: formats, exit codes, configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nemoctl.cli import app
from nemoctl.db import MigrationSet
from nemoctl.errors import ConfigError
from tests.migrations.conftest import write_dir


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory, old_set: MigrationSet,
         new_set: MigrationSet) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("sets")
    return write_dir(root / "old", old_set), write_dir(root / "new", new_set)


def _project(tmp_path: Path, table: str = "") -> Path:
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "consumer"\nversion = "0"\n\n[tool.nemoctl]\n' + table)
    return project


def _run(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["migrations", "plan", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def test_json_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     dirs: tuple[Path, Path]) -> None:
    code, out = _run(_project(tmp_path), monkeypatch, "--from", str(dirs[0]), "--to",
                     str(dirs[1]), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["exit_code"] == 0 and data["blocking"] is False
    assert data["counts"] == {"ERR": 0, "WARN": 10, "INFO": 4, "acknowledged": 0}
    assert len(data["pending"]) == 42
    spend = [f for f in data["findings"] if f["table"] == "LiteLLM_SpendLogs"]
    assert {(f["rule_id"], f["line"]) for f in spend} == {("LOCK_ON_LARGE_TABLE", 2),
                                                          ("LOCK_ON_LARGE_TABLE", 7)}
    assert spend[0]["hint"].startswith("Run the upgrade with a lock_timeout")


def test_fail_on_warn_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              dirs: tuple[Path, Path]) -> None:
    code, _ = _run(_project(tmp_path), monkeypatch, "--from", str(dirs[0]), "--to",
                   str(dirs[1]), "--format", "json", "--fail-on", "WARN")
    assert code == 1


def test_configured_severity_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    dirs: tuple[Path, Path]) -> None:
    project = _project(tmp_path, '[tool.nemoctl.migrations]\n'
                                 'rules = { INDEX_NOT_CONCURRENT = "ERR" }\n'
                                 'large-tables = []\n')
    code, out = _run(project, monkeypatch, "--from", str(dirs[0]), "--to", str(dirs[1]),
                     "--format", "github")
    assert code == 4
    lines = out.splitlines()
    assert ("::error file=20260915000000_scope_jwt_key_mapping_by_issuer/migration.sql,"
            "line=15,title=INDEX_NOT_CONCURRENT::CREATE INDEX "
            "LiteLLM_JWTKeyMapping_jwt_issuer_jwt_claim_name_jwt_claim_v_idx on "
            "LiteLLM_JWTKeyMapping without CONCURRENTLY (blocks writes for the build)") in lines
    assert not any("LiteLLM_SpendLogs" in line and "LOCK_ON" in line for line in lines)
    assert lines[-1].startswith("::notice title=nemoctl migrations::42 migration(s)")


def test_markdown_lists_the_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                dirs: tuple[Path, Path]) -> None:
    code, out = _run(_project(tmp_path), monkeypatch, "--from", str(dirs[0]), "--to",
                     str(dirs[1]), "--format", "markdown")
    assert code == 0
    assert out.startswith("## SQL this upgrade will run\n")
    assert ("| `20261001100000_rename_lens` | 3 | RENAME LiteLLM_Engine → LiteLLM_Lens "
            "[DO block] | LiteLLM_Engine | ACCESS EXCLUSIVE (blocks reads and writes) |") in out
    assert ("| `20260831120000_add_litellm_call_id_spend_logs` | 2 | ADD COLUMN litellm_call_id "
            "text | LiteLLM_SpendLogs | ACCESS EXCLUSIVE (blocks reads and writes) |") in out


def test_unknown_rule_in_config_is_a_config_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  dirs: tuple[Path, Path]) -> None:
    project = _project(tmp_path, '[tool.nemoctl.migrations]\nrules = { NO_SUCH_RULE = "ERR" }\n')
    with pytest.raises(ConfigError, match="unknown rule 'NO_SUCH_RULE'"):
        _run(project, monkeypatch, "--from", str(dirs[0]), "--to", str(dirs[1]))


def test_bad_table_rows_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     dirs: tuple[Path, Path]) -> None:
    from nemoctl.errors import BadInputError

    with pytest.raises(BadInputError, match="expected TABLE=N"):
        _run(_project(tmp_path), monkeypatch, "--to", str(dirs[1]), "--table-rows", "x")


_ENGINE_SNAPSHOT = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model LiteLLM_Engine {
  id      String @id
  version Int    @default(0)
  data    Json
}
"""


def test_the_usage_scan_feeds_the_cross_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              old_set: MigrationSet,
                                              new_set: MigrationSet) -> None:
    """With ``[tool.nemoctl.impact]`` on, the project's own SQL that reads a table a
    migration renames is an ERR naming the consumer's line (no caller-built map)."""
    before = {m.name for m in old_set.migrations} | {"20260930000000_agent_engine"}
    partial = MigrationSet("partial", tuple(m for m in new_set.migrations if m.name in before))
    sets = tmp_path / "sets"
    old_dir, new_dir = write_dir(sets / "old", partial), write_dir(sets / "new", new_set)
    project = _project(tmp_path, "\n[tool.nemoctl.impact]\n")
    (project / "schemas").mkdir()
    (project / "schemas" / "schema.prisma").write_text(_ENGINE_SNAPSHOT)
    views = project / "supabase" / "migrations"
    views.mkdir(parents=True)
    (views / "001_engines.sql").write_text(
        "-- the dashboard's view\nCREATE VIEW engines AS\n"
        '  SELECT id, version FROM "LiteLLM_Engine";\n')
    code, out = _run(project, monkeypatch, "--from", str(old_dir), "--to", str(new_dir),
                     "--format", "json")
    data = json.loads(out)
    used = [f for f in data["findings"] if f["rule_id"] == "USED_OBJECT_CHANGED"]
    assert [(f["migration"], f["line"], f["severity"]) for f in used] == [
        ("20261001100000_rename_lens", 3, "ERR")]
    locations = used[0]["used_at"]
    assert locations and all(loc.startswith("supabase/migrations/001_engines.sql:3")
                             for loc in locations)
    assert code == 4 and data["blocking"] is True
