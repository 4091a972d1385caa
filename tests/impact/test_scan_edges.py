"""Bad input and the incremental cache, on small repos without TypeScript (no node start)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.errors import ConfigError
from nemoctl.impact import scan_project
from nemoctl.schema import Schema

PYPROJECT = """\
[project]
name = "svc"
version = "0"

[tool.nemoctl.impact]
max-file-size = 2000
"""
SERVICE = """\
from nemoctl_models import LiteLLM_SpendLogs


def cost(row: LiteLLM_SpendLogs) -> float:
    return row.spend
"""


def _repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {"pyproject.toml": PYPROJECT, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_unparseable_oversized_and_outside_files_are_listed_not_fatal(
        tmp_path: Path, real: dict[str, Schema], cache_env: Path) -> None:
    outside = tmp_path / "outside.sql"
    outside.write_text('SELECT spend FROM "LiteLLM_SpendLogs";\n')
    root = _repo(tmp_path / "repo", {
        "svc/cost.py": SERVICE,
        "svc/broken.py": "def broken(:\n    pass\n",
        "db/broken.sql": "SELECT 1;\nCREATE VIEW v AS SELEC spend FROM x;\n",
        "db/big.sql": "-- padding\n" * 400,
        "venv/lib/x.py": SERVICE,  # a virtualenv is never scanned
    })
    (root / "db" / "linked.sql").symlink_to(outside)
    usage = scan_project(load_config(root), [real["1.102.4"]])
    assert [(u.use.path, u.use.line, u.use.kind) for u in
            usage.of_member("LiteLLM_SpendLogs", "spend")] == [("svc/cost.py", 5, "attribute")]
    assert [s.path for s in usage.unparseable] == ["db/broken.sql", "svc/broken.py"]
    assert usage.unparseable[0].reason == 'line 2: syntax error at or near "SELEC"'
    assert usage.unparseable[1].reason.startswith("line 1: ")
    assert [(s.path, s.reason.split(" ")[-1]) for s in usage.skipped] == [
        ("db/big.sql", "(2000)"), ("db/linked.sql", "tree")]
    assert usage.files_scanned == 4  # pyproject.toml is text too


def test_cache_rescans_only_changed_files(tmp_path: Path, real: dict[str, Schema],
                                          cache_env: Path) -> None:
    root = _repo(tmp_path / "repo", {
        "svc/cost.py": SERVICE,
        "svc/other.py": "x = 'LiteLLM_TeamTable'\n",
        "db/view.sql": 'CREATE VIEW v AS SELECT s.model_group FROM "LiteLLM_SpendLogs" s;\n',
    })
    config = load_config(root)
    cold = scan_project(config, [real["1.102.4"]])
    warm = scan_project(config, [real["1.102.4"]])
    assert (cold.cache_hits, warm.cache_hits) == (0, 4)  # pyproject.toml too
    assert warm.to_dict() == {**cold.to_dict(), "scan": {**cold.to_dict()["scan"],
                                                         "cache_hits": 4}}
    (root / "svc" / "cost.py").write_text(SERVICE.replace("row.spend", "row.prompt_tokens"))
    changed = scan_project(config, [real["1.102.4"]])
    assert changed.cache_hits == 3
    assert changed.of_member("LiteLLM_SpendLogs", "spend") == ()
    assert [u.use.line for u in changed.of_member("LiteLLM_SpendLogs", "prompt_tokens")] == [5]


@pytest.mark.parametrize(("table", "message"), [
    ('unused = "LOW"', "tool.nemoctl.impact.unused: expected one of 'ERR', 'WARN' or 'INFO', "
     "got 'LOW'"),
    ('paths = "frontend"', "tool.nemoctl.impact.paths: expected an array, got string "
     "'frontend'"),
    ('paths = ["../x"]', "tool.nemoctl.impact.paths[0]: expected a relative path inside the "
     "project (no '..', not absolute), got '../x'"),
    ("max-file-size = 0", "tool.nemoctl.impact.max-file-size: expected a number "
     "greater than 0, got integer 0"),
    ("typecheck = [1]", "tool.nemoctl.impact.typecheck[0]: expected a string, got integer 1"),
    ("colour = 1", "unknown key 'colour' in [tool.nemoctl.impact]"),
])
def test_bad_policy_is_a_config_error(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.nemoctl.impact]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.message == message


# The shape `supabase gen types typescript` emits (supabase docs: "Generating TypeScript
# Types"), keyed by database names; nemoctl's own generator writes it next to the
# interfaces (issue 19).  Uses through it are typed uses of the Prisma model and field.
SUPABASE_TYPES = """\
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]
export type Database = {
  public: {
    Tables: {
      LiteLLM_SpendLogs: {
        Row: { request_id: string; spend: number; model_group: string | null }
        Insert: { request_id: string; spend?: number; model_group?: string | null }
        Update: { request_id?: string; spend?: number; model_group?: string | null }
        Relationships: []
      }
    }
    Views: { [_ in never]: never }
    Functions: { [_ in never]: never }
    Enums: { [_ in never]: never }
    CompositeTypes: { [_ in never]: never }
  }
}
"""
FRONTEND = """\
import type { Database } from "../generated/typescript/database";

type Spend = Database["public"]["Tables"]["LiteLLM_SpendLogs"]["Row"];

export function show(rows: Spend[]): string {
  const update: Database["public"]["Tables"]["LiteLLM_SpendLogs"]["Update"] = { spend: 0 };
  return rows.map((r) => r.model_group ?? "").join(",") + String(update.spend);
}
"""


def test_supabase_database_type_paths_are_typed_uses(
        tmp_path: Path, real: dict[str, Schema], cache_env: Path) -> None:
    root = _repo(tmp_path / "repo", {"generated/typescript/database.d.ts": SUPABASE_TYPES,
                                     "frontend/show.ts": FRONTEND})
    usage = scan_project(load_config(root), [real["1.102.4"]])
    assert usage.unparseable == ()
    found = sorted((u.member, u.use.line, u.use.kind) for u in usage.of_model("LiteLLM_SpendLogs"))
    assert found == [("", 3, "type"), ("", 6, "type"), ("model_group", 7, "attribute"),
                     ("spend", 6, "literal"), ("spend", 7, "attribute")]


ALIAS_UNRELATED = 'export type Row = { spend: number };\n'
ALIAS_LITELLM = ('import type { Database } from "../generated/typescript/database";\n'
                 'export type Row = Database["public"]["Tables"]["LiteLLM_SpendLogs"]["Row"];\n')
USER = 'import type { Row } from "./types";\n\nexport const total = (r: Row) => r.spend;\n'


@pytest.mark.parametrize("via", ["direct", "re-exported"])
def test_a_cached_typescript_result_is_dropped_when_a_file_it_imports_changes(
        tmp_path: Path, real: dict[str, Schema], cache_env: Path, via: str) -> None:
    # frontend/use.ts never changes; what `r.spend` resolves to is decided in types.ts,
    # imported directly or through mid.ts (neither use.ts nor mid.ts changes then).
    # A stale cached "no use" would let a breaking change of `spend` pass as unused.
    files = {"generated/typescript/database.d.ts": SUPABASE_TYPES,
             "frontend/types.ts": ALIAS_UNRELATED, "frontend/use.ts": USER}
    if via == "re-exported":
        # Named to sort after use.ts: use.ts is judged before its dependency is.
        files["frontend/zz_mid.ts"] = 'export type { Row } from "./types";\n'
        files["frontend/use.ts"] = USER.replace('"./types"', '"./zz_mid"')
    root = _repo(tmp_path / "repo", files)
    config = load_config(root)
    spend = lambda usage: sorted(  # noqa: E731
        (u.use.path, u.use.line) for u in usage.of_member("LiteLLM_SpendLogs", "spend"))
    assert spend(scan_project(config, [real["1.102.4"]])) == []
    warm = scan_project(config, [real["1.102.4"]])
    assert warm.cache_hits == warm.files_scanned  # nothing changed: all from the cache
    (root / "frontend" / "types.ts").write_text(ALIAS_LITELLM)
    after = scan_project(config, [real["1.102.4"]])
    assert spend(after) == [("frontend/use.ts", 3)]
    # Back again: use.ts's first entry (recorded with the old types.ts) is valid again.
    (root / "frontend" / "types.ts").write_text(ALIAS_UNRELATED)
    assert spend(scan_project(config, [real["1.102.4"]])) == []


def test_a_global_declaration_file_is_a_dependency_of_every_file(
        tmp_path: Path, real: dict[str, Schema], cache_env: Path) -> None:
    # No import: `GRow` comes from a script .d.ts visible to the whole Program.
    root = _repo(tmp_path / "repo", {
        "generated/typescript/database.d.ts": SUPABASE_TYPES,
        "frontend/globals.d.ts": "type GRow = { spend: number };\n",
        "frontend/use.ts": "export const total = (r: GRow) => r.spend;\n"})
    config = load_config(root)
    assert scan_project(config, [real["1.102.4"]]).of_member("LiteLLM_SpendLogs", "spend") == ()
    (root / "frontend" / "globals.d.ts").write_text(
        'type GRow = import("../generated/typescript/database").Database'
        '["public"]["Tables"]["LiteLLM_SpendLogs"]["Row"];\n')
    after = scan_project(config, [real["1.102.4"]])
    assert [(u.use.path, u.use.line) for u in after.of_member("LiteLLM_SpendLogs", "spend")] \
        == [("frontend/use.ts", 1)]


def test_a_same_size_edit_with_the_same_mtime_is_still_rescanned(
        tmp_path: Path, real: dict[str, Schema], cache_env: Path) -> None:
    """The stat index trusts (size, mtime, ctime, inode): an edit that keeps the size and
    even restores the mtime still changes the ctime, so the file is read again."""
    root = _repo(tmp_path / "repo", {"svc/cost.py": SERVICE})
    config = load_config(root)
    before = scan_project(config, [real["1.102.4"]])
    assert [u.use.line for u in before.of_member("LiteLLM_SpendLogs", "spend")] == [5]
    path = root / "svc" / "cost.py"
    stat = path.stat()
    edited = SERVICE.replace("row.spend", "row.xpend")  # same length
    assert len(edited) == len(SERVICE)
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = scan_project(config, [real["1.102.4"]])
    assert after.of_member("LiteLLM_SpendLogs", "spend") == ()


def test_a_removed_enum_value_stays_err_where_its_table_is_written(
        tmp_path: Path, real: dict[str, Schema], cache_env: Path) -> None:
    """SQL that stores a JobStatus value as a string literal names no enum type: the
    value's removal is possibly used (the table is reached), never re-levelled."""
    from nemoctl.diff import diff_schemas
    from nemoctl.impact import annotate
    from nemoctl.schema import parse_many
    from tests.impact.conftest import schema_path

    root = _repo(tmp_path / "repo", {"svc/cron.py": (
        'def claim(conn):\n'
        '    conn.execute(\'UPDATE "LiteLLM_CronJob" SET "status" = \\\'ACTIVE\\\' '
        'WHERE cronjob_id = %s\', ("c",))\n')})
    text = schema_path("1.102.4").read_text(encoding="utf-8")
    (new,) = parse_many([(text.replace("enum JobStatus {\n  ACTIVE\n", "enum JobStatus {\n"),
                          "no-active")])
    from dataclasses import replace

    config = load_config(root)
    config = replace(config, impact=replace(config.impact, unused="INFO"))
    old = real["1.102.4"]
    report = annotate(diff_schemas(old, new), scan_project(config, [old, new]), config)
    [removed] = [c for c in report.changes if c.rule_id == "ENUM_VALUE_REMOVED"]
    assert removed.usage == "possibly used", removed
    assert (removed.severity, removed.original_severity) == ("ERR", None)
    assert ("svc/cron.py", 2) in [(u.path, u.line) for u in removed.possibly_used_at]
