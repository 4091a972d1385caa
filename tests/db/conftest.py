"""Fixtures on the machine's real PostgreSQL (127.0.0.1:5432; `.ci/run` starts it).

These tests never skip: CI guarantees the server, so an unreachable one is a
loud failure, not a silent pass.  Every database they create is a throwaway
``nemoctl_test_*`` / ``nemoctl_verify_*`` database, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from nemoctl.db import (
    DatabaseUrl,
    apply_migrations,
    connect,
    installed_migrations,
    parse_url,
)
from nemoctl.schema import Schema, parse_file

ROOT = Path(__file__).resolve().parents[2]
PINNED_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "1.102.4" / "schema.prisma"
SERVER_URL = os.environ.get(
    "NEMOCTL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)

#: The fields the gateway joins and bills on (model, field) — the sacred ones for these tests.
SACRED = (
    ("LiteLLM_DailyUserSpend", "prompt_tokens"),
    ("LiteLLM_OrganizationTable", "organization_id"),
    ("LiteLLM_SpendLogs", "custom_llm_provider"),
    ("LiteLLM_SpendLogs", "model_group"),
    ("LiteLLM_SpendLogs", "organization_id"),
    ("LiteLLM_SpendLogs", "spend"),
)


@pytest.fixture(scope="session")
def server() -> DatabaseUrl:
    url = parse_url(SERVER_URL)
    try:
        with psycopg.connect(url.conninfo, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {url.redacted}: {exc}. The database tests need "
            "the machine's server on 127.0.0.1:5432 (`.ci/run` starts it).",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def pinned_schema() -> Schema:
    return parse_file(PINNED_SCHEMA)


@pytest.fixture(scope="session")
def migrated_template(server: DatabaseUrl) -> Iterator[DatabaseUrl]:
    """One database built from the pinned migrations, used as a template for copies."""
    with scratch_database(server) as url:
        with connect(url) as conn:
            apply_migrations(conn, installed_migrations())
        yield url


@contextlib.contextmanager
def scratch_database(server: DatabaseUrl, template: DatabaseUrl | None = None
                  ) -> Iterator[DatabaseUrl]:
    """A new ``nemoctl_test_*`` database (a file-level copy of ``template``), always dropped."""
    name = "nemoctl_test_" + secrets.token_hex(5)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template.database))
    with connect(server) as admin:
        admin.execute(statement)
    try:
        yield server.with_database(name)
    finally:
        with connect(server) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@pytest.fixture
def migrated_copy(server: DatabaseUrl, migrated_template: DatabaseUrl) -> Iterator[DatabaseUrl]:
    with scratch_database(server, migrated_template) as url:
        yield url


def execute(url: DatabaseUrl, statement: str) -> None:
    with connect(url) as conn:
        conn.execute(statement.encode())


def leftover_databases(server: DatabaseUrl, pid: int | None = None) -> list[str]:
    """Throwaway databases still present that ``pid`` (default: this process) created."""
    prefix = f"nemoctl\\_verify\\_{os.getpid() if pid is None else pid}\\_%"
    with connect(server) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname", (prefix,)
        ).fetchall()
    return [str(r[0]) for r in rows]


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    pid: int


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update({"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
    return full_env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from nemoctl.cli import main; main()", *args]


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> CliResult:
    """The real command line, in a subprocess, so exit codes and stderr are the user's."""
    with subprocess.Popen(cli_command(*args), cwd=cwd, env=cli_env(env), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        stdout, stderr = proc.communicate(timeout=300)
    return CliResult(proc.returncode, stdout, stderr, proc.pid)
