"""`db verify --migrations`: LiteLLM's own SQL migrations, applied to a throwaway database."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from nemoctl.db import (
    DatabaseUrl,
    MigrationError,
    MigrationSet,
    extras_version_for,
    installed_migrations,
    migrations_for,
    migrations_from_dir,
    throwaway_database,
    verify_migrations,
)
from nemoctl.errors import ExitCode
from nemoctl.schema import Schema, parse_text
from tests.db.conftest import (
    PINNED_SCHEMA,
    SACRED,
    cli_command,
    cli_env,
    leftover_databases,
    run_cli,
)
from tests.support.pkgindex import LocalIndex, build_fake_litellm, build_wheel


def test_installed_migrations_are_ordered_by_directory_name() -> None:
    found = installed_migrations()
    names = [m.name for m in found.migrations]
    assert names == sorted(names)
    assert names[0] == "20250326162113_baseline"
    assert len(names) >= 170
    assert found.extras_version == "0.4.97"


def test_pinned_litellm_pins_the_installed_extras() -> None:
    assert extras_version_for("1.102.4") == "0.4.97"
    assert migrations_for("1.102.4").origin == "litellm-proxy-extras 0.4.97 (installed)"


def test_full_history_applies_and_matches_the_pinned_schema(
    server: DatabaseUrl, pinned_schema: Schema
) -> None:
    run = verify_migrations(server, installed_migrations(), pinned_schema,
                            schema_source="pinned", sacred=SACRED)
    assert run.report.findings == ()
    assert run.report.migrations_applied == len(installed_migrations().migrations)
    assert all(s.state == "ok" for s in run.report.sacred)
    assert run.timings.apply_s > 0
    assert leftover_databases(server) == []


def test_throwaway_database_is_dropped_on_failure(server: DatabaseUrl) -> None:
    with pytest.raises(RuntimeError), throwaway_database(server) as url:
        assert url.database in leftover_databases(server)
        raise RuntimeError("boom")
    assert leftover_databases(server) == []


def _write_migrations(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text(text)
    return root


def test_failing_migration_is_named_and_database_dropped(
    tmp_path: Path, server: DatabaseUrl, pinned_schema: Schema
) -> None:
    found = migrations_from_dir(_write_migrations(tmp_path / "m", {
        "20250101000000_ok": 'CREATE TABLE "t" (id int);',
        "20250102000000_broken": 'ALTER TABLE "missing_table" ADD COLUMN x int;',
    }))
    with pytest.raises(MigrationError) as info:
        verify_migrations(server, found, pinned_schema, schema_source="pinned")
    assert "20250102000000_broken" in str(info.value)
    assert "missing_table" in str(info.value)
    assert info.value.exit_code is ExitCode.BLOCKED
    assert leftover_databases(server) == []


def test_cli_clean_verify_of_pinned_migrations(server: DatabaseUrl) -> None:
    result = run_cli("db", "verify", "--migrations", "1.102.4", "--database-url",
                     server.conninfo, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["findings"] == []
    assert data["migrations"]["applied"] >= 170
    assert data["migrations"]["source"] == "litellm-proxy-extras 0.4.97 (installed)"
    assert data["schema"]["source"] == "litellm 1.102.4 (installed)"
    assert leftover_databases(server, result.pid) == []


def test_cli_migration_failure_exits_4_without_traceback(
    tmp_path: Path, server: DatabaseUrl
) -> None:
    root = _write_migrations(tmp_path / "m", {"20250101000000_bad": "CREATE TABLE (;"})
    result = run_cli("db", "verify", "--migrations-dir", str(root), "--schema",
                     str(PINNED_SCHEMA), "--database-url", server.conninfo)
    assert result.returncode == 4
    assert "20250101000000_bad" in result.stderr
    assert "Traceback" not in result.stderr
    assert leftover_databases(server, result.pid) == []


# A release whose migrations and schema disagree on a sacred field, served from a
# local index like a real one: litellm X pins litellm-proxy-extras Y, which ships
# the SQL.  The schema says spend is Float; the migration creates it as INTEGER.
_RELEASE_SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model LiteLLM_SpendLogs {
  request_id      String  @id
  spend           Float   @default(0.0)
  organization_id String?
}
"""

_GOOD_SQL = (
    'CREATE TABLE "LiteLLM_SpendLogs" ("request_id" TEXT NOT NULL, '
    '"spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0, '
    'CONSTRAINT "LiteLLM_SpendLogs_pkey" PRIMARY KEY ("request_id"));'
)


def _release(out: Path, litellm: str, extras: str, spend_sql: str) -> None:
    build_fake_litellm(out, litellm, _RELEASE_SCHEMA, proxy_extras_version=extras)
    build_wheel(out, "litellm-proxy-extras", extras, {
        "litellm_proxy_extras/__init__.py": "",
        "litellm_proxy_extras/migrations/20250101000000_init/migration.sql": _GOOD_SQL,
        "litellm_proxy_extras/migrations/20250201000000_org/migration.sql":
            'ALTER TABLE "LiteLLM_SpendLogs" ADD COLUMN "organization_id" TEXT;',
        "litellm_proxy_extras/migrations/20250301000000_spend/migration.sql": spend_sql,
        "litellm_proxy_extras/migrations/migration_lock.toml": 'provider = "postgresql"\n',
    })


@pytest.fixture
def release_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalIndex:
    wheels = tmp_path / "wheels"
    _release(wheels, "9.1.0", "0.9.1", "SELECT 1;")
    _release(wheels, "9.2.0", "0.9.2",
             'ALTER TABLE "LiteLLM_SpendLogs" ALTER COLUMN "spend" TYPE INTEGER;')
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    return LocalIndex(wheels)


def test_migrations_of_another_release_come_from_its_extras_wheel(
    release_index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    with release_index as index:
        for key, value in index.pip_env().items():
            monkeypatch.setenv(key, value)
        assert extras_version_for("9.1.0") == "0.9.1"
        found: MigrationSet = migrations_for("9.1.0")
    assert found.extras_version == "0.9.1"
    assert [m.name for m in found.migrations] == [
        "20250101000000_init", "20250201000000_org", "20250301000000_spend"]


def test_cli_catches_a_release_whose_migrations_break_a_sacred_field(
    tmp_path: Path, release_index: LocalIndex, server: DatabaseUrl
) -> None:
    project = tmp_path / "project"
    (project / "schemas").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "gw"\nversion = "0"\ndependencies = ["litellm[proxy]==9.1.0"]\n'
    )
    (project / "schemas" / "sacred_fields.toml").write_text(
        '[[field]]\nmodel = "LiteLLM_SpendLogs"\nfield = "spend"\ntype = "Float"\n'
        'owner = "billing"\nreason = "per-request cost"\n'
    )
    with release_index as index:
        env = {**index.pip_env(), "NEMOCTL_CACHE_DIR": str(tmp_path / "cache")}
        good = run_cli("db", "verify", "--migrations", "pinned", "--database-url",
                       server.conninfo, "--format", "json", cwd=project, env=env)
        bad = run_cli("db", "verify", "--migrations", "9.2.0", "--database-url",
                      server.conninfo, "--format", "json", cwd=project, env=env)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["sacred"][0]["state"] == "ok"
    assert bad.returncode == 4, bad.stderr
    data = json.loads(bad.stdout)
    assert data["blocking"] is True
    assert data["schema"]["source"] == "litellm 9.2.0"
    finding = data["findings"][0]
    assert (finding["rule_id"], finding["field"], finding["sacred"]) == (
        "DB_COLUMN_TYPE", "spend", True)
    assert finding["actual"] == "integer NOT NULL"
    assert leftover_databases(server, good.pid) == leftover_databases(server, bad.pid) == []
    # The schema in the extras wheel is not consulted: the release's litellm schema is.
    assert parse_text(_RELEASE_SCHEMA).model("LiteLLM_SpendLogs") is not None


def test_interrupted_run_exits_130_and_drops_its_database(
    tmp_path: Path, server: DatabaseUrl
) -> None:
    root = _write_migrations(tmp_path / "m", {"20250101000000_slow": "SELECT pg_sleep(60);"})
    args = cli_command("db", "verify", "--migrations-dir", str(root), "--schema",
                       str(PINNED_SCHEMA), "--database-url", server.conninfo)
    with subprocess.Popen(args, env=cli_env(), text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        try:
            deadline = time.monotonic() + 60
            while not leftover_databases(server, proc.pid):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the throwaway database never appeared"
                time.sleep(0.1)
            time.sleep(0.5)  # inside pg_sleep now
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert leftover_databases(server, proc.pid) == []


def test_verify_installed_release_for_contract_suites(server: DatabaseUrl) -> None:
    from nemoctl.db import verify_installed_release

    run = verify_installed_release(server, sacred=SACRED)
    assert run.report.findings == ()
    assert run.report.schema_source == "litellm 1.102.4 (installed)"
    assert run.report.migrations_source == "litellm-proxy-extras 0.4.97 (installed)"
    assert leftover_databases(server) == []
