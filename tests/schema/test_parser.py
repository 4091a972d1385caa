"""The official Prisma parser: real LiteLLM schemas, broken and hostile input, the cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nemoctl import _node
from nemoctl.errors import SchemaParseError, ToolchainError
from nemoctl.schema import Default, parse_file, parse_many, parse_text
from tests.schema.conftest import FIXTURES

#: version → (models, enums, fields, indexes), counted from the real wheels' schemas.
SHAPES = {
    "1.60.0": (16, 0, 212, 20),
    "1.80.0": (35, 1, 431, 74),
    "1.100.0": (77, 1, 1067, 217),
    "1.102.4": (77, 1, 1079, 217),
    "1.106.0": (97, 1, 1300, 259),
    "1.108.0": (101, 1, 1331, 269),
    "1.109.1": (104, 4, 1358, 278),
}


def _fixture(version: str) -> Path:
    return FIXTURES / "schemas" / version / "schema.prisma"


@pytest.mark.parametrize("version", list(SHAPES))
def test_real_schemas_parse(version: str) -> None:
    schema = parse_file(_fixture(version))
    shape = (len(schema.models), len(schema.enums), sum(len(m.fields) for m in schema.models),
             len(schema.indexes))
    assert shape == SHAPES[version]
    assert schema.source == str(_fixture(version))
    logs = schema.model("LiteLLM_SpendLogs")
    assert logs is not None and logs.primary_key == ("request_id",)
    spend = logs.field("spend")
    assert spend is not None and (spend.prisma_type, spend.default) == ("Float", Default(value=0))


def test_what_the_parser_keeps_from_1_109_1() -> None:
    schema = parse_file(_fixture("1.109.1"))
    model_table = schema.model("LiteLLM_ModelTable")
    assert model_table is not None
    aliases = model_table.field("model_aliases")
    assert aliases is not None and (aliases.column, aliases.prisma_type) == ("aliases", "Json?")
    plugin = schema.model("LiteLLM_ClaudeCodePluginTable")
    assert plugin is not None and plugin.db_name == "LiteLLM_ClaudeCodePluginTable"
    assert [e.name for e in schema.enums] == [
        "JobStatus", "AccountingEventKind", "AccountingDeliveryState",
        "AccountingDeliveryTarget"]
    daily = schema.model("LiteLLM_DailyUserSpend")
    logs = schema.model("LiteLLM_SpendLogs")
    assert daily is not None and logs is not None
    # Same name, different types per model (FACTS): the model keeps them apart.
    assert daily.field("prompt_tokens").prisma_type == "BigInt"  # type: ignore[union-attr]
    assert logs.field("prompt_tokens").prisma_type == "Int"  # type: ignore[union-attr]
    token = schema.model("LiteLLM_VerificationToken")
    assert token is not None
    budget = token.field("litellm_budget_table")
    assert budget is not None and budget.relation is not None
    assert budget.relation.from_fields == ("budget_id",)
    settled = schema.model("LiteLLM_ManagedFileTable")
    assert settled is not None
    assert ("created_by", "created_at desc") in [i.fields for i in settled.indexes]


def test_parse_is_deterministic() -> None:
    text = _fixture("1.102.4").read_text(encoding="utf-8")
    first, second = parse_text(text), parse_text(text)
    assert first == second
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


def test_the_wheels_bad_schema_parses_but_differs() -> None:
    # LiteLLM ships it as a deliberately "bad" example: valid Prisma, wrong content.
    bad = parse_file(FIXTURES / "broken" / "bad_schema.prisma")
    assert len(bad.models) == 15
    logs, budget = bad.model("LiteLLM_SpendLogs"), bad.model("LiteLLM_BudgetTable")
    assert logs is not None and logs.field("custom_llm_provider") is None
    assert budget is not None and budget.field("temp_verification_token") is not None
    assert bad.model("LiteLLM_OrganizationMembership") is None


# --- broken and hostile input: SchemaParseError with Prisma's message, never a crash ----


HOSTILE: dict[str, tuple[str, list[str]]] = {
    "unclosed attribute": ("model A {\n  id String @id\n  n String @default(\n}\n",
                           ["(P1012)", "hostile.prisma:3"]),
    "unknown type": ("model A {\n  id String @id\n  n Money\n}\n",
                     ['Type "Money" is neither a built-in type', "hostile.prisma:3"]),
    "duplicate model": ("model A {\n  id Int @id\n}\nmodel A {\n  id Int @id\n}\n",
                        ['The model "A" cannot be defined because a model with that name '
                         "already exists", "hostile.prisma:4"]),
    "stray keyword": ("modle A {\n  id Int @id\n}\n",
                      ["This line is invalid", "hostile.prisma:1"]),
    "relation to nothing": (
        "model A {\n  id Int @id\n  b B @relation(fields: [id], references: [id])\n}\n",
        ['Type "B" is neither a built-in type', "hostile.prisma:3"]),
    "broken map": ('model A {\n  id Int @id @map(42)\n}\n',
                   ["hostile.prisma:2"]),
    "nul byte": ("model A {\n  id Int @id\u0000\n}\n", ["(P1012)"]),
    "script injection": ('model A {\n  id Int @id\n}\n"); process.exit(0); //\n',
                         ["This line is invalid"]),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_schema_raises_prismas_error(case: str) -> None:
    text, needles = HOSTILE[case]
    with pytest.raises(SchemaParseError) as info:
        parse_text(text, source="hostile.prisma")
    message = str(info.value)
    assert message.startswith("Prisma rejected hostile.prisma")
    for needle in needles:
        assert needle in message, message
    assert int(info.value.exit_code) == 2


def test_first_error_in_a_batch_names_its_file() -> None:
    good = _fixture("1.60.0").read_text(encoding="utf-8")
    with pytest.raises(SchemaParseError, match=r"Prisma rejected second\.prisma"):
        parse_many([(good, "first.prisma"), ("model {", "second.prisma")])


def test_unusual_but_valid_input() -> None:
    assert parse_text("", source="empty.prisma").models == ()
    only_comments = "// nothing\n" * 20_000
    assert parse_text(only_comments).models == ()
    long_name = "M" + "x" * 500
    schema = parse_text(f"model {long_name} {{\n  id Int @id\n  note String "
                        '@default("é ✓ \\"q\\" </script>")\n}\n')
    assert schema.models[0].name == long_name
    note = schema.models[0].field("note")
    assert note is not None and note.default == Default(value='é ✓ "q" </script>')


def test_parse_file_errors(tmp_path: Path) -> None:
    with pytest.raises(SchemaParseError, match="No such file"):
        parse_file(tmp_path / "absent.prisma")
    with pytest.raises(SchemaParseError, match="Is a directory"):
        parse_file(tmp_path)
    binary = tmp_path / "binary.prisma"
    binary.write_bytes(b"\xff\xfe\x00model")
    with pytest.raises(SchemaParseError, match="not UTF-8 text"):
        parse_file(binary)


# --- the cache ------------------------------------------------------------------------


def _count_node_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = _node.run_script

    def counting(script: str, payload: Any, **kw: Any) -> Any:
        calls.append(len(payload["schemas"]))
        return real(script, payload, **kw)

    monkeypatch.setattr(_node, "run_script", counting)
    return calls


def test_cold_then_warm(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_node_runs(monkeypatch)
    text = _fixture("1.109.1").read_text(encoding="utf-8")
    cold = parse_text(text)
    assert calls == [1]
    entries = list((fresh_cache / "parsed").glob("*.json"))
    assert len(entries) == 1 and entries[0].name.endswith(f"-{cold.sha256}.json")
    assert _node.lock_digest() in entries[0].name
    warm = parse_text(text, source="elsewhere.prisma")
    assert calls == [1]
    assert warm.models == cold.models and warm.source == "elsewhere.prisma"


def test_batch_dedups_and_starts_node_once(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_node_runs(monkeypatch)
    a, b = (_fixture(v).read_text(encoding="utf-8") for v in ("1.60.0", "1.80.0"))
    schemas = parse_many([(a, "a1"), (b, "b"), (a, "a2")])
    assert calls == [2]
    assert [s.source for s in schemas] == ["a1", "b", "a2"]
    assert schemas[0].models == schemas[2].models


def test_errors_are_not_cached(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_node_runs(monkeypatch)
    for _ in range(2):
        with pytest.raises(SchemaParseError):
            parse_text("model A {", source="x.prisma")
    assert calls == [1, 1]
    assert not list((fresh_cache / "parsed").glob("*.json"))


def test_corrupt_cache_entry_is_reparsed(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _fixture("1.60.0").read_text(encoding="utf-8")
    good = parse_text(text)
    entry = next((fresh_cache / "parsed").glob("*.json"))
    entry.write_text('{"models": [', encoding="utf-8")
    calls = _count_node_runs(monkeypatch)
    assert parse_text(text) == good
    assert calls == [1]
    assert json.loads(entry.read_text(encoding="utf-8"))["datamodel"]["models"]


def test_warm_parse_needs_no_node(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _fixture("1.80.0").read_text(encoding="utf-8")
    parse_text(text)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert len(parse_text(text).models) == 35
    with pytest.raises(ToolchainError, match="node is not on PATH"):
        parse_text(text + "\n// changed\n")
