"""Diffs between real LiteLLM schemas (1.60 → 1.109.1), asserted in detail.

The expectations were computed from the fixtures and checked by hand against a
plain text diff; model/enum/field add-remove sets are also cross-checked against an
independent regex reading of the schema files, so the engine is not its own oracle.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

import pytest

from nemoctl.diff import diff_schemas, load_sacred
from nemoctl.schema import Schema
from tests.diff.conftest import REPO, VERSIONS, fixture_path

NEIGHBOURS = list(pairwise(VERSIONS))

RULE_COUNTS = {
    ("1.60.0", "1.80.0"): {"ENUM_ADDED": 1, "FIELD_ADDED": 19, "INDEX_ADDED": 1,
                           "MODEL_ADDED": 19, "RELATION_ADDED": 7, "UNIQUE_ADDED": 1},
    ("1.80.0", "1.100.0"): {"FIELD_ADDED": 110, "INDEX_ADDED": 22, "INDEX_REMOVED": 3,
                            "MODEL_ADDED": 42, "RELATION_ADDED": 10, "UNIQUE_ADDED": 4,
                            "UNIQUE_REMOVED": 4},
    ("1.100.0", "1.102.4"): {"FIELD_ADDED": 12, "FIELD_ADDED_REQUIRED": 1, "FIELD_REMOVED": 1,
                             "INDEX_ADDED": 1, "INDEX_REMOVED": 1, "RELATION_CHANGED": 1},
    ("1.102.4", "1.106.0"): {"FIELD_ADDED": 41, "INDEX_ADDED": 4, "INDEX_REMOVED": 1,
                             "MODEL_ADDED": 20, "RELATION_ADDED": 3, "UNIQUE_ADDED": 1,
                             "UNIQUE_REMOVED": 1},
    ("1.106.0", "1.108.0"): {"FIELD_ADDED": 3, "MODEL_ADDED": 4},
    ("1.108.0", "1.109.1"): {"ENUM_ADDED": 3, "INDEX_ADDED": 2, "MODEL_ADDED": 3},
}


def _blocks(text: str, keyword: str) -> dict[str, list[str]]:
    """name → member lines of every ``keyword`` block, read with plain regexes."""
    blocks: dict[str, list[str]] = {}
    for match in re.finditer(rf"^{keyword}\s+(\w+)\s*\{{(.*?)^\}}", text, re.M | re.S):
        members = []
        for line in match.group(2).splitlines():
            line = line.split("//")[0].strip()
            if line and not line.startswith("@@"):
                members.append(line.split()[0])
        blocks[match.group(1)] = members
    return blocks


def _text(version: str) -> str:
    return fixture_path(version).read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new"), NEIGHBOURS)
def test_rule_counts_between_neighbours(real: dict[str, Schema], old: str, new: str) -> None:
    report = diff_schemas(real[old], real[new])
    assert dict(Counter(c.rule_id for c in report.changes)) == RULE_COUNTS[(old, new)]


@pytest.mark.parametrize(("old", "new"), NEIGHBOURS)
def test_model_enum_and_field_sets_match_an_independent_reading(
    real: dict[str, Schema], old: str, new: str
) -> None:
    report = diff_schemas(real[old], real[new])
    before_models, after_models = _blocks(_text(old), "model"), _blocks(_text(new), "model")
    before_enums, after_enums = _blocks(_text(old), "enum"), _blocks(_text(new), "enum")

    def found(rule: str) -> set[tuple[str, str]]:
        return {(c.model, c.field) for c in report.changes if c.rule_id == rule}

    assert {m for m, _ in found("MODEL_ADDED")} == set(after_models) - set(before_models)
    assert {m for m, _ in found("MODEL_REMOVED")} == set(before_models) - set(after_models)
    assert {e for e, _ in found("ENUM_ADDED")} == set(after_enums) - set(before_enums)
    added_members = {(m, f) for m in set(before_models) & set(after_models)
                     for f in set(after_models[m]) - set(before_models[m])}
    removed_members = {(m, f) for m in set(before_models) & set(after_models)
                       for f in set(before_models[m]) - set(after_models[m])}
    assert found("FIELD_ADDED") | found("FIELD_ADDED_REQUIRED") | found("RELATION_ADDED") \
        == added_members
    assert found("FIELD_REMOVED") | found("RELATION_REMOVED") == removed_members


def test_1_108_to_1_109_1_adds_three_models_three_enums_two_indexes(
    real: dict[str, Schema],
) -> None:
    report = diff_schemas(real["1.108.0"], real["1.109.1"])
    rows = [(c.rule_id, c.severity, c.model, c.field, c.before, c.after, c.fingerprint)
            for c in report.changes]
    assert rows == [
        ("MODEL_ADDED", "INFO", "LiteLLM_AccountingEvent", "", "", "LiteLLM_AccountingEvent",
         "ab2ed17a7f52063d"),
        ("MODEL_ADDED", "INFO", "LiteLLM_AccountingDelivery", "", "",
         "LiteLLM_AccountingDelivery", "dc4fcd02550f5865"),
        ("MODEL_ADDED", "INFO", "LiteLLM_SubscriptionAccountTable", "", "",
         "LiteLLM_SubscriptionAccountTable", "f88875d3bc6df414"),
        ("INDEX_ADDED", "INFO", "LiteLLM_ManagedFileTable", "created_by, created_at desc", "",
         "created_by, created_at desc", "6e9af8b1f09faae7"),
        ("INDEX_ADDED", "INFO", "LiteLLM_BackgroundInteractionSettlement", "settled_at", "",
         "settled_at", "3ceaa8ed75ead58e"),
        ("ENUM_ADDED", "INFO", "AccountingEventKind", "", "", "AccountingEventKind",
         "51c19e470da799bf"),
        ("ENUM_ADDED", "INFO", "AccountingDeliveryState", "", "", "AccountingDeliveryState",
         "bf008b34392eca01"),
        ("ENUM_ADDED", "INFO", "AccountingDeliveryTarget", "", "", "AccountingDeliveryTarget",
         "e8f2236e89abb212"),
    ]
    assert report.changes[5].message == (
        "enum AccountingEventKind (inbound_usage, outbound_usage, cost) added")
    assert report.changes[7].message.endswith("… 17 more) added")
    assert not report.blocking and int(report.exit_code("ERR")) == 0
    assert int(report.exit_code("INFO")) == 1


def test_1_100_to_1_102_4_shadow_eval_retarget_is_blocking(real: dict[str, Schema]) -> None:
    report = diff_schemas(real["1.100.0"], real["1.102.4"])
    errs = [(c.rule_id, c.model, c.field, c.before, c.after, c.fingerprint)
            for c in report.changes if c.severity == "ERR"]
    assert errs == [
        ("FIELD_REMOVED", "LiteLLM_ShadowEvalJob", "api_key_id", "String", "",
         "c69e4a0641173147"),
        ("FIELD_ADDED_REQUIRED", "LiteLLM_ShadowEvalJob", "target_id", "", "String",
         "d840701ec7325032"),
    ]
    warn = [c for c in report.changes if c.severity == "WARN"]
    assert [(c.rule_id, c.model, c.field, c.after) for c in warn] == [
        ("RELATION_CHANGED", "LiteLLM_JWTKeyMapping", "litellm_verification_token",
         "fields: [token], references: [token], onDelete: Cascade")]
    # api_key_id (String) went, but two String fields arrived: no single rename candidate.
    assert not [c for c in report.changes if c.rule_id == "POSSIBLE_RENAME"]
    added = {(c.model, c.field, c.after) for c in report.changes if c.rule_id == "FIELD_ADDED"}
    assert ("LiteLLM_ShadowEvalJob", "target_type", "String") in added
    assert ("LiteLLM_DailyGuardrailUsageUnits", "untracked_units", "BigInt") in added
    assert report.blocking and int(report.exit_code("ERR")) == 4


def test_1_80_to_1_100_widened_unique_keys(real: dict[str, Schema]) -> None:
    report = diff_schemas(real["1.80.0"], real["1.100.0"])
    removed = {(c.model, c.field) for c in report.changes if c.rule_id == "UNIQUE_REMOVED"}
    added = {(c.model, c.field) for c in report.changes if c.rule_id == "UNIQUE_ADDED"}
    assert removed == {
        ("LiteLLM_DailyUserSpend",
         "user_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name"),
        ("LiteLLM_DailyTeamSpend",
         "team_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name"),
        ("LiteLLM_DailyTagSpend",
         "tag, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name"),
        ("LiteLLM_PromptTable", "prompt_id"),
    }
    assert ("LiteLLM_PromptTable", "prompt_id, version, environment") in added
    assert {(c.model, c.field) for c in report.changes if c.rule_id == "INDEX_REMOVED"} == {
        ("LiteLLM_DailyUserSpend", "user_id"), ("LiteLLM_DailyTeamSpend", "team_id"),
        ("LiteLLM_DailyTagSpend", "tag")}


def test_1_102_4_to_1_106_0_jwt_mapping_unique_gains_issuer(real: dict[str, Schema]) -> None:
    report = diff_schemas(real["1.102.4"], real["1.106.0"])
    keyed = [(c.rule_id, c.field) for c in report.changes
             if c.rule_id in ("UNIQUE_REMOVED", "UNIQUE_ADDED", "INDEX_REMOVED")]
    assert keyed == [
        ("UNIQUE_REMOVED", "jwt_claim_name, jwt_claim_value"),
        ("UNIQUE_ADDED", "jwt_issuer, jwt_claim_name, jwt_claim_value"),
        ("INDEX_REMOVED", "jwt_claim_name, jwt_claim_value, is_active"),
    ]


def test_identical_schema_has_no_changes(real: dict[str, Schema]) -> None:
    report = diff_schemas(real["1.109.1"], real["1.109.1"])
    assert report.changes == ()


def test_sacred_fields_hold_from_the_pinned_version_onwards(real: dict[str, Schema]) -> None:
    sacred = load_sacred(REPO / "schemas" / "sacred_fields.toml")
    for old, new in (("1.102.4", "1.106.0"), ("1.106.0", "1.108.0"), ("1.108.0", "1.109.1"),
                     ("1.102.4", "1.109.1")):
        report = diff_schemas(real[old], real[new], sacred=sacred)
        assert [s.state for s in report.sacred] == ["ok"] * len(sacred.fields), (old, new)
        assert not any(c.sacred for c in report.changes)


def test_fingerprints_do_not_depend_on_run_or_other_changes(real: dict[str, Schema]) -> None:
    short = diff_schemas(real["1.108.0"], real["1.109.1"])
    long = diff_schemas(real["1.102.4"], real["1.109.1"])
    by_fp = {c.fingerprint: c for c in long.changes}
    for change in short.changes:
        if change.rule_id in ("MODEL_ADDED", "ENUM_ADDED"):
            assert by_fp[change.fingerprint].model == change.model
    assert len({c.fingerprint for c in long.changes}) == len(long.changes)
