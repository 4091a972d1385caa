"""The usage-aware gate on a real-looking consumer, judged against real LiteLLM releases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.diff import Change, DiffReport, diff_schemas, parse_sacred
from nemoctl.impact import annotate, scan_project
from nemoctl.impact.model import UsageMap
from nemoctl.schema import Schema
from tests.impact.consumer import line_of

ADMIN = "frontend/src/app/admin/shadow-evals.tsx"
BILLING_TSX = "frontend/src/app/billing/page.tsx"
TYPES_TS = "frontend/src/lib/types.ts"
BILLING_PY = "backend/app/billing.py"
VIEWS = "supabase/migrations/20250101000000_billing.sql"
TRIGGERS = "supabase/migrations/20250102000000_triggers.sql"


@pytest.fixture(scope="module")
def usage(consumer_root: Path, real: dict[str, Schema], scan_cache_dir: Path) -> UsageMap:
    """One cold scan over the names of every real release, shared by this module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEMOCTL_CACHE_DIR", str(scan_cache_dir))
        return scan_project(load_config(consumer_root), list(real.values()))


def judged(usage: UsageMap, consumer_root: Path, old: Schema, new: Schema,
           sacred_toml: str = "") -> DiffReport:
    import tomllib

    sacred = parse_sacred(tomllib.loads(sacred_toml)) if sacred_toml else None
    report = diff_schemas(old, new, sacred=sacred)
    return annotate(report, usage, load_config(consumer_root))


def find(report: DiffReport, rule: str, model: str, field: str = "") -> Change:
    matches = [c for c in report.changes
               if c.rule_id == rule and c.model == model and (not field or c.field == field)]
    assert len(matches) == 1, matches
    return matches[0]


def places(change: Change) -> list[tuple[str, int]]:
    assert change.used_at is not None
    return [(u.path, u.line) for u in change.used_at]


def test_removed_field_the_frontend_reads_is_found_at_its_line(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    report = judged(usage, consumer_root, real["1.100.0"], real["1.102.4"])
    removed = find(report, "FIELD_REMOVED", "LiteLLM_ShadowEvalJob", "api_key_id")
    # Through the app's own alias (types.ts re-exports the generated interface) and
    # destructured props; the unrelated `local.api_key_id` in billing/page.tsx is not a use.
    assert places(removed) == [(ADMIN, line_of(ADMIN, "job.api_key_id"))]
    assert removed.used_at[0].kind == "attribute"
    assert removed.used_at[0].snippet == "<td>{job.api_key_id}</td>"
    assert removed.severity == "ERR" and removed.original_severity is None
    assert removed.blocking and report.blocking


def test_unused_err_is_relevelled_and_does_not_block(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    report = judged(usage, consumer_root, real["1.102.4"], real["1.106.0"])
    unique = find(report, "UNIQUE_REMOVED", "LiteLLM_JWTKeyMapping")
    assert unique.used_at == ()
    assert (unique.severity, unique.original_severity) == ("INFO", "ERR")
    assert "unused" in (unique.relevel_reason or "")
    assert not report.blocking
    # The JSON shows both severities and why.
    data = unique.to_dict()
    assert data["usage"] == "unused" and data["used_at"] == []
    assert data["severity"] == "INFO" and data["original_severity"] == "ERR"


def test_without_the_policy_unused_err_still_blocks(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    from dataclasses import replace

    from nemoctl.diff.usage import apply_usage

    config = load_config(consumer_root)
    report = diff_schemas(real["1.102.4"], real["1.106.0"])
    plain = apply_usage(report, usage.uses_for, unused=None)
    unique = find(plain, "UNIQUE_REMOVED", "LiteLLM_JWTKeyMapping")
    assert (unique.severity, unique.used_at, unique.original_severity) == ("ERR", (), None)
    assert plain.blocking
    assert replace(config.impact, unused=None).unused is None


def test_sacred_change_is_never_relevelled(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    sacred = """
[[field]]
model = "LiteLLM_JWTKeyMapping"
field = "jwt_claim_name"
type = "String"
owner = "auth"
reason = "JWT claims map keys"
"""
    report = judged(usage, consumer_root, real["1.102.4"], real["1.106.0"], sacred)
    unique = find(report, "UNIQUE_REMOVED", "LiteLLM_JWTKeyMapping")
    assert unique.sacred and unique.used_at == ()
    assert (unique.severity, unique.original_severity) == ("ERR", None)
    assert unique.relevel_reason == "sacred: never re-levelled"
    assert report.blocking


def test_used_unique_key_stays_err_with_the_sql_lines(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    report = judged(usage, consumer_root, real["1.80.0"], real["1.100.0"])
    daily = find(report, "UNIQUE_REMOVED", "LiteLLM_DailyUserSpend")
    # The key's columns the consumer reads: user_id and date, in the view and in the
    # backend's raw SQL string.
    assert places(daily) == sorted([
        (BILLING_PY, line_of(BILLING_PY, "SELECT user_id, spend")),
        (BILLING_PY, line_of(BILLING_PY, "WHERE date = %s")),
        (VIEWS, line_of(VIEWS, "SELECT d.user_id")),
        (VIEWS, line_of(VIEWS, "SELECT d.user_id")),
    ])
    assert daily.severity == "ERR" and daily.original_severity is None
    prompt = find(report, "UNIQUE_REMOVED", "LiteLLM_PromptTable")
    assert (prompt.severity, prompt.original_severity) == ("INFO", "ERR")


def test_added_required_field_on_a_table_the_code_reaches_is_possibly_used(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    # Nothing can name a column that does not exist yet; a required one breaks every
    # writer of the table, and the admin page reaches LiteLLM_ShadowEvalJob: possibly
    # used, kept at ERR, with the places that reach the table as the reason.
    report = judged(usage, consumer_root, real["1.100.0"], real["1.102.4"])
    added = find(report, "FIELD_ADDED_REQUIRED", "LiteLLM_ShadowEvalJob", "target_id")
    assert added.used_at == () and added.usage == "possibly used"
    assert (added.severity, added.original_severity) == ("ERR", None)
    assert (TYPES_TS, line_of(TYPES_TS, "export type ShadowJob")) in [
        (u.path, u.line) for u in added.possibly_used_at]
    assert (added.relevel_reason or "").startswith("kept at ERR: possibly used")


def _uses(usage: UsageMap, model: str, member: str) -> list[tuple[str, int, str]]:
    return [(u.use.path, u.use.line, u.use.kind) for u in usage.of_member(model, member)]


def test_typescript_uses_by_kind(usage: UsageMap) -> None:
    spend = _uses(usage, "LiteLLM_SpendLogs", "spend")
    assert (BILLING_TSX, line_of(BILLING_TSX, "r.spend"), "attribute") in spend
    # `local.spend` on an unrelated object literal is not a use.
    assert not [s for s in spend
                if s[:2] == (BILLING_TSX, line_of(BILLING_TSX, "local.spend"))]
    assert _uses(usage, "LiteLLM_SpendLogs", "model_group") == sorted([
        (BILLING_PY, line_of(BILLING_PY, 'data["model_group"]'), "index"),
        (VIEWS, line_of(VIEWS, "s.model_group"), "column"),
        (BILLING_TSX, line_of(BILLING_TSX, "const { model_group"), "destructure"),
    ])
    assert (BILLING_TSX, line_of(BILLING_TSX, "const { model_group"), "destructure") in \
        _uses(usage, "LiteLLM_SpendLogs", "api_key")
    assert (BILLING_TSX, line_of(BILLING_TSX, 'row["request_id"]'), "index") in \
        _uses(usage, "LiteLLM_SpendLogs", "request_id")
    assert _uses(usage, "LiteLLM_TeamTable", "team_alias") == [
        (BILLING_TSX, line_of(BILLING_TSX, "team_alias"), "literal")]
    types = [(u.use.path, u.use.line) for u in usage.of_model("LiteLLM_ShadowEvalJob")
             if u.use.kind == "type"]
    # The import names the generated type too (so its line is accounted for).
    assert types == [(TYPES_TS, line_of(TYPES_TS, "import type {")),
                     (TYPES_TS, line_of(TYPES_TS, "export type ShadowJob"))]


def test_python_uses_by_kind(usage: UsageMap) -> None:
    assert (BILLING_PY, line_of(BILLING_PY, "row.spend for row"), "attribute") in \
        _uses(usage, "LiteLLM_SpendLogs", "spend")
    assert _uses(usage, "LiteLLM_BudgetTable", "max_budget") == [
        (BILLING_PY, line_of(BILLING_PY, "max_budget=limit"), "keyword")]
    table = [(u.use.path, u.use.line, u.use.kind) for u in usage.of_model("LiteLLM_SpendLogs")
             if not u.member and u.use.path == BILLING_PY]
    # A bare string naming the table that no parser resolves: the table possibly used.
    assert (BILLING_PY, line_of(BILLING_PY, 'TABLE = "LiteLLM_SpendLogs"'), "text") in table
    assert (BILLING_PY, line_of(BILLING_PY, "def recent()"), "type") in table


def test_sql_uses_in_views_policies_functions_and_do_blocks(usage: UsageMap) -> None:
    assert _uses(usage, "LiteLLM_TeamTable", "organization_id") == [
        (VIEWS, line_of(VIEWS, "USING (organization_id"), "column")]
    assert _uses(usage, "LiteLLM_BudgetTable", "budget_reset_at") == [
        (TRIGGERS, line_of(TRIGGERS, "SET budget_reset_at"), "column")]
    assert _uses(usage, "LiteLLM_VerificationToken", "key_alias") == [
        (TRIGGERS, line_of(TRIGGERS, '"key_alias" IS NULL'), "column")]
    spend = [u for u in usage.of_member("LiteLLM_DailyUserSpend", "spend") if u.use.path == VIEWS]
    assert [(u.use.line, u.use.column) for u in spend] == [
        (line_of(VIEWS, 'd."spend"'), column_of(VIEWS, 'd."spend"', '"spend"'))]


def column_of(rel: str, needle: str, token: str) -> int:
    from tests.impact.consumer import FILES

    line = FILES[rel].splitlines()[line_of(rel, needle) - 1]
    return line.index(token) + 1


def test_text_fallback_is_reported_as_text(usage: UsageMap) -> None:
    readme = [u for u in usage.of_member("LiteLLM_SpendLogs", "spend")
              if u.use.path == "README.md"]
    assert [(u.use.line, u.use.kind) for u in readme] == [(3, "text")]


def test_scan_is_deterministic_and_relative(usage: UsageMap, consumer_root: Path,
                                            real: dict[str, Schema], cache_env: Path) -> None:
    config = load_config(consumer_root)
    again = scan_project(config, list(real.values()))
    # Every text file counts (pyproject.toml and tsconfig.json too): a table named in
    # any of them reaches it.
    assert again.cache_hits == again.files_scanned == usage.files_scanned == 10
    assert again.to_dict()["models"] == usage.to_dict()["models"]
    assert all(not u.use.path.startswith("/") for u in usage.uses)
    assert not any(u.use.path.startswith(("generated/", "schemas/")) for u in usage.uses)
    assert usage.unparseable == () and usage.skipped == ()


def test_github_annotations_land_on_the_consumers_lines(
        usage: UsageMap, consumer_root: Path, real: dict[str, Schema]) -> None:
    from nemoctl.render.diff import to_github, to_markdown

    report = judged(usage, consumer_root, real["1.100.0"], real["1.102.4"])
    removed = find(report, "FIELD_REMOVED", "LiteLLM_ShadowEvalJob", "api_key_id")
    line = line_of(ADMIN, "job.api_key_id")
    col = column_of(ADMIN, "job.api_key_id", "api_key_id")
    out = to_github(report, fail_on="ERR").splitlines()
    assert (f"::error file={ADMIN},line={line},col={col},title=FIELD_REMOVED "
            f"[{removed.fingerprint}] uses LiteLLM_ShadowEvalJob.api_key_id::"
            f"LiteLLM_ShadowEvalJob.api_key_id (String) removed (attribute use)") in out
    # The required addition is possibly used (the admin page reaches the table): kept
    # at ERR, so annotated.
    assert [a for a in out if "FIELD_ADDED_REQUIRED" in a]
    markdown = to_markdown(report)
    assert f"`{ADMIN}:{line}`" in markdown
    assert "INFO (was ERR: unused)" in markdown or "INFO (was WARN: unused)" in markdown
    assert "possibly used (" in markdown


def test_uses_by_database_name_for_the_migration_gate(usage: UsageMap,
                                                      real: dict[str, Schema]) -> None:
    used = usage.by_db_name(real["1.100.0"])
    assert used[("LiteLLM_TeamTable", "organization_id")] == [
        f"{VIEWS}:{line_of(VIEWS, 'USING (organization_id')}"]
    assert f"{ADMIN}:{line_of(ADMIN, 'job.api_key_id')}" in used[
        ("LiteLLM_ShadowEvalJob", "api_key_id")]
    assert f"{TRIGGERS}:{line_of(TRIGGERS, 'UPDATE')}" in used[("LiteLLM_BudgetTable", "")]
