"""Statement analysis: locks per the PostgreSQL docs, DO blocks, function bodies, bad SQL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl.db import Migration, MigrationSet
from nemoctl.migrations import parse_migration, plan
from nemoctl.migrations.locks import CONFLICTS, LOCK_MODES, blocks_reads, blocks_writes

CASES = [
    # (sql, expected (op, table, column, lock, rewrite, scan) of the first action)
    ('ALTER TABLE "t" ADD COLUMN "c" TEXT', ("add_column", "t", "c", "ACCESS EXCLUSIVE",
                                             False, False)),
    ('ALTER TABLE "t" ADD COLUMN "c" UUID NOT NULL DEFAULT gen_random_uuid()',
     ("add_column", "t", "c", "ACCESS EXCLUSIVE", True, False)),
    ('ALTER TABLE "t" ADD COLUMN "c" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP',
     ("add_column", "t", "c", "ACCESS EXCLUSIVE", False, False)),
    ('ALTER TABLE "t" ADD COLUMN "id" BIGSERIAL', ("add_column", "t", "id", "ACCESS EXCLUSIVE",
                                                   True, False)),
    ('ALTER TABLE "t" ALTER COLUMN "c" SET DATA TYPE BIGINT',
     ("alter_type", "t", "c", "ACCESS EXCLUSIVE", True, False)),
    ('ALTER TABLE "t" ALTER COLUMN "c" SET NOT NULL',
     ("set_not_null", "t", "c", "ACCESS EXCLUSIVE", False, True)),
    ('ALTER TABLE "t" DROP COLUMN "c"', ("drop_column", "t", "c", "ACCESS EXCLUSIVE", False,
                                         False)),
    ('ALTER TABLE "t" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "p"("id")',
     ("add_foreign_key", "t", "f", "SHARE ROW EXCLUSIVE", False, True)),
    ('ALTER TABLE "t" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "p"("id") NOT VALID',
     ("add_foreign_key", "t", "f", "SHARE ROW EXCLUSIVE", False, False)),
    ('ALTER TABLE "t" VALIDATE CONSTRAINT "f"',
     ("validate_constraint", "t", "f", "SHARE UPDATE EXCLUSIVE", False, True)),
    ('CREATE INDEX "i" ON "t"("c")', ("create_index", "t", "i", "SHARE", False, True)),
    ('CREATE INDEX CONCURRENTLY "i" ON "t"("c")',
     ("create_index", "t", "i", "SHARE UPDATE EXCLUSIVE", False, True)),
    ('DROP INDEX CONCURRENTLY "i"', ("drop_index", "i", "", "SHARE UPDATE EXCLUSIVE", False,
                                     False)),
    ('ALTER TABLE "t" RENAME TO "u"', ("rename_table", "t", "", "ACCESS EXCLUSIVE", False,
                                       False)),
    ('ALTER INDEX "i" RENAME TO "j"', ("rename_index", "i", "", "SHARE UPDATE EXCLUSIVE",
                                       False, False)),
    ('DROP TABLE "t"', ("drop_table", "t", "", "ACCESS EXCLUSIVE", False, False)),
    ('TRUNCATE "t"', ("truncate", "t", "", "ACCESS EXCLUSIVE", False, False)),
    ('DELETE FROM "t"', ("delete", "t", "", "ROW EXCLUSIVE", False, False)),
    ('UPDATE "t" SET "c" = 1 WHERE "id" = 2', ("update", "t", "c", "ROW EXCLUSIVE", False,
                                               False)),
    ('CREATE TRIGGER "g" AFTER INSERT ON "t" FOR EACH ROW EXECUTE PROCEDURE f()',
     ("create_trigger", "t", "g", "SHARE ROW EXCLUSIVE", False, False)),
    ("SELECT 1", ("noop", "", "", None, False, False)),
]


@pytest.mark.parametrize(("sql", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_lock_per_statement(sql: str, expected: tuple[object, ...]) -> None:
    (stmt,) = parse_migration("m", sql).statements
    a = stmt.actions[0]
    assert (a.op, a.table, a.column, a.lock, a.rewrite, a.scan) == expected


def test_lock_table_matches_the_documentation() -> None:
    # Table 13.2 is symmetric, and only ACCESS EXCLUSIVE blocks a plain SELECT.
    for a in LOCK_MODES:
        for b in LOCK_MODES:
            assert (b in CONFLICTS[a]) == (a in CONFLICTS[b])
    assert [m for m in LOCK_MODES if blocks_reads(m)] == ["ACCESS EXCLUSIVE"]
    assert [m for m in LOCK_MODES if blocks_writes(m)] == [
        "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]


def test_do_block_statements_with_file_lines() -> None:
    sql = ('-- rename\nDO $$\nBEGIN\n  IF true THEN\n'
           '    ALTER TABLE "a" RENAME COLUMN "x" TO "y";\n  END IF;\n'
           "  EXECUTE 'DROP TABLE ' || quote_ident('b');\nEND $$;\n")
    statements = parse_migration("m", sql).statements
    assert [(s.line, s.context, s.kind) for s in statements] == [
        (2, "top", "DO"), (5, "do", "ALTER … RENAME"), (7, "do", "EXECUTE")]
    assert statements[1].actions[0].op == "rename_column"


def test_unparsable_sql_is_a_finding_with_file_and_line() -> None:
    new = MigrationSet("new", (Migration("20990101000000_bad",
                                         'SELECT 1;\n\nALTER TABLE "t" ADD COLUM "c" TEXT;\n'),))
    report = plan(MigrationSet("old", ()), new)
    (finding,) = report.rules_fired("UNPARSABLE_SQL")
    assert finding.location == "20990101000000_bad/migration.sql:3"
    assert "syntax error" in finding.message and finding.blocking


def test_concurrent_index_in_a_multi_statement_migration_fails_under_prisma() -> None:
    sql = 'ALTER TABLE "t" ADD COLUMN "c" TEXT;\nCREATE INDEX CONCURRENTLY "i" ON "t"("c");\n'
    report = plan(MigrationSet("old", ()), MigrationSet("new", (Migration("m", sql),)))
    assert [(f.rule_id, f.line) for f in report.rules_fired("CONCURRENT_INDEX_IN_TRANSACTION")] \
        == [("CONCURRENT_INDEX_IN_TRANSACTION", 2)]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_analysed_without_raising(text: str) -> None:
    parsed = parse_migration("m", text)
    for stmt in parsed.statements:
        assert stmt.line >= 1
        assert (stmt.error is None) or stmt.kind == "unparsable"


def test_control_characters_from_upstream_sql_are_escaped_in_every_renderer() -> None:
    import io

    from rich.console import Console

    from nemoctl.render import migrations as render

    sql = '-- moved \x1b[2J elsewhere\nSELECT 1;\nALTER TABLE "t\x1b]0;x\x07" RENAME TO "u";\n'
    report = plan(MigrationSet("old", ()), MigrationSet("new", (Migration("m", sql),)))
    buffer = io.StringIO()
    render.render_human(report, Console(file=buffer, width=200, no_color=True))
    for text in (render.to_markdown(report), render.to_github(report), buffer.getvalue()):
        assert "\x1b" not in text and "\x07" not in text
        assert "\\x1b" in text
