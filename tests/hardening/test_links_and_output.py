"""Writes through links, and output hygiene (issue 29, classes 5 and 6).

* One link rule for every writer (``nemoctl._atomic``): a link inside the project is
  kept and its target rewritten; a link (file or directory) leaving the project is
  refused before anything is written -- ``sacred suggest --write`` and the library's
  ``write_atomic`` alike;
* generated TOML is valid for any owner text (a round-trip property) and a newline in
  ``--owner`` cannot smuggle a table into sacred_fields.toml;
* file names with control characters are escaped in impact's human, Markdown and
  GitHub output.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

USES_REQUEST_ID = ("from nemoctl_models import LiteLLM_SpendLogs\n\n"
                   "def f(row: LiteLLM_SpendLogs) -> str:\n    return row.request_id\n")


@pytest.fixture
def suggesting(adopted: Path) -> Path:
    """An adopted project whose code uses a field that is not sacred yet."""
    (adopted / "app.py").write_text(USES_REQUEST_ID)
    return adopted


@pytest.mark.parametrize("how", ["file-link", "dir-link"])
def test_suggest_write_refuses_a_link_leaving_the_project(  # type: ignore[no-untyped-def]
        cli, suggesting: Path, tmp_path: Path, how: str) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    sacred = suggesting / "schemas" / "sacred_fields.toml"
    if how == "file-link":
        (outside / "sacred_fields.toml").write_bytes(sacred.read_bytes())
        sacred.unlink()
        sacred.symlink_to(outside / "sacred_fields.toml")
    else:
        for item in (suggesting / "schemas").iterdir():
            os.rename(item, outside / item.name)
        (suggesting / "schemas").rmdir()
        (suggesting / "schemas").symlink_to(outside)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    result = cli(["sacred", "suggest", "--write"], cwd=suggesting)
    assert result.code == 2, result.text
    assert "outside the project" in result.text
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


def test_suggest_write_keeps_a_link_inside_the_project(cli, suggesting: Path) -> None:  # type: ignore[no-untyped-def]
    sacred = suggesting / "schemas" / "sacred_fields.toml"
    (suggesting / "policy").mkdir()
    os.rename(sacred, suggesting / "policy" / "sacred.toml")
    sacred.symlink_to(Path("..") / "policy" / "sacred.toml")
    result = cli(["sacred", "suggest", "--write", "--owner", "team\nx = 1\n[[field]]"],
                 cwd=suggesting)
    assert result.code == 0, result.text
    assert sacred.is_symlink()
    data = tomllib.loads((suggesting / "policy" / "sacred.toml").read_text())
    added = [f for f in data["field"] if f["field"] == "request_id"]
    assert added and added[0]["owner"] == "team\nx = 1\n[[field]]"
    assert cli(["check", "--skip", "supply-chain"], cwd=suggesting).code in (0, 1)


@given(owner=st.text(max_size=40))
def test_suggested_toml_round_trips_any_owner(owner: str) -> None:
    from nemoctl.impact.suggest import Suggestion, to_toml

    proposal = Suggestion("LiteLLM_SpendLogs", "request_id", "String", 2,
                          'app/we"ird\x1b\n.py:3')
    data = tomllib.loads(to_toml((proposal,), owner))
    assert data["field"] == [{"model": "LiteLLM_SpendLogs", "field": "request_id",
                              "type": "String", "owner": owner,
                              "reason": 'used in 2 place(s), first at app/we"ird\x1b\n.py:3'}]


def test_write_atomic_follows_the_link_rule(tmp_path: Path) -> None:
    from nemoctl._atomic import write_atomic
    from nemoctl.errors import BadInputError

    root = tmp_path / "proj"
    root.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    (root / "out").symlink_to(outside)
    (root / "real.txt").write_text("old")
    (root / "in").symlink_to("real.txt")
    (root / "adir").mkdir()
    with pytest.raises(BadInputError, match="outside the project"):
        write_atomic(root / "out", b"new", root=root)
    with pytest.raises(BadInputError, match="a directory"):
        write_atomic(root / "adir", b"new", root=root)
    write_atomic(root / "in", b"new", root=root)
    assert outside.read_text() == "keep"
    assert os.readlink(root / "in") == "real.txt" and (root / "real.txt").read_text() == "new"
    write_atomic(root / "in", b"newer")  # without a root: the link is still kept
    assert (root / "in").is_symlink() and (root / "real.txt").read_text() == "newer"


@pytest.mark.parametrize("fmt", ["human", "markdown", "github"])
def test_impact_escapes_control_characters_in_paths(cli, adopted: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    (adopted / "evil\x1b]0;owned\x07\x1b[2J.py").write_text(USES_REQUEST_ID)
    (adopted / "broken\x1b[31m.py").write_text("def (:\n")
    result = cli(["impact", "--format", fmt], cwd=adopted)
    assert result.code == 0, result.text
    assert "\x1b" not in result.text and "\x07" not in result.text
    assert "\\x1b" in result.text


def test_generate_refuses_a_generated_dir_linked_outside(cli, adopted: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    import shutil

    outside = tmp_path / "shared-generated"
    shutil.move(adopted / "generated", outside)
    (adopted / "generated").symlink_to(outside)
    (outside / "typescript" / "index.d.ts").write_text("// edited\n")  # generate must rewrite
    before = {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()}
    result = cli(["generate"], cwd=adopted)
    assert result.code == 2, result.text
    assert "outside the project" in result.text
    assert {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()} == before
