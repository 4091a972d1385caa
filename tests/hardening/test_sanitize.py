"""Control characters from schema text never reach the terminal, a PR comment or an
annotation raw; JSON keeps the exact value; oversized schema files are refused fast."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from nemoctl.sanitize import escape_controls, has_controls, markdown_cell
from tests.hardening.conftest import SCHEMA

# Prisma string escapes: the parser decodes them, so the datamodel holds raw ESC/BEL.
HOSTILE = SCHEMA.replace('@@map("spend_logs")',
                         '@@map("spend\\u001b]0;owned\\u0007\\u001b[2J_logs")').replace(
    "model_group String?", 'model_group String? @map("mg\\u001b[31m\\u202e")')


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    (tmp_path / "old.prisma").write_text(SCHEMA)
    (tmp_path / "new.prisma").write_text(HOSTILE)
    return tmp_path


def test_schema_show_escapes_controls(cli, cache: Path, schemas: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli(["schema", "show", "new.prisma"], cwd=schemas)
    assert result.code == 0, result.text
    assert not has_controls(result.text, keep_newlines=True)
    assert "spend\\x1b]0;owned\\x07\\x1b[2J_logs" in result.out
    model = cli(["schema", "show", "new.prisma", "--model", "LiteLLM_SpendLogs"], cwd=schemas)
    assert model.code == 0, model.text
    assert "mg\\x1b[31m\\u202e" in model.out and not has_controls(model.text, keep_newlines=True)


@pytest.mark.parametrize("fmt", ["human", "markdown", "github"])
def test_diff_outputs_escape_controls(cli, cache: Path, schemas: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(["diff", "--from", "old.prisma", "--to", "new.prisma", "--format", fmt,
                  "--fail-on", "ERR"], cwd=schemas)
    assert result.code in (0, 1, 4), result.text
    assert "\\x1b" in result.out, result.out
    assert not has_controls(result.text, keep_newlines=True), result.out


def test_diff_json_keeps_the_exact_value(cli, cache: Path, schemas: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli(["diff", "--from", "old.prisma", "--to", "new.prisma", "--format", "json"],
                 cwd=schemas)
    data = json.loads(result.out)
    afters = {c.get("after") for c in data["changes"]}
    assert "spend\x1b]0;owned\x07\x1b[2J_logs" in afters and "mg\x1b[31m\u202e" in afters


def test_prisma_error_text_escapes_a_raw_escape_byte(cli, cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.prisma").write_text("model A {\n  id String @id \x1b[2J\x07 oops\n}\n")
    result = cli(["schema", "show", "bad.prisma"], cwd=tmp_path)
    assert result.code == 2, result.text
    assert "bad.prisma" in result.err and "\\x1b[2J" in result.err
    assert not has_controls(result.text, keep_newlines=True)


def test_oversized_schema_is_refused_before_parsing(cli, cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.prisma"
    big.write_text(SCHEMA + "/// padding\n" * 300_000)  # ~3.6 MB
    started = time.perf_counter()
    result = cli(["schema", "show", "big.prisma"], cwd=tmp_path)
    assert result.code == 2, result.text
    assert "nemoctl parses schemas up to 2 MiB" in result.err
    assert time.perf_counter() - started < 2


def test_escape_rules() -> None:
    assert escape_controls("a\x1b[31mb\x07\n\tc\u202e") == "a\\x1b[31mb\\x07\n\tc\\u202e"
    assert escape_controls("plain \u2013 ünïcode") == "plain \u2013 ünïcode"
    assert markdown_cell("a|b\nc\x1b") == "a\\|b c\\x1b"
