"""A hostile-schema corpus: output either means exactly the schema, or nemoctl refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nemoctl.codegen import render_outputs
from nemoctl.errors import BadInputError, SchemaParseError
from tests.codegen.conftest import HEAD, run_python, run_tsc, write_outputs

# Comment text aimed at each output language's string and comment syntax.
INJECTIONS = [
    '"""\nimport os\nos.system("echo pwned")\n"""',
    "*/ export const x = 1; /*",
    "ends with a backslash \\",
    "\\\"\"\" '''\\n and \\u0041 \\x41",
    "</script> ${x} `tpl` @type {any} // #",
    "multi\nline\n\nwith blank",
    "non-ASCII: été \u2013 日本語 \u2013 🚀",
]


def _doc(text: str) -> str:
    return "".join(f"/// {line}\n" for line in text.split("\n"))


def _hostile_comment_schema() -> str:
    models = []
    for i, text in enumerate(INJECTIONS):
        models.append(
            f"{_doc(text)}model M{i} {{\n  id String @id\n{_indent(_doc(text))}"
            f"  value String?\n}}\n"
        )
    enum = f'{_doc(INJECTIONS[0])}enum Kind {{\n  a\n  b\n}}\n'
    return HEAD + enum + "\n".join(models)


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


@pytest.fixture(scope="module")
def hostile_comments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outputs = render_outputs(_hostile_comment_schema(), upstream_version="0.0.1",
                             wheel_sha256=None)
    return write_outputs(tmp_path_factory.mktemp("hostile"), outputs)


def test_comments_become_exact_docstrings_and_nothing_else(hostile_comments: Path) -> None:
    check = f"""
import inspect, json, sys
import nemoctl_models as m
import nemoctl_models.models as mod
texts = json.loads({json.dumps(json.dumps(INJECTIONS))})
for i, text in enumerate(texts):
    row = getattr(m, f"M{{i}}")
    assert inspect.cleandoc(row.__doc__) == text, (i, row.__doc__)
    desc = row.model_fields["value"].description
    assert desc == text, (i, desc)
assert inspect.cleandoc(m.Kind.__doc__) == texts[0]
# Nothing but the expected names exists at module level: no `os`, no `x`.
public = {{n for n in vars(mod) if not n.startswith("__")}}
assert "os" not in public and "x" not in public, public
print("ok")
"""
    proc = run_python(hostile_comments, check)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"
    assert "pwned" not in proc.stdout + proc.stderr


def test_comments_cannot_escape_jsdoc(hostile_comments: Path) -> None:
    ts_path = hostile_comments / "generated/typescript/index.d.ts"
    assert run_tsc(ts_path).returncode == 0
    ts = ts_path.read_text()
    code_lines = [ln for ln in ts.splitlines() if not ln.lstrip().startswith(("*", "/**", "//"))]
    assert not [ln for ln in code_lines if "export const" in ln]
    assert "*\\/ export const x = 1;" in ts  # escaped, still readable
    usage = hostile_comments / "usage.ts"
    usage.write_text(
        'import type { M1, M1Input } from "./generated/typescript/index";\n'
        'const row: M1 = { id: "a", value: null };\n'
        'const input: M1Input = { id: "a" };\n'
        "// @ts-expect-error: x is not exported, the comment did not become code\n"
        'import { x } from "./generated/typescript/index";\n'
        "export { row, input, x };\n"
    )
    proc = run_tsc(usage)
    assert proc.returncode == 0, proc.stdout


def test_json_schema_keeps_comment_text_verbatim(hostile_comments: Path) -> None:
    contract = json.loads((hostile_comments / "schemas/schema.json").read_text())
    for i, text in enumerate(INJECTIONS):
        assert contract["$defs"][f"M{i}"]["description"] == text
        assert contract["$defs"][f"M{i}"]["properties"]["value"]["description"] == text


KEYWORD_FIELDS = HEAD + """
enum Flag {
  class
  None
  True
  import
}

model Odd {
  id           String  @id
  class        String
  from         Int
  import       String?
  model_config String  @default("x")
  json         Json
  schema       String?
  copy         Boolean @default(false)
  def          Flag
  self         String?
}
"""


def test_keyword_field_and_enum_names_keep_their_meaning(tmp_path: Path) -> None:
    outputs = render_outputs(KEYWORD_FIELDS, upstream_version="0.0.1", wheel_sha256=None)
    root = write_outputs(tmp_path, outputs)
    check = """
import json
from nemoctl_models import Odd, OddInput, Flag
row = {"id": "1", "class": "c", "from": 2, "import": None, "model_config": "m",
       "json": {"k": [1]}, "schema": None, "copy": True, "def": "None", "self": "s"}
parsed = Odd.model_validate(row)
assert parsed.model_dump(mode="json", by_alias=True) == row, parsed
assert [f.value for f in Flag] == ["class", "None", "True", "import"]
assert Odd.model_validate_json(json.dumps(row)) == parsed
created = OddInput.model_validate(
    {"id": "1", "class": "c", "from": 2, "json": None, "def": "class"})
assert created.model_dump(by_alias=True, exclude_unset=True) == {
    "id": "1", "class": "c", "from": 2, "json": None, "def": "class"}
print("ok")
"""
    proc = run_python(root, check)
    assert proc.returncode == 0, proc.stderr[-3000:]
    usage = root / "usage.ts"
    usage.write_text(
        'import type { Odd, Flag } from "./generated/typescript/index";\n'
        'const f: Flag = "None";\n'
        'const o: Odd = { id: "1", class: "c", from: 2, import: null, model_config: "m",\n'
        '  json: { k: [1] }, schema: null, copy: true, def: f, self: "s" };\n'
        "export { o };\n"
    )
    assert run_tsc(usage).returncode == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("model None {\n  id String @id\n}\n", "model 'None' is a Python keyword"),
        ("model lambda {\n  id String @id\n}\n", "model 'lambda' is a Python keyword"),
        ("model str {\n  id String @id\n}\n", "model 'str' would shadow the Python builtin"),
        ("model string {\n  id String @id\n}\n", "model 'string' is a reserved word in TypeScript"),
        ("model JsonValue {\n  id String @id\n}\n", "would shadow a name the generated code"),
        ("model datetime {\n  id String @id\n}\n", "would shadow a name the generated code"),
        ("enum match {\n  a\n}\n", "enum 'match' is a Python keyword"),
        (
            "model Foo {\n  id String @id\n}\nmodel FooInput {\n  id String @id\n}\n",
            "model FooInput collides with the create shape of model Foo",
        ),
        (
            "/// bidi \u202e override\nmodel A {\n  id String @id\n}\n",
            "comment on model A contains characters that cannot be rendered faithfully (U+202E)",
        ),
        (
            "model A {\n  /// escape \x1b[31m\n  id String @id\n}\n",
            "comment on A.id contains characters",
        ),
    ],
)
def test_unsafe_names_and_comments_are_refused(body: str, message: str) -> None:
    with pytest.raises(BadInputError) as info:
        render_outputs(HEAD + body, upstream_version="0.0.1", wheel_sha256=None)
    assert message in info.value.message


@pytest.mark.parametrize(
    "body",
    [
        "model Été {\n  id String @id\n}\n",
        "model A {\n  id String @id\n  naïve String\n}\n",
        "model class {\n  id String @id\n}\n",
    ],
)
def test_names_prisma_itself_rejects_fail_with_prismas_message(body: str) -> None:
    with pytest.raises(SchemaParseError) as info:
        render_outputs(HEAD + body, upstream_version="0.0.1", wheel_sha256=None)
    assert "schema.prisma" in info.value.message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"upstream_version": "1.0\nimport os", "wheel_sha256": None}, "invalid upstream version"),
        ({"upstream_version": "1.0", "wheel_sha256": "*/ x"}, "invalid wheel sha256"),
    ],
)
def test_header_inputs_are_validated(kwargs: dict[str, str | None], message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        render_outputs(HEAD + "model A {\n  id String @id\n}\n", **kwargs)  # type: ignore[arg-type]


def test_crlf_comments_are_read_as_lines(tmp_path: Path) -> None:
    text = (HEAD + "/// first\n/// second\nmodel A {\n  id String @id\n}\n").replace("\n", "\r\n")
    outputs = render_outputs(text, upstream_version="0.0.1", wheel_sha256=None)
    contract = json.loads(outputs["schemas/schema.json"])
    assert contract["$defs"]["A"]["description"] == "first\nsecond"


PYDANTIC_NAMES = HEAD + """
model Model {
  id             String @id
  model_validate String
  model_fields   Int
  validate       String
  dict           String
  copy           String
  class          String
  class_         String
}
"""


def test_pydantic_attribute_and_clashing_field_names(tmp_path: Path) -> None:
    outputs = render_outputs(PYDANTIC_NAMES, upstream_version="0.0.1", wheel_sha256=None)
    root = write_outputs(tmp_path, outputs)
    check = """
import warnings
warnings.simplefilter("ignore")  # pydantic warns about `model_*` names; they still work
from nemoctl_models import Model
row = {"id": "1", "model_validate": "v", "model_fields": 2, "validate": "x", "dict": "d",
       "copy": "c", "class": "k", "class_": "k2"}
parsed = Model.model_validate(row)
assert parsed.model_dump(by_alias=True) == row, parsed.model_dump(by_alias=True)
assert callable(Model.model_validate)  # the field did not replace the method
print("ok")
"""
    proc = run_python(root, check)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"
    usage = root / "usage.ts"
    usage.write_text(
        'import type { Model } from "./generated/typescript/index";\n'
        'const m: Model = { id: "1", model_validate: "v", model_fields: 2, validate: "x",\n'
        '  dict: "d", copy: "c", class: "k", class_: "k2" };\n'
        "export { m };\n"
    )
    assert run_tsc(usage).returncode == 0


@pytest.mark.parametrize("name", ["Literal", "Optional", "NemoctlSchemaRoot", "BaseModel"])
def test_names_the_generator_may_import_are_refused(name: str) -> None:
    with pytest.raises(BadInputError, match=f"model '{name}' would shadow"):
        render_outputs(HEAD + f"model {name} {{\n  id String @id\n}}\n",
                       upstream_version="0.0.1", wheel_sha256=None)
