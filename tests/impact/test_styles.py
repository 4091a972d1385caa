"""Every style issue 24 lists, in a consumer built in a tmp dir: the exact ``used_at``
(path, line[, column]) of each use, or the "possibly used" verdict with its reason; and
a breaking change on each such column stays at its severity with ``unused = "INFO"``."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.diff import diff_schemas
from nemoctl.diff.report import Change, DiffReport
from nemoctl.impact import annotate, scan_project
from nemoctl.impact.model import UsageMap
from nemoctl.schema import Schema, parse_many
from tests.impact.conftest import schema_path
from tests.impact.styles import CONTROL, EXPECT, Expect, column_in, line_of, retyped, write


@pytest.fixture(scope="module")
def styles_root(tmp_path_factory: pytest.TempPathFactory, generated: dict[str, bytes],
                real: dict[str, Schema]) -> Path:
    from nemoctl.codegen import supabase
    from nemoctl.codegen.options import CodegenOptions

    # The supabase-js `Database` type the frontend is written against.
    database = supabase.render_database(real["1.102.4"], CodegenOptions(), header="")
    return write(tmp_path_factory.mktemp("styles") / "repo",
                 {**generated, supabase.DATABASE_PATH: database.encode()})


@pytest.fixture(scope="module")
def broken(real: dict[str, Schema]) -> Schema:
    """1.102.4 with the type of every column under test (and the control) changed."""
    text = schema_path("1.102.4").read_text(encoding="utf-8")
    columns = sorted({(e.model, e.field) for e in EXPECT} | {CONTROL})
    (schema,) = parse_many([(retyped(text, columns), "broken")])
    return schema


@pytest.fixture(scope="module")
def scanned(styles_root: Path, real: dict[str, Schema], broken: Schema,
            scan_cache_dir: Path) -> tuple[UsageMap, DiffReport]:
    mp = pytest.MonkeyPatch()
    mp.setenv("NEMOCTL_CACHE_DIR", str(scan_cache_dir))
    try:
        config = load_config(styles_root)
        usage = scan_project(config, [real["1.102.4"], broken], cache=False)
        report = diff_schemas(real["1.102.4"], broken)
        return usage, annotate(report, usage, config)
    finally:
        mp.undo()


def _change(report: DiffReport, model: str, field: str) -> Change:
    [found] = [c for c in report.changes if c.rule_id == "FIELD_TYPE_CHANGED"
               and c.model == model and c.field == field]
    return found


@pytest.mark.parametrize("expect", EXPECT, ids=[e.style for e in EXPECT])
def test_style_is_used_or_possibly_used_and_never_relevelled(
        expect: Expect, scanned: tuple[UsageMap, DiffReport]) -> None:
    _usage, report = scanned
    change = _change(report, expect.model, expect.field)
    # Never re-levelled: the rule's own severity, whatever the policy says.
    assert (change.severity, change.original_severity) == ("ERR", None), change
    assert change.blocking
    if expect.needle is None:
        assert change.usage == "possibly used", change
        kinds = {(u.path, u.kind) for u in change.possibly_used_at}
        assert (expect.path, expect.reason) in kinds, change.possibly_used_at
        assert (change.relevel_reason or "").startswith("kept at ERR: possibly used")
        return
    line = line_of(expect.path, expect.needle)
    places = [(u.path, u.line) for u in change.used_at or ()]
    assert change.usage == "used" and (expect.path, line) in places, change.used_at
    if expect.column_of is not None:
        column = column_in(expect.path, expect.needle, expect.column_of)
        assert (expect.path, line, column) in [(u.path, u.line, u.column)
                                               for u in change.used_at or ()], change.used_at


def test_a_column_nothing_reaches_is_the_one_relevelled(
        scanned: tuple[UsageMap, DiffReport]) -> None:
    _usage, report = scanned
    control = _change(report, *CONTROL)
    assert control.usage == "unused"
    assert (control.severity, control.original_severity) == ("INFO", "ERR")


def test_possibly_used_tables_are_listed_with_their_reasons(
        scanned: tuple[UsageMap, DiffReport]) -> None:
    usage, report = scanned
    tables = usage.summary()["possibly_used_tables"]
    assert any(p.startswith("scripts/vacuum.sh:2:") and p.endswith(" text")
               for p in tables["LiteLLM_DailyUserSpend"])
    assert any(p.startswith("backend/broken.py:2:") and p.endswith(" unparsed-file")
               for p in tables["LiteLLM_AuditLog"])
    assert "LiteLLM_ModelTable" not in tables
    data = _change(report, "LiteLLM_UserTable", "user_email").to_dict()
    assert data["usage"] == "possibly used" and data["used_at"] == []
    assert data["possibly_used_at"][0]["kind"] == "select-star"
