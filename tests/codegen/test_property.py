"""Property: for any schema the real Prisma parser accepts, rendering either refuses it
with exit 2 naming the item, or produces code that imports and type-checks.

Schemas are drawn from identifier alphabets mixed with the names that broke or could
break a generator (Python and TypeScript keywords, ``Object.prototype`` members,
pydantic attributes, the package's own constants, non-PascalCase tables), enums
declared before or after the models that use them in defaults, lists, optionals and
literal defaults.  ``render_outputs`` proves its result (a fresh interpreter imports
the package; ``tsc --strict`` compiles the declarations), so "exit 0" here already
means "imports"; the test adds that every name survived exactly.

Each accepted example runs both generators and the proof (a few seconds), so the
example count is small and the run derandomized: the same examples in every CI run.
"""

from __future__ import annotations

import ast
import string

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nemoctl.codegen import render_outputs
from nemoctl.errors import BadInputError, ExitCode, SchemaParseError
from tests.codegen.conftest import HEAD

pytestmark = pytest.mark.usefixtures("no_remembered_proofs")

SPECIAL_NAMES = [
    # Python / TypeScript words and builtins
    "class", "def", "None", "True", "import", "match", "type", "string", "number",
    "interface", "enum", "default", "str", "list", "object", "self",
    # Object.prototype members (json-schema-to-typescript reads schemas as objects)
    "hasOwnProperty", "constructor", "toString", "valueOf", "isPrototypeOf",
    # pydantic and generated-module names
    "model_config", "model_fields", "schema", "json", "dict", "copy", "validate",
    "BaseModel", "Field", "datetime", "Decimal", "JsonValue", "PrismaBigInt",
    # the package's constants and derived-name collisions
    "MODELS", "TABLES", "COLUMNS", "UPSTREAM", "SCHEMA_SHA256",
    # non-PascalCase table names as `prisma db pull` writes them
    "user", "spend_logs", "audit_log2", "X", "aB_c",
]

_identifier = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(string.ascii_letters),
    st.text(string.ascii_letters + string.digits + "_", max_size=8),
)
NAMES = st.one_of(st.sampled_from(SPECIAL_NAMES), _identifier)

SCALARS = ["String", "Int", "BigInt", "Float", "Boolean", "DateTime", "Json", "Decimal", "Bytes"]
LITERAL_DEFAULTS = {"String": '"d"', "Int": "7", "BigInt": "9", "Float": "1.5",
                    "Boolean": "true"}


@st.composite
def schemas(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    enum_names = draw(st.lists(NAMES, max_size=2, unique_by=str.lower))
    enums = {
        name: draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)) for name in enum_names
    }
    model_names = draw(
        st.lists(NAMES, min_size=1, max_size=3, unique_by=str.lower)
        .filter(lambda ms: not set(map(str.lower, ms)) & set(map(str.lower, enum_names)))
    )
    blocks: list[str] = []
    for name, values in enums.items():
        blocks.append(f"enum {name} {{\n" + "".join(f"  {v}\n" for v in values) + "}\n")
    for model in model_names:
        fields = ["  id String @id"]
        for field in draw(st.lists(NAMES.filter(lambda n: n != "id"), max_size=4, unique=True)):
            ftype = draw(st.sampled_from(SCALARS + list(enums)))
            modifier = draw(st.sampled_from(["", "?", "[]"]))
            line = f"  {field} {ftype}{modifier}"
            if ftype in enums and draw(st.booleans()):
                value = draw(st.sampled_from(enums[ftype]))
                line += f" @default([{value}])" if modifier == "[]" else f" @default({value})"
            elif ftype in LITERAL_DEFAULTS and modifier != "[]" and draw(st.booleans()):
                line += f" @default({LITERAL_DEFAULTS[ftype]})"
            fields.append(line)
        blocks.append(f"model {model} {{\n" + "\n".join(fields) + "\n}\n")
    # Enum/model order is part of the input: enums after their users broke imports.
    order = draw(st.permutations(blocks))
    return HEAD + "\n".join(order), model_names, enum_names


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(schemas())
def test_generate_exits_0_only_with_code_that_imports(
    case: tuple[str, list[str], list[str]],
) -> None:
    text, model_names, enum_names = case
    try:
        outputs = render_outputs(text, upstream_version="0.0.1", wheel_sha256=None)
    except SchemaParseError as exc:
        assert exc.exit_code == ExitCode.BAD_INPUT  # Prisma itself refused it: fine
        event("refused by Prisma")
        return
    except BadInputError as exc:
        # Refused by nemoctl: exit 2, and the message names what it refused.
        assert exc.exit_code == ExitCode.BAD_INPUT
        assert any(repr(n) in exc.message or f" {n} " in exc.message
                   for n in [*model_names, *enum_names]) or "field" in exc.message, exc.message
        event("refused by nemoctl (exit 2)")
        return
    event("generated and proven")
    # Accepted: the proof inside render_outputs imported and compiled it; every name
    # is exactly the schema's, in Python and in TypeScript.
    tree = ast.parse(outputs["generated/python/nemoctl_models/models.py"])
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for name in model_names:
        assert {name, f"{name}Input", f"{name}Update"} <= classes
    assert set(enum_names) <= classes
    ts = outputs["generated/typescript/index.d.ts"].decode()
    for name in model_names:
        assert f"export interface {name} {{" in ts
    assert "NemoctlType" not in ts and "nemoctlProp" not in ts
