"""The last line of defence: generated code that does not mean the schema is refused."""

from __future__ import annotations

from typing import Any

import pytest

from nemoctl import _node
from nemoctl.codegen import GeneratedCodeError, jsonschema
from nemoctl.codegen.python import render_models, verify_models
from nemoctl.schema.parser import parse_text
from tests.codegen.conftest import HEAD

SCHEMA = HEAD + '/// A doc\nmodel A {\n  id String @id\n  n Int?\n}\nenum E {\n  x\n  y\n}\n'


@pytest.fixture(scope="module")
def contract() -> dict[str, Any]:
    return jsonschema.build(parse_text(SCHEMA), upstream="litellm", version="0.0.1")


@pytest.fixture(scope="module")
def good_code(contract: dict[str, Any]) -> str:
    return render_models(contract, header="# test")


def test_clean_output_passes(good_code: str, contract: dict[str, Any]) -> None:
    verify_models(good_code, contract)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c + "\nimport os\n", "unexpected top-level statement"),
        (lambda c: c + "\nos = __import__('os')\n", "unexpected top-level statement"),
        (lambda c: c.replace("from __future__", "from os import system\nfrom __future__"),
         "unexpected import from 'os'"),
        (lambda c: c.replace("    n: ", "    m: ", 1), "fields differ"),
        (lambda c: c.replace("A doc", "Another doc", 1), "docstring differs"),
        (lambda c: c.replace("x = 'x'", "x = 'z'"), "enum values differ"),
        (lambda c: c.replace("class E(StrEnum):", "class F(StrEnum):"), "unexpected top-level"),
        (lambda c: c + '\nclass A(BaseModel):\n    """A doc"""\n    id: str\n    n: int | None\n',
         "generated classes differ"),
        (lambda c: c.replace("    id: str\n", "    id: str\n    print('x')\n", 1),
         "unexpected statement"),
    ],
)
def test_tampered_python_is_refused(
    good_code: str, contract: dict[str, Any], mutate: Any, message: str
) -> None:
    bad = mutate(good_code)
    assert bad != good_code
    with pytest.raises(GeneratedCodeError, match=message):
        verify_models(bad, contract)


def _ts(definitions: list[dict[str, Any]]) -> dict[str, Any]:
    reply: dict[str, Any] = _node.run_script(
        "gen_typescript.js", {"definitions": definitions, "prelude": "", "preludeNames": []}
    )
    return reply


def test_typescript_check_accepts_the_expected_declaration() -> None:
    reply = _ts([{"name": "A", "properties": ["x"], "schema": {
        "title": "A", "type": "object", "properties": {"x": {"type": "string"}},
        "required": ["x"]}}])
    assert reply["ok"], reply
    assert "export interface A {" in reply["code"]


@pytest.mark.parametrize(
    "tstype",
    [
        "string }\nexport const pwned = 1;\nexport interface Z {",
        "string }\nexport interface A2 { y: string",
    ],
)
def test_typescript_with_an_extra_declaration_is_refused(tstype: str) -> None:
    # tsType is json-schema-to-typescript's raw channel; nemoctl only ever puts
    # validated names there, and the check catches anything else that slips out.
    reply = _ts([{"name": "A", "properties": ["x"], "schema": {
        "title": "A", "type": "object", "properties": {"x": {"tsType": tstype}},
        "required": ["x"]}}])
    assert not reply["ok"]
    assert "unexpected" in reply["error"] or "differ" in reply["error"]


def test_typescript_with_different_properties_is_refused() -> None:
    reply = _ts([{"name": "A", "properties": ["x", "y"], "schema": {
        "title": "A", "type": "object", "properties": {"x": {"type": "string"}}}}])
    assert not reply["ok"] and "properties differ" in reply["error"]
