"""Unreachable servers and bad credentials: a clear error, exit 2, no password, no traceback."""

from __future__ import annotations

import socket

import pytest

from nemoctl.db import DatabaseError, DatabaseUrl, parse_url, verify_database
from nemoctl.schema import Schema
from tests.db.conftest import PINNED_SCHEMA, run_cli

SECRET = "Sup3r-s3cret-pw"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_a_database_error_without_password(pinned_schema: Schema) -> None:
    url = parse_url(f"postgresql://gw:{SECRET}@127.0.0.1:{_closed_port()}/litellm")
    with pytest.raises(DatabaseError) as info:
        verify_database(url, pinned_schema, schema_source="pinned")
    assert info.value.exit_code == 2
    assert "cannot connect" in str(info.value)
    assert "refused" in str(info.value).lower()
    assert SECRET not in str(info.value)
    assert info.value.hint and "running" in info.value.hint


def test_unknown_role_is_a_database_error_without_password(
    server: DatabaseUrl, pinned_schema: Schema
) -> None:
    url = parse_url(server.conninfo.replace("postgres@", f"no_such_role:{SECRET}@", 1))
    with pytest.raises(DatabaseError) as info:
        verify_database(url, pinned_schema, schema_source="pinned")
    assert "no_such_role" in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("case", ["refused", "bad-role", "bad-database"])
def test_cli_connection_failures_exit_2_and_never_print_the_password(
    case: str, server: DatabaseUrl
) -> None:
    urls = {
        "refused": f"postgresql://gw:{SECRET}@127.0.0.1:{_closed_port()}/litellm",
        "bad-role": server.conninfo.replace("postgres@", f"no_such_role:{SECRET}@", 1),
        "bad-database": server.with_database("nemoctl_no_such_db").conninfo.replace(
            "postgres@", f"postgres:{SECRET}@", 1),
    }
    for args, env in (
        (("--database-url", urls[case]), {}),
        ((), {"DATABASE_URL": urls[case]}),
        (("--migrations", "1.102.4", "--database-url", urls[case]), {}),
    ):
        result = run_cli("db", "verify", "--schema", str(PINNED_SCHEMA), *args, env=env)
        assert result.returncode == 2, (args, result.stderr)
        assert "error:" in result.stderr and "cannot connect" in result.stderr
        assert SECRET not in result.stdout + result.stderr
        assert "***" in result.stderr
        assert "Traceback" not in result.stderr


def test_cli_without_a_database_says_what_to_pass() -> None:
    result = run_cli("db", "verify", "--schema", str(PINNED_SCHEMA))
    assert result.returncode == 2
    assert "--database-url" in result.stderr


def test_cli_rejects_a_non_postgres_url() -> None:
    result = run_cli("db", "verify", "--database-url", f"mysql://u:{SECRET}@h/db",
                     "--schema", str(PINNED_SCHEMA))
    assert result.returncode == 2
    assert SECRET not in result.stderr


def test_unknown_prisma_schema_parameter_is_a_clear_error(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    url = parse_url(migrated_copy.conninfo + "?schema=no_such_namespace")
    with pytest.raises(DatabaseError) as info:
        verify_database(url, pinned_schema, schema_source="pinned")
    assert "no schema 'no_such_namespace'" in str(info.value)


def test_prisma_schema_parameter_selects_the_namespace(
    migrated_copy: DatabaseUrl, pinned_schema: Schema
) -> None:
    from tests.db.conftest import execute

    execute(migrated_copy, 'CREATE SCHEMA gateway; CREATE TABLE gateway."LiteLLM_SpendLogs" '
                           '(request_id text PRIMARY KEY)')
    url = parse_url(migrated_copy.conninfo + "?schema=gateway")
    report = verify_database(url, pinned_schema, schema_source="pinned").report
    assert report.namespace == "gateway"
    missing = {f.table for f in report.findings if f.rule_id == "DB_TABLE_MISSING"}
    assert len(missing) == len(pinned_schema.models) - 1
    assert "LiteLLM_SpendLogs" not in missing
