"""Property: for any consumer written with the styles below and any subset of its files,
no breaking change on a column that an included file uses is ever re-levelled.

The uses are generated (style, table, column), never the verdict: the test knows only
which columns the included files name, and requires each such change to stay ERR with
``unused = "INFO"``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemoctl.config import load_config
from nemoctl.diff import diff_schemas
from nemoctl.impact import annotate, scan_project
from nemoctl.schema import Schema, parse_many
from tests.impact.conftest import schema_path
from tests.impact.styles import retyped

#: (model = table, column) pairs whose type change parses (no foreign keys, no ids).
POOL = (
    ("LiteLLM_SpendLogs", "api_base"), ("LiteLLM_SpendLogs", "cache_hit"),
    ("LiteLLM_SpendLogs", "total_tokens"), ("LiteLLM_SpendLogs", "model_group"),
    ("LiteLLM_VerificationToken", "key_alias"), ("LiteLLM_VerificationToken", "max_budget"),
    ("LiteLLM_VerificationToken", "tpm_limit"), ("LiteLLM_TeamTable", "max_budget"),
    ("LiteLLM_TeamTable", "blocked"), ("LiteLLM_BudgetTable", "tpm_limit"),
    ("LiteLLM_UserTable", "user_email"), ("LiteLLM_ErrorLogs", "exception_type"),
)

#: style → (file suffix, text naming {table} and {col})
STYLES: dict[str, tuple[str, str]] = {
    "sql-string": (".py", 'Q = \'SELECT "{col}" FROM "{table}" WHERE 1 = 1\'\n'),
    "fstring": (".py", 'T = "{table}"\nQ = f\'UPDATE "{{T}}" SET "{col}" = %s\'\n'),
    "adjacent": (".py", 'Q = (\'SELECT x."{col}" \'\n     \'FROM "{table}" x\')\n'),
    "sqlalchemy": (".py", 'import sqlalchemy as sa\nt = sa.Table("{table}", sa.MetaData(), '
                          'sa.Column("{col}"))\n'),
    "declarative": (".py", 'class Row(Base):\n    __tablename__ = "{table}"\n'
                           '    {col}: Mapped[str]\n'),
    "supabase-py": (".py", 'def q(c):\n    return c.table("{table}").select("{col}").execute()\n'),
    "upsert": (".py", 'TABLE = "{table}"\n\ndef up(stmt):\n    return stmt.on_conflict_do_update('
                      'index_elements=["{col}"])\n'),
    "view": (".sql", 'CREATE VIEW v AS SELECT s."{col}" FROM "{table}" s;\n'),
    "trigger": (".sql", 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n'
                        '  IF NEW."{col}" IS NULL THEN RETURN NULL; END IF;\n'
                        '  RETURN NEW;\nEND\n$$;\n'
                        'CREATE TRIGGER t BEFORE INSERT ON "{table}" FOR EACH ROW '
                        'EXECUTE FUNCTION f();\n'),
    "select-star": (".sql", 'CREATE VIEW w AS SELECT * FROM "{table}";\n'),
}

uses = st.lists(st.tuples(st.sampled_from(sorted(STYLES)), st.sampled_from(POOL)),
                min_size=1, max_size=6)


@pytest.fixture(scope="module")
def schemas(real: dict[str, Schema]) -> tuple[Schema, Schema]:
    text = schema_path("1.102.4").read_text(encoding="utf-8")
    (broken,) = parse_many([(retyped(text, list(POOL)), "broken")])
    return real["1.102.4"], broken


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(uses=uses, keep=st.lists(st.booleans(), min_size=6, max_size=6))
def test_no_change_on_a_used_column_is_relevelled(
        uses: list[tuple[str, tuple[str, str]]], keep: list[bool],
        schemas: tuple[Schema, Schema]) -> None:
    old, new = schemas
    root = Path(tempfile.mkdtemp(prefix="never-relevel-"))
    try:
        (root / "pyproject.toml").write_text(
            '[project]\nname = "c"\nversion = "0"\n[tool.nemoctl.impact]\nunused = "INFO"\n')
        used: set[tuple[str, str]] = set()
        named: set[str] = set()
        for index, (style, (table, col)) in enumerate(uses):
            suffix, template = STYLES[style]
            path = root / "src" / f"f{index}{suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_text(template.format(table=table, col=col), encoding="utf-8")
            if keep[index]:
                used.add((table, col))
                named.add(table)
            else:
                path.unlink()  # the subset: this file is not in the scanned tree
        config = load_config(root)
        usage = scan_project(config, [old, new], cache=False)
        report = annotate(diff_schemas(old, new), usage, config)
        for change in report.changes:
            if change.rule_id == "FIELD_TYPE_CHANGED" and (change.model, change.field) in used:
                assert (change.severity, change.original_severity) == ("ERR", None), (
                    change.model, change.field, change.usage, uses, keep)
                assert change.usage in ("used", "possibly used")
                if not any(s == "select-star" for s, _ in uses):
                    # Every other style names its column: a use, not a guess.
                    assert change.usage == "used", (change.model, change.field, uses, keep)
        # A column of a table no included file names is re-levelled: sound is not
        # "everything is possibly used".
        for change in report.changes:
            if change.rule_id == "FIELD_TYPE_CHANGED" and change.model not in named:
                assert (change.severity, change.original_severity) == ("INFO", "ERR"), (
                    change.model, change.field, change.usage, uses, keep)
    finally:
        shutil.rmtree(root, ignore_errors=True)
