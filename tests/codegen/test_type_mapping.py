"""Every Prisma scalar, as a value, a nullable value, a list and a literal default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.codegen import render_outputs
from tests.codegen.conftest import HEAD, run_python, run_tsc, write_outputs

ALL_TYPES = HEAD + """
enum Color {
  red
  green
}

model Everything {
  id        String   @id @default(uuid())
  s         String   @default("x")
  b         Boolean  @default(true)
  i         Int      @default(7)
  big       BigInt   @default(9007199254740993)
  f         Float    @default(1)
  dec       Decimal  @default(1.25)
  dt        DateTime @default("2020-01-01T00:00:00Z")
  j         Json     @default("[1, {\\"a\\": null}]")
  by        Bytes
  c         Color    @default(red)
  s_opt     String?
  big_opt   BigInt?
  dt_opt    DateTime?
  j_opt     Json?
  by_opt    Bytes?
  c_opt     Color?
  s_list    String[] @default(["a"])
  i_list    Int[]    @default([1, 2])
  big_list  BigInt[]
  f_list    Float[]  @default([1, 2.5])
  dt_list   DateTime[]
  c_list    Color[]  @default([red, green])
  by_list   Bytes[]
  updated   DateTime @updatedAt
  other     Other?   @relation(fields: [other_id], references: [id])
  other_id  String?
}

model Other {
  id    String       @id
  items Everything[]
}
"""


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outputs = render_outputs(ALL_TYPES, upstream_version="0.0.1", wheel_sha256=None)
    return write_outputs(tmp_path_factory.mktemp("everything"), outputs)


def test_python_types_and_create_defaults(everything: Path) -> None:
    check = r'''
import base64, datetime, decimal, json
from pydantic import ValidationError
from nemoctl_models import Color, Everything, EverythingInput
row = {
    "id": "1", "s": "x", "b": True, "i": 7, "big": 2**63 - 1, "f": 1.5, "dec": "1.25",
    "dt": "2020-01-01T00:00:00", "j": [1, {"a": None}],
    "by": base64.b64encode(b"\x00\xff").decode(),
    "c": "red", "s_opt": None, "big_opt": None, "dt_opt": None, "j_opt": None, "by_opt": None,
    "c_opt": None, "s_list": [], "i_list": [1], "big_list": [2**62], "f_list": [0.5],
    "dt_list": ["2020-01-01T00:00:00Z"], "c_list": ["green"], "by_list": [], "updated":
    "2020-01-01T00:00:00", "other_id": None,
}
e = Everything.model_validate_json(json.dumps(row))
assert e.big == 2**63 - 1
assert isinstance(e.dec, decimal.Decimal) and e.dec == decimal.Decimal("1.25")
assert isinstance(e.dt, datetime.datetime) and e.dt_list[0].tzinfo is not None
assert e.by == b"\x00\xff" and e.c is Color.red and e.c_list == [Color.green]
assert "other" not in Everything.model_fields and "items" not in Everything.model_fields
for bad in ({"big": 2**63}, {"i": 2**31}, {"c": "blue"}, {"by": "%%"}, {"dec": "abc"},
            {"i_list": ["x"]}, {"b": "maybe"}):
    try:
        Everything.model_validate({**row, **bad})
    except ValidationError:
        continue
    raise SystemExit(f"accepted {bad}")
created = EverythingInput(by=b"\x01", big_list=[], dt_list=[], by_list=[])
d = created.model_dump()
assert d["s"] == "x" and d["b"] is True and d["i"] == 7 and d["big"] == 9007199254740993
assert type(d["f"]) is float and d["j"] == [1, {"a": None}] and d["c"] is Color.red
assert d["s_list"] == ["a"] and d["i_list"] == [1, 2] and d["f_list"] == [1.0, 2.5]
assert d["c_list"] == [Color.red, Color.green]
assert d["dt"] is None and d["dec"] is None and d["updated"] is None  # left to the database
assert EverythingInput.model_json_schema()["required"] == ["by"]
print("ok")
'''
    proc = run_python(everything, check)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"


def test_typescript_types(everything: Path) -> None:
    usage = everything / "usage.ts"
    usage.write_text('''\
import type {
  Everything, EverythingInput, Color, JsonValue, PrismaBigInt,
} from "./generated/typescript/index";
const big: PrismaBigInt = 9007199254740993;
const j: JsonValue = [1, { a: null, b: [true, "s"] }];
const c: Color = "red";
const row: Everything = {
  id: "1", s: "x", b: true, i: 7, big, f: 1.5, dec: "1.25", dt: "2020-01-01T00:00:00Z", j,
  by: "AP8=", c, s_opt: null, big_opt: null, dt_opt: null, j_opt: null, by_opt: null,
  c_opt: null, s_list: [], i_list: [1], big_list: [big], f_list: [0.5], dt_list: [],
  c_list: ["green"], by_list: [], updated: "2020-01-01T00:00:00Z", other_id: null,
};
const input: EverythingInput = { by: "AP8=" };
// @ts-expect-error: a row carries every column
const partial: Everything = { id: "1" };
// @ts-expect-error: enums are string unions
const wrongColor: Color = "blue";
// @ts-expect-error: Json is not `any`
const notJson: JsonValue = () => 1;
// @ts-expect-error: relations are not columns
const rel: Everything["other"] = null;
export { row, input, partial, wrongColor, notJson, rel };
''')
    proc = run_tsc(usage)
    assert proc.returncode == 0, proc.stdout


def test_generated_python_is_mypy_strict_clean(everything: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
         "-p", "nemoctl_models"],
        cwd=everything / "generated" / "python", capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
