"""Every parser boundary has limits; a rejected input is skipped or exit 2 (issue 29, class 2).

Families of hostile inputs per parser: Python's ``ast`` (nesting that overflows the
parser's stack or the tree walk, NUL bytes, undecodable bytes, a lying coding line),
the TypeScript compiler (deep nesting, binary), pglast (binary, NUL, deep nesting, a
directory or FIFO named ``migration.sql``, an oversized file), TOML (nesting that
overflows ``tomllib``'s recursion) and version strings (10,000 digits).  Never exit 70,
never a traceback, and each run is bounded in time.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

DEEP = 200_000

#: Python sources a careless or hostile contributor may commit.
PYTHON = {
    "unary_200k.py": b"x = " + b"-" * DEEP + b"1\n",
    "unary_5k.py": b"x = " + b"-" * 5_000 + b"1\n",  # parses; its tree is deeper than the walk
    "parens.py": b"x = " + b"(" * 5_000 + b"1" + b")" * 5_000 + b"\n",
    "annotation.py": b"x: '" + b"-" * DEEP + b"1' = 1\n",
    "nul.py": b"x = 1\x00\n",
    "binary.py": bytes(range(256)) * 64,
    "coding.py": b"# -*- coding: klingon -*-\nx = 1\n",
    "latin1.py": b"# -*- coding: utf-8 -*-\nx = '\xe9'\n",
}
TYPESCRIPT = {
    "unary.ts": b"export const x = " + b"- " * DEEP + b"1;\n",
    "parens.ts": b"export const x = " + b"(" * 50_000 + b"1" + b")" * 50_000 + b";\n",
    "binary.ts": bytes(range(256)) * 64,
}
SQL = {
    "binary.sql": bytes(range(256)) * 64,
    "deep.sql": b"SELECT " + b"(" * 100_000 + b"1" + b")" * 100_000 + b";\n",
    "nul.sql": b"SELECT 1;\x00 DROP TABLE x;\n",
}


def test_impact_skips_every_hostile_source_file(cli, adopted: Path) -> None:  # type: ignore[no-untyped-def]
    src = adopted / "app"
    src.mkdir()
    for name, data in {**PYTHON, **TYPESCRIPT, **SQL}.items():
        (src / name).write_bytes(data)
    (src / "good.py").write_text("from nemoctl_models import LiteLLM_SpendLogs\n\n"
                                 "def f(row: LiteLLM_SpendLogs) -> float:\n"
                                 "    return row.spend\n")
    started = time.monotonic()
    result = cli(["impact", "--format", "json"], cwd=adopted)
    elapsed = time.monotonic() - started
    assert result.code == 0, result.text[-2000:]
    assert "Traceback" not in result.text
    assert elapsed < 120
    report = json.loads(result.out)
    scan = report["scan"]
    listed = {s["path"] for s in scan["unparseable"]} | {s["path"] for s in scan["skipped"]}
    must_skip = {"unary_200k.py", "unary_5k.py", "parens.py", "nul.py", "binary.py",
                 "coding.py", "binary.sql", "deep.sql", "nul.sql", "binary.ts"}
    # The deep TypeScript files parse (the scanner runs the compiler on a 256 MB stack):
    # every file is either scanned or listed, none silently dropped.
    assert scan["files_scanned"] >= len(PYTHON) + len(TYPESCRIPT) + len(SQL) + 1 - len(listed)
    assert {f"app/{n}" for n in must_skip} <= listed, listed
    # The good file is still scanned: a hostile neighbour costs nothing but itself.
    used = json.dumps(report)
    assert "app/good.py" in used


def _migrations(root: Path, bad: dict[str, bytes | str]) -> Path:
    base = root / "migs"
    ok = base / "20240101000000_init"
    ok.mkdir(parents=True)
    (ok / "migration.sql").write_text('CREATE TABLE "t" ("id" TEXT PRIMARY KEY);\n')
    for name, data in bad.items():
        d = base / f"20240102000000_{name}"
        d.mkdir()
        target = d / "migration.sql"
        if data == "dir":
            target.mkdir()
        elif data == "fifo":
            os.mkfifo(target)
        elif data == "huge":
            with open(target, "wb") as fh:
                fh.truncate(64 * 1024 * 1024)  # sparse: costs no disk
        else:
            assert isinstance(data, bytes)
            target.write_bytes(data)
    return base


MIGRATIONS: dict[str, bytes | str] = {
    **{k.removesuffix(".sql"): v for k, v in SQL.items()},
    "latin1": "ALTER TABLE \"t\" ADD COLUMN \"caf\xe9\" TEXT;\n".encode("latin-1"),
    "deep_do": (b"DO $$ BEGIN " + b"IF true THEN " * 5_000 + b"NULL; "
                + b"END IF; " * 5_000 + b"END $$;\n"),
    "dir": "dir",
    "fifo": "fifo",
    "huge": "huge",
}


@pytest.mark.parametrize("case", sorted(MIGRATIONS))
def test_migrations_plan_never_crashes_on_a_hostile_migration(cli, project: Path,  # type: ignore[no-untyped-def]
                                                              case: str) -> None:
    old = project / "old"
    (old / "20240101000000_init").mkdir(parents=True)
    (old / "20240101000000_init" / "migration.sql").write_text(
        'CREATE TABLE "t" ("id" TEXT PRIMARY KEY);\n')
    new = _migrations(project, {case: MIGRATIONS[case]})
    started = time.monotonic()
    result = cli(["migrations", "plan", "--from", str(old), "--to", str(new)], cwd=project)
    assert time.monotonic() - started < 60
    assert "Traceback" not in result.text
    assert result.code in (0, 1, 2, 4), (result.code, result.text[-1500:])
    if case in ("binary", "latin1", "dir", "fifo", "huge"):
        assert result.code == 2, result.text[-1500:]
        assert f"20240102000000_{case}" in result.text
    if case == "nul":
        # libpg_query stops at a NUL: the DROP after it must not pass unseen as "clean".
        assert result.code != 0 and "NUL" in result.text, result.text[-1500:]


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "inline"])
def test_deeply_nested_toml_is_bad_input(cli, project: Path, depth: int, shape: str) -> None:  # type: ignore[no-untyped-def]
    value = ("[" * depth + "]" * depth) if shape == "array" else (
        "{a = " * depth + "1" + "}" * depth)
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write(f"\n[tool.deep]\nx = {value}\n")
    for args in (["check"], ["init", "--dry-run"], ["impact"]):
        result = cli(args, cwd=project)
        assert result.code == 2, (args, result.text[-800:])
        assert "nested too deeply" in result.text, (args, result.text[-800:])


@pytest.mark.parametrize("version", ["9" * 10_000, "1." + "0" * 5_000, "1" * 129,
                                     "1.2.3" + "a" * 200])
def test_contracts_matrix_refuses_a_hostile_version_before_any_work(  # type: ignore[no-untyped-def]
        cli, project: Path, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from nemoctl.contracts import envs, matrix

    built: list[str] = []
    for module in (envs, matrix):
        monkeypatch.setattr(module, "ensure_env", lambda v, *a, **k: built.append(v),
                            raising=False)
    result = cli(["contracts", "matrix", "1.2.0", version], cwd=project)
    assert result.code == 2, result.text[-800:]
    assert "Traceback" not in result.text
    assert built == []
    assert len(result.text) < 2_000  # the version is abbreviated, never echoed whole


def test_hostile_versions_in_a_lockfile_or_index_are_not_crashes() -> None:
    from nemoctl._versions import parse_version, same_version

    assert parse_version("9" * 10_000) is None
    assert parse_version("1" * 129) is None
    assert parse_version("1.2.3") is not None
    assert same_version("9" * 10_000, "9" * 10_000)
    assert not same_version("9" * 10_000, "1.0")
