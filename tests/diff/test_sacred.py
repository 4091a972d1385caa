"""Sacred fields: file validation, model+field+type identity, breaks that always block."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nemoctl.diff import (
    Acknowledgement,
    Acknowledgements,
    SacredField,
    SacredFields,
    check_sacred,
    diff_schemas,
    load_sacred,
    parse_sacred,
)
from nemoctl.errors import ConfigError
from nemoctl.schema import Schema, parse_many
from tests.diff._schemas import mutate_model
from tests.diff.conftest import REPO, fixture_path

PINNED = fixture_path("1.102.4").read_text(encoding="utf-8")
SPEND = "  spend               Float    @default(0.0)\n"
PROMPT = "  prompt_tokens       Int     @default(0)\n"
GROUP = '  model_group         String?   @default("") // public model_name / model_group\n'
PROVIDER = '  custom_llm_provider String?   @default("") // litellm used custom_llm_provider\n'
SPEND_INDEX = "  @@index([startTime])\n  @@index([startTime, request_id])\n"

def _logs(*edits: tuple[str, str]) -> str:
    return mutate_model(PINNED, "LiteLLM_SpendLogs", *edits)


MUTATIONS = {
    "spend type": _logs((SPEND, "  spend               Decimal  @default(0.0)\n")),
    "group required": _logs((GROUP, GROUP.replace("String? ", "String  "))),
    "prompt column": _logs((PROMPT, PROMPT.replace("@default(0)", '@default(0) @map("ptok")'))),
    "provider removed": _logs((PROVIDER, "")),
    "spend default": _logs((SPEND, SPEND.replace("0.0", "1.0"))),
    "spendlogs table": _logs((SPEND_INDEX, SPEND_INDEX + '  @@map("spend_logs")\n')),
    "spendlogs field added": _logs((SPEND, SPEND + "  note String?\n")),
}

ENTRY = SacredField("LiteLLM_SpendLogs", "spend", "Float", "billing", "cost")


@pytest.fixture(scope="module")
def mutated() -> dict[str, Schema]:
    names = ["pinned", *MUTATIONS]
    texts = [PINNED, *MUTATIONS.values()]
    return dict(zip(names, parse_many([(t, f"{n}.prisma") for n, t in
                                       zip(names, texts, strict=True)]), strict=True))


@pytest.fixture(scope="module")
def seed() -> SacredFields:
    return load_sacred(REPO / "schemas" / "sacred_fields.toml")


def test_seed_lists_what_the_gateway_reads(seed: SacredFields) -> None:
    keys = {(f.model, f.field): f.type for f in seed.fields}
    assert {k: v for k, v in keys.items() if k[0] == "LiteLLM_SpendLogs"} == {
        ("LiteLLM_SpendLogs", "spend"): "Float",
        ("LiteLLM_SpendLogs", "prompt_tokens"): "Int",
        ("LiteLLM_SpendLogs", "model_group"): "String?",
        ("LiteLLM_SpendLogs", "custom_llm_provider"): "String?",
        ("LiteLLM_SpendLogs", "organization_id"): "String?",
    }
    assert keys[("LiteLLM_OrganizationTable", "organization_id")] == "String"
    # Same names, other types elsewhere: identified by model + field + type.
    assert keys[("LiteLLM_DailyOrganizationSpend", "prompt_tokens")] == "BigInt"
    assert keys[("LiteLLM_ErrorLogs", "model_group")] == "String"
    assert all(f.owner and f.reason for f in seed.fields)


@pytest.mark.parametrize("version", ["1.102.4", "1.106.0", "1.108.0", "1.109.1"])
def test_seed_matches_the_pinned_and_newer_schemas(
    real: dict[str, Schema], seed: SacredFields, version: str
) -> None:
    statuses = check_sacred(real[version], seed)
    assert [s.state for s in statuses] == ["ok"] * len(seed.fields)
    assert all(s.actual_type == s.expected_type for s in statuses)


def test_seed_against_older_schemas_names_what_is_missing(
    real: dict[str, Schema], seed: SacredFields
) -> None:
    broken = [(s.model, s.field, s.state) for s in check_sacred(real["1.80.0"], seed)
              if s.blocking]
    assert broken == [
        ("LiteLLM_SpendLogs", "organization_id", "unknown"),
        ("LiteLLM_DailyOrganizationSpend", "spend", "unknown"),
        ("LiteLLM_DailyOrganizationSpend", "prompt_tokens", "unknown"),
        ("LiteLLM_DailyOrganizationSpend", "model_group", "unknown"),
        ("LiteLLM_DailyOrganizationSpend", "custom_llm_provider", "unknown"),
        ("LiteLLM_DailyOrganizationSpend", "organization_id", "unknown"),
    ]
    statuses = check_sacred(real["1.80.0"], seed)
    assert statuses[1].message == "LiteLLM_SpendLogs.prompt_tokens Int present"
    assert "no model LiteLLM_DailyOrganizationSpend" in statuses[5].message


def test_type_is_part_of_the_identity(real: dict[str, Schema]) -> None:
    wrong = SacredFields((
        SacredField("LiteLLM_SpendLogs", "prompt_tokens", "BigInt", "o", "r"),
        SacredField("LiteLLM_DailyUserSpend", "prompt_tokens", "Int", "o", "r"),
        SacredField("LiteLLM_SpendLogs", "model_group", "String", "o", "r"),
        SacredField("LiteLLM_ErrorLogs", "model_group", "String", "o", "r"),
    ))
    statuses = check_sacred(real["1.102.4"], wrong)
    assert [(s.state, s.actual_type) for s in statuses] == [
        ("type-mismatch", "Int"), ("type-mismatch", "BigInt"), ("type-mismatch", "String?"),
        ("ok", "String")]
    assert statuses[0].message == ("sacred entry LiteLLM_SpendLogs.prompt_tokens expects "
                                   "BigInt, the schema has Int")
    # In a diff the wrong entries block even though nothing changed.
    report = diff_schemas(real["1.102.4"], real["1.102.4"], sacred=wrong)
    assert report.changes == () and report.blocking and int(report.exit_code()) == 4
    assert len(report.sacred_broken) == 3


@pytest.mark.parametrize(("case", "rule", "detail"), [
    ("spend type", "FIELD_TYPE_CHANGED", "type Float → Decimal"),
    ("group required", "FIELD_BECAME_REQUIRED", "type String? → String"),
    ("prompt column", "COLUMN_RENAMED", "column prompt_tokens → ptok"),
    ("spend default", "DEFAULT_CHANGED", "default 0 → 1"),
    ("spendlogs table", "TABLE_RENAMED", "table LiteLLM_SpendLogs → spend_logs"),
])
def test_any_change_to_a_sacred_field_blocks(
    mutated: dict[str, Schema], seed: SacredFields, case: str, rule: str, detail: str
) -> None:
    report = diff_schemas(mutated["pinned"], mutated[case], sacred=seed)
    sacred_changes = [c for c in report.changes if c.sacred]
    assert rule in {c.rule_id for c in sacred_changes}
    assert report.blocking and int(report.exit_code("ERR")) == 4
    broken = report.sacred_broken
    assert broken and all(s.state == "changed" for s in broken)
    assert any(detail in s.message for s in broken), [s.message for s in broken]


def test_table_rename_breaks_every_sacred_field_of_the_model(
    mutated: dict[str, Schema], seed: SacredFields
) -> None:
    report = diff_schemas(mutated["pinned"], mutated["spendlogs table"], sacred=seed)
    assert {(s.model, s.field) for s in report.sacred_broken} == {
        (f.model, f.field) for f in seed.fields if f.model == "LiteLLM_SpendLogs"}


def test_removed_sacred_field(mutated: dict[str, Schema], seed: SacredFields) -> None:
    report = diff_schemas(mutated["pinned"], mutated["provider removed"], sacred=seed)
    assert [(s.field, s.state, s.message) for s in report.sacred_broken] == [
        ("custom_llm_provider", "removed",
         "LiteLLM_SpendLogs.custom_llm_provider: field removed")]
    assert [(c.rule_id, c.sacred) for c in report.changes] == [("FIELD_REMOVED", True)]


def test_sacred_break_survives_relevelling_and_acknowledgement(
    mutated: dict[str, Schema], seed: SacredFields
) -> None:
    plain = diff_schemas(mutated["pinned"], mutated["spend default"], sacred=seed)
    change = plain.changes[0]
    assert (change.rule_id, change.severity, change.sacred) == ("DEFAULT_CHANGED", "WARN", True)
    acks = Acknowledgements((Acknowledgement(change.fingerprint, "reviewed"),))
    report = diff_schemas(mutated["pinned"], mutated["spend default"], sacred=seed, acks=acks,
                          severities={"DEFAULT_CHANGED": "INFO"}, today=date(2026, 1, 1))
    assert report.changes[0].severity == "INFO" and not report.changes[0].acknowledged
    assert [a.state for a in report.acknowledgements] == ["sacred"]
    assert report.blocking and int(report.exit_code("ERR")) == 4


def test_unrelated_change_in_a_sacred_model_is_not_sacred(
    mutated: dict[str, Schema], seed: SacredFields
) -> None:
    report = diff_schemas(mutated["pinned"], mutated["spendlogs field added"], sacred=seed)
    assert [(c.rule_id, c.field, c.sacred) for c in report.changes] == [
        ("FIELD_ADDED", "note", False)]
    assert not report.blocking


def test_sacred_removed_model(real: dict[str, Schema]) -> None:
    sacred = SacredFields((SacredField("LiteLLM_SpendLogs", "spend", "Float", "o", "r"),))
    report = diff_schemas(real["1.102.4"], real["1.60.0"], sacred=sacred)
    # 1.60.0 has SpendLogs.spend too: only the model set differs; the entry stays ok.
    assert [s.state for s in report.sacred] == ["ok"]
    gone = SacredFields((SacredField("LiteLLM_DailyTeamSpend", "spend", "Float", "o", "r"),))
    report = diff_schemas(real["1.102.4"], real["1.60.0"], sacred=gone)
    assert [(s.state, s.message) for s in report.sacred] == [
        ("removed", "LiteLLM_DailyTeamSpend.spend: model LiteLLM_DailyTeamSpend removed")]
    assert [c.sacred for c in report.changes if c.model == "LiteLLM_DailyTeamSpend"] == [True]


# --- file format -----------------------------------------------------------------------


def _entry(**overrides: str) -> dict[str, str]:
    return {"model": "M", "field": "f", "type": "String?", "owner": "o", "reason": "r",
            **overrides}


@pytest.mark.parametrize(("data", "message"), [
    ({"fields": []}, "unknown key"),
    ({"field": {"model": "M"}}, "array of tables"),
    ({"field": [_entry(owner="")]}, "'owner' is required"),
    ({"field": [{k: v for k, v in _entry().items() if k != "type"}]}, "'type' is required"),
    ({"field": [_entry(type="String!")]}, "is not a Prisma type"),
    ({"field": [_entry(type="String?[]")]}, "is not a Prisma type"),
    ({"field": [_entry(), _entry()]}, "listed twice"),
    ({"field": [{**_entry(), "colour": "red"}]}, "unknown key"),
    ({"field": ["M.f"]}, "must be a table"),
])
def test_malformed_entries_are_rejected(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_sacred(data)  # type: ignore[arg-type]


def test_file_loading(tmp_path: Path) -> None:
    assert load_sacred(tmp_path / "absent.toml").fields == ()
    bad = tmp_path / "bad.toml"
    bad.write_text("[[field]\nmodel = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_sacred(bad)
    good = tmp_path / "good.toml"
    good.write_text('[[field]]\nmodel = "M"\nfield = "f"\ntype = "Int[]"\nowner = "o"\n'
                    'reason = "r"\n', encoding="utf-8")
    assert load_sacred(good).fields == (SacredField("M", "f", "Int[]", "o", "r"),)


def test_enum_typed_sacred_field_changes_with_its_enum() -> None:
    from tests.diff._schemas import BASE, mutate

    sacred = SacredFields((SacredField("Team", "status", "Status", "ops", "team state"),))
    added = mutate(BASE, ("  PAUSED\n", "  PAUSED\n  ARCHIVED\n"))
    removed = mutate(BASE, ("  PAUSED\n", ""))
    unrelated = mutate(BASE, ("enum Unused {\n  A\n}", "enum Unused {\n  A\n  B\n}"))
    base, *others = parse_many([(BASE, "b"), (added, "a"), (removed, "r"), (unrelated, "u")])
    grown, shrunk, other = (diff_schemas(base, s, sacred=sacred) for s in others)
    assert [(s.state, s.message) for s in grown.sacred] == [
        ("changed", "Team.status: enum Status changed (+ARCHIVED)")]
    assert [(c.rule_id, c.sacred) for c in grown.changes] == [("ENUM_VALUE_ADDED", True)]
    assert [s.message for s in shrunk.sacred] == ["Team.status: enum Status changed (-PAUSED)"]
    assert shrunk.blocking and grown.blocking
    assert [s.state for s in other.sacred] == ["ok"] and not other.blocking
    assert [(c.rule_id, c.sacred) for c in other.changes] == [("ENUM_VALUE_ADDED", False)]
