"""Every row of docs/exit-codes.md is produced by a real run, and 70 means a bug only.

``PRODUCERS`` maps each documented code to the test that produces it; the walker
test reads the table in the docs and fails when a row has no producer (or a
producer names a code the docs do not list).
"""

from __future__ import annotations

import ast
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import typer

from nemoctl.errors import ExitCode
from tests.hardening.conftest import SACRED, SCHEMA, SCHEMA_NEXT, Result, tree, write_project

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "exit-codes.md"

#: code -> "file::test" that produces it (tests in this file, or elsewhere when the
#: set-up is heavy and already exists).
PRODUCERS = {
    0: "tests/hardening/test_exit_codes.py::test_0_ok",
    1: "tests/hardening/test_exit_codes.py::test_1_findings",
    2: "tests/hardening/test_exit_codes.py::test_2_bad_input",
    # The same run proves index credentials are masked in its "searched:" message.
    3: "tests/hardening/test_redaction.py::test_index_credentials_are_masked_in_searched_messages",
    4: "tests/hardening/test_exit_codes.py::test_4_blocked",
    5: "tests/contracts/test_cli_and_render.py::test_broken_contract_exits_5_and_names_it",
    6: "tests/hardening/test_exit_codes.py::test_6_busy_names_the_holder_command",
    7: "tests/hardening/test_exit_codes.py::test_7_environment_unwritable_cache",
    8: "tests/impact/test_typecheck_gate.py::"
       "test_real_tsc_failure_fails_the_upgrade_and_restores_everything",
    70: "tests/hardening/test_exit_codes.py::test_70_only_for_a_bug",
    130: "tests/hardening/test_exit_codes.py::test_130_interrupted",
}


def documented_codes() -> set[int]:
    """The codes in the first table of docs/exit-codes.md (``| 2 | `BAD_INPUT` | ...``)."""
    codes: set[int] = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].isdigit() and cells[1].startswith("`"):
            codes.add(int(cells[0]))
    return codes


def test_every_documented_code_has_a_producing_test() -> None:
    documented = documented_codes()
    assert documented == {int(c) for c in ExitCode}, "docs and ExitCode disagree"
    assert documented == set(PRODUCERS), (documented ^ set(PRODUCERS))
    for code, node in PRODUCERS.items():
        path, name = node.split("::")
        module = ast.parse((REPO / path).read_text(encoding="utf-8"))
        funcs = {f.name: f for f in ast.walk(module) if isinstance(f, ast.FunctionDef)}
        assert name in funcs, f"{node} (producer of {code}) does not exist"
        source = ast.unparse(funcs[name])
        member = ExitCode(code).name
        assert str(code) in source or member in source, f"{node} never checks {code}"


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.text
    assert "This is a bug" not in result.text


def test_0_ok(cli, cache: Path, project: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli(["schema", "show", "1.2.0"], cwd=project)
    assert result.code == 0, result.text
    assert "LiteLLM_SpendLogs" in result.out and "spend_logs" in result.out


def test_1_findings(cli, tmp_path: Path, cache: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "old.prisma").write_text(SCHEMA_NEXT)
    (tmp_path / "new.prisma").write_text(SCHEMA)
    result = cli(["diff", "--from", "old.prisma", "--to", "new.prisma", "--fail-on", "INFO"],
                 cwd=tmp_path)
    assert result.code == ExitCode.FINDINGS, result.text
    assert "model_group" in result.out


def test_2_bad_input(cli, tmp_path: Path, cache: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "svc", nemoctl='generated-dir = ["generated"]')
    before = tree(root)
    result = cli(["generate"], cwd=root)
    assert result.code == ExitCode.BAD_INPUT, result.text
    assert "tool.nemoctl.generated-dir: expected a string, got array" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert tree(root) == before
    _no_traceback(result)


def test_4_blocked(cli, tmp_path: Path, cache: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "svc", sacred=SACRED)
    (root / "old.prisma").write_text(SCHEMA)
    (root / "new.prisma").write_text(SCHEMA_NEXT)
    result = cli(["diff", "--from", "old.prisma", "--to", "new.prisma"], cwd=root)
    assert result.code == ExitCode.BLOCKED, result.text
    assert "model_group" in result.out


def test_6_busy_names_the_holder_command(  # type: ignore[no-untyped-def]
    cli, cache: Path, project: Path
) -> None:
    from nemoctl.repolock import repo_lock

    held = repo_lock(project, command="generate")
    try:
        result = cli(["generate"], cwd=project)
    finally:
        held.release()
    assert result.code == ExitCode.BUSY, result.text
    assert "another nemoctl generate (pid " in result.err
    assert "upgrade" not in result.err.split("\n")[0]


def test_7_environment_unwritable_cache(  # type: ignore[no-untyped-def]
    cli, empty_cache: Path, project: Path, readonly
) -> None:
    readonly(empty_cache)
    result = cli(["schema", "show", "1.2.0"], cwd=project)
    assert result.code == ExitCode.ENVIRONMENT, result.text
    assert result.err.startswith("error: cannot use ") and str(empty_cache) in result.err
    assert "Operation not permitted" in result.err or "Permission denied" in result.err
    assert "NEMOCTL_CACHE_DIR" in result.err
    _no_traceback(result)


def test_7_environment_read_only_project(  # type: ignore[no-untyped-def]
    cli, cache: Path, project: Path, readonly
) -> None:
    readonly(project)
    result = cli(["generate"], cwd=project)
    assert result.code == ExitCode.ENVIRONMENT, result.text
    assert str(project) in result.err
    _no_traceback(result)


@pytest.mark.parametrize("where", ["generated", "generated/typescript"])
def test_2_generated_dir_that_is_a_file(  # type: ignore[no-untyped-def]
    cli, cache: Path, tmp_path: Path, where: str
) -> None:
    root = write_project(tmp_path / "svc")
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    (root / where).write_text("not a directory\n")
    before = tree(root)
    started = time.perf_counter()
    result = cli(["generate"], cwd=root)
    assert result.code == ExitCode.BAD_INPUT, result.text
    assert result.err.startswith(f"error: {where} is a file, but nemoctl writes ")
    assert time.perf_counter() - started < 5  # refused before rendering
    assert tree(root) == before
    _no_traceback(result)


@pytest.mark.parametrize("version", ["1" * 10_000, "1." + "2" * 300, "1.2.3" + "a" * 251])
def test_2_absurd_versions(cli, cache: Path, project: Path, version: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(["schema", "show", version], cwd=project)
    assert result.code == ExitCode.BAD_INPUT, result.text
    assert "is not a valid version" in result.err
    assert len(result.err) < 300  # the spec is abbreviated, not echoed whole
    _no_traceback(result)


def test_70_only_for_a_bug(capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A genuine bug (an exception nothing classifies) is the only road to 70."""
    from nemoctl.cli._common import run_command

    app = typer.Typer()

    @app.command()
    def broken() -> None:
        {}["missing"]

    monkeypatch.setattr(sys, "argv", ["nemoctl"])
    with pytest.raises(SystemExit) as exited:
        run_command(app)
    assert exited.value.code == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "internal error (KeyError)" in err and "This is a bug in nemoctl" in err
    assert "Traceback" not in err


def _silent_server() -> tuple[socket.socket, threading.Event, threading.Event]:
    """A 127.0.0.1 listener that accepts and never answers: pip waits on it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop, reached = threading.Event(), threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
                reached.set()
            except OSError:
                continue
        for conn in held:
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return server, stop, reached


def test_130_interrupted(cache: Path, project: Path) -> None:
    server, stop, reached = _silent_server()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/simple"
    env = {"PIP_INDEX_URL": url, "PIP_TIMEOUT": "60", "PIP_RETRIES": "0", "NO_COLOR": "1"}
    import os

    proc = subprocess.Popen(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", "schema", "show", "1.2.0"],
        cwd=project, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Interrupt only once the run is waiting on the index (past every import).
        assert reached.wait(120), "nemoctl never reached the index"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        stop.set()
        server.close()
    assert proc.returncode == ExitCode.INTERRUPTED, (out, err)
    assert "interrupted" in err and "Traceback" not in err


def test_2_check_with_disagreeing_pins(cli, cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "svc")
    (root / "requirements.txt").write_text("litellm==1.3.0\n")
    result = cli(["check", "--offline"], cwd=root)
    assert result.code == ExitCode.BAD_INPUT, result.text
    assert "pinned to different versions" in result.out


def test_2_check_with_malformed_sacred_fields(cli, cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "svc", sacred="[[field]\nmodel = ", snapshot=SCHEMA)
    result = cli(["check", "--offline", "--format", "json"], cwd=root)
    assert result.code == ExitCode.BAD_INPUT, result.text
    import json

    sacred = next(c for c in json.loads(result.out)["checks"] if c["name"] == "sacred")
    assert sacred["bad_input"] is True and "sacred_fields.toml" in sacred["problems"][0]


def test_2_snapshot_errors_name_the_snapshot_file(cli, cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = SCHEMA.replace("  spend       Float   @default(0.0)\n",
                            "  spend       Flaot   @default(0.0)\n")
    root = write_project(tmp_path / "svc", snapshot=broken)
    result = cli(["generate"], cwd=root)
    assert result.code == ExitCode.BAD_INPUT, result.text
    assert "schemas/schema.prisma" in result.err and "litellm 1.2.0" not in result.err
