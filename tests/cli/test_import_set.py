"""What each fast path imports: regressions in start-up cost fail here, not in a timing.

Each command runs as a whole process (as a pre-commit hook or an editor would run
it) and reports ``sys.modules`` at exit.  The heavy libraries are allowed only on
paths that use them: rich renders human tables, httpx talks to an index, pip reads
its configuration on a cold cache, pydantic backs the SDK and generated models (the
configuration and the parse cache are checked by :mod:`nemoctl.tables`, without it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "schemas"

_RUNNER = """
import atexit, json, sys
out = sys.argv[1]
sys.argv = ["nemoctl", *sys.argv[2:]]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from nemoctl.cli import main
main()
"""

HEAVY = ("rich", "pydantic", "httpx", "git", "datamodel_code_generator", "pip", "psycopg",
         "tomlkit", "pglast", "uv")


def _modules(tmp_path: Path, *args: str, cwd: Path = ROOT) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", _RUNNER, str(out), *args], cwd=cwd,
                          env=dict(os.environ), capture_output=True, text=True,
                          timeout=120, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, set(json.loads(out.read_text()))


def _heavy(modules: set[str], *, allow: tuple[str, ...] = ()) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY
                  and m.split(".")[0] not in allow)


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_help_and_version_import_only_the_cli(tmp_path: Path, args: list[str]) -> None:
    rc, modules = _modules(tmp_path, *args)
    assert rc in (0, 2)  # no arguments shows the help and exits 2 (usage)
    assert _heavy(modules) == []
    ours = sorted(m for m in modules if m.split(".")[0] == "nemoctl")
    # nemoctl.redact: every command's output goes through it (stdlib only).
    allowed = {"nemoctl", "nemoctl._version", "nemoctl.errors", "nemoctl.redact", "nemoctl.cli",
               "nemoctl.cli._common", "nemoctl.cli._coerce"}
    # --help lists every command, so it may import the (light) command modules.
    assert [m for m in ours if m not in allowed and not m.startswith("nemoctl.cli.")] == []


def test_one_command_imports_only_its_own_module(tmp_path: Path) -> None:
    _rc, modules = _modules(tmp_path, "check", "--help")
    commands = sorted(m for m in modules if m.startswith("nemoctl.cli.")
                      and m not in ("nemoctl.cli._common", "nemoctl.cli._coerce"))
    assert commands == ["nemoctl.cli.check"]
    assert _heavy(modules) == []


def test_check_imports_no_heavy_library(tmp_path: Path) -> None:
    # Warm once (the render cache may be cold on a fresh machine), then measure.
    _modules(tmp_path, "check", "--offline")
    rc, modules = _modules(tmp_path, "check", "--offline")
    assert rc in (0, 1, 2)
    assert _heavy(modules) == []
    # A package's __init__ loads nothing eagerly (nemoctl._lazy): reading the migration
    # policy must not load the SQL parser, nor the supply-chain check the index client.
    assert {"nemoctl.migrations.plan", "nemoctl.upstream.index", "nemoctl.db._run",
            "nemoctl.upgrade.pipeline", "nemoctl.contracts.runner"}.isdisjoint(modules)


def test_generate_check_imports_no_heavy_library(tmp_path: Path) -> None:
    _modules(tmp_path, "generate", "--check")
    rc, modules = _modules(tmp_path, "generate", "--check")
    assert rc in (0, 1)
    assert _heavy(modules) == []


def test_machine_readable_prisma_diff_imports_no_heavy_library(tmp_path: Path) -> None:
    a = str(FIXTURES / "1.102.4" / "schema.prisma")
    b = str(FIXTURES / "1.106.0" / "schema.prisma")
    _modules(tmp_path, "diff", "--from", a, "--to", b, "--format", "json")
    rc, modules = _modules(tmp_path, "diff", "--from", a, "--to", b, "--format", "json")
    assert rc in (0, 1, 4)
    assert _heavy(modules) == []

