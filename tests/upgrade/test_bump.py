"""Pin edits keep every other byte of pyproject.toml and requirements files."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from nemoctl.errors import BadInputError
from nemoctl.upgrade.bump import coupled_versions, plan_bump
from tests.support.pkgindex import build_fake_litellm, build_wheel

PYPROJECT = """\
# top comment
[project]
name = "consumer"   # the name
version = "0.1.0"
dependencies = [
    "httpx>=0.27",  # http
    # exact pin, moved by nemoctl
    'litellm[proxy]==1.102.4',   # literal string, trailing comment
]

[project.optional-dependencies]
proxy = ["litellm-proxy-extras==0.4.97", "rich"]

[dependency-groups]
upstream = [
  "litellm[proxy] == 1.102.4 ; python_version >= '3.11'",
  "litellm-proxy-extras==0.4.97",
]

[tool.poetry.dependencies]
python = "^3.11"
litellm = { version = "==1.102.4", extras = ["proxy"] }  # inline table
litellm-proxy-extras = "0.4.97"

[tool.poetry.group.dev.dependencies]
litellm = "1.102.4"
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]


def test_every_pin_location_moves_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    edits, files = plan_bump(
        tmp_path, {"litellm": "1.106.0", "litellm-proxy-extras": "0.4.108"}
    )
    after = files[tmp_path / "pyproject.toml"].decode()
    changed = changed_lines(PYPROJECT, after)
    removed = [line[1:] for line in changed if line.startswith("-")]
    added = [line[1:] for line in changed if line.startswith("+")]
    assert removed == [
        "    'litellm[proxy]==1.102.4',   # literal string, trailing comment",
        'proxy = ["litellm-proxy-extras==0.4.97", "rich"]',
        "  \"litellm[proxy] == 1.102.4 ; python_version >= '3.11'\",",
        '  "litellm-proxy-extras==0.4.97",',
        'litellm = { version = "==1.102.4", extras = ["proxy"] }  # inline table',
        'litellm-proxy-extras = "0.4.97"',
        'litellm = "1.102.4"',
    ]
    assert added == [
        line.replace("1.102.4", "1.106.0").replace("0.4.97", "0.4.108") for line in removed
    ]
    assert {e.location for e in edits} == {
        "pyproject.toml:project.dependencies[1]",
        "pyproject.toml:project.optional-dependencies.proxy[0]",
        "pyproject.toml:dependency-groups.upstream[0]",
        "pyproject.toml:dependency-groups.upstream[1]",
        "pyproject.toml:tool.poetry.dependencies.litellm",
        "pyproject.toml:tool.poetry.dependencies.litellm-proxy-extras",
        "pyproject.toml:tool.poetry.group.dev.dependencies.litellm",
    }


def test_requirements_lines_keep_crlf_and_markers(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    original = (
        b"# pins\r\nhttpx==0.27.0\r\nlitellm[proxy]==1.102.4 ; python_version >= '3.11'  # up\r\n"
    )
    (tmp_path / "requirements.txt").write_bytes(original)
    edits, files = plan_bump(tmp_path, {"litellm": "1.106.0"})
    assert files[tmp_path / "requirements.txt"] == original.replace(b"1.102.4", b"1.106.0")
    assert [e.location for e in edits] == ["requirements.txt:3"]
    assert tmp_path / "pyproject.toml" not in files


def test_hashed_requirements_are_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (tmp_path / "requirements.txt").write_text(
        "litellm==1.102.4 \\\n    --hash=sha256:" + "0" * 64 + "\n"
    )
    with pytest.raises(BadInputError, match="--hash"):
        plan_bump(tmp_path, {"litellm": "1.106.0"})


def test_coupled_version_comes_from_the_wheel_metadata(tmp_path: Path) -> None:
    wheel = build_fake_litellm(tmp_path, "1.106.0", "// schema\n", proxy_extras_version="0.4.108")
    assert coupled_versions(wheel, ["proxy"], ["litellm-proxy-extras"]) == {
        "litellm-proxy-extras": "0.4.108"
    }
    # A requirement under another extra, or not exact, does not count.
    other = build_wheel(
        tmp_path / "o", "litellm", "2.0.0", {"litellm/__init__.py": ""},
        extras={"dev": ["litellm-proxy-extras==9"], "proxy": ["litellm-proxy-extras>=1"]},
    )
    assert coupled_versions(other, ["proxy"], ["litellm-proxy-extras"]) == {}
