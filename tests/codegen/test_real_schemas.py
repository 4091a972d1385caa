"""Real LiteLLM schemas: deterministic, complete, importable, accepted by tsc."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from nemoctl.codegen import render_outputs
from nemoctl.schema.parser import parse_text
from tests.codegen.conftest import (
    PINNED,
    PINNED_WHEEL_SHA256,
    REPO,
    VERSIONS,
    run_python,
    run_tsc,
    schema_text,
)


def test_committed_outputs_are_what_the_pinned_schema_renders() -> None:
    outputs = render_outputs(
        schema_text(PINNED), upstream_version=PINNED, wheel_sha256=PINNED_WHEEL_SHA256
    )
    for rel, data in outputs.items():
        assert (REPO / rel).read_bytes() == data, f"{rel} is stale; run `nemoctl generate`"


def test_render_is_deterministic(rendered: dict[str, Path]) -> None:
    again = render_outputs(schema_text("1.60.0"), upstream_version="1.60.0", wheel_sha256=None)
    for rel, data in again.items():
        assert (rendered["1.60.0"] / rel).read_bytes() == data


@pytest.mark.parametrize("version", VERSIONS)
def test_every_model_and_enum_keeps_its_name(rendered: dict[str, Path], version: str) -> None:
    schema = parse_text(schema_text(version))
    root = rendered[version]
    contract = json.loads((root / "schemas/schema.json").read_text())
    assert contract["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    expected = {m.name for m in schema.models} | {f"{m.name}Input" for m in schema.models}
    expected |= {f"{m.name}Update" for m in schema.models}
    expected |= {e.name for e in schema.enums}
    assert set(contract["$defs"]) == expected | {"JsonValue"}

    tree = ast.parse((root / "generated/python/nemoctl_models/models.py").read_text())
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert classes == expected
    ts = (root / "generated/typescript/index.d.ts").read_text()
    for name in expected:
        assert f"export interface {name} {{" in ts or f"export type {name} = " in ts
    assert "LiteLLM_BudgetTable" in classes  # the name datamodel-codegen renames by default


@pytest.mark.parametrize("version", VERSIONS)
def test_every_ref_resolves(rendered: dict[str, Path], version: str) -> None:
    contract = json.loads((rendered[version] / "schemas/schema.json").read_text())
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(contract)
    assert refs
    for ref in refs:
        assert ref.startswith("#/$defs/") and ref.split("/")[-1] in contract["$defs"]


@pytest.mark.parametrize("version", VERSIONS)
def test_tsc_strict_accepts_declarations(rendered: dict[str, Path], version: str) -> None:
    proc = run_tsc(rendered[version] / "generated/typescript/index.d.ts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# Every model gets a synthetic row (each column with a value of its type) that must
# validate, and the same row with one column of the wrong type that must not.
_SYNTHETIC = r'''
import datetime, json, sys
from pydantic import ValidationError
import nemoctl_models as m
contract = json.load(open("schemas/schema.json"))
def value(prop):
    t = prop["x-prisma-type"].rstrip("?")
    base = t.rstrip("[]")
    enum = contract["$defs"].get(base, {}).get("enum")
    one = {"String": "s", "Boolean": True, "Int": 7, "BigInt": 2**60, "Float": 1.5,
           "Decimal": "1.10", "DateTime": "2026-01-02T03:04:05", "Json": {"a": [1, None]},
           "Bytes": "aGk="}.get(base, enum[0] if enum else None)
    return [one] if t.endswith("[]") else one
checked = 0
for name, (row, create) in m.MODELS.items():
    props = contract["$defs"][name]["properties"]
    data = {k: value(p) for k, p in props.items()}
    row.model_validate(data)
    row.model_validate_json(json.dumps(data))
    for key, p in props.items():
        if p["x-prisma-type"] in ("String", "DateTime", "Int", "Boolean"):
            bad = dict(data, **{key: {"not": "valid"}})
            try:
                row.model_validate(bad)
            except ValidationError:
                break
            sys.exit(f"{name}.{key}: a wrong type was accepted")
    missing = dict(data)
    missing.pop(next(iter(props)))
    try:
        row.model_validate(missing)
    except ValidationError:
        pass
    else:
        sys.exit(f"{name}: a row without {next(iter(props))} was accepted")
    required = contract["$defs"][name + "Input"]["required"]
    create.model_validate({k: data[k] for k in required})
    checked += 1
print(checked)
'''


@pytest.mark.parametrize("version", VERSIONS)
def test_generated_python_validates_rows_of_every_model(
    rendered: dict[str, Path], version: str
) -> None:
    proc = run_python(rendered[version], _SYNTHETIC)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout) == len(parse_text(schema_text(version)).models)


def test_generated_python_passes_mypy_strict(rendered: dict[str, Path]) -> None:
    import subprocess
    import sys

    root = rendered["1.109.1"] / "generated" / "python"
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
         "-p", "nemoctl_models"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.parametrize("version", ["1.80.0", "1.100.0", "1.106.0", "1.108.0"])
def test_other_real_schemas_render_and_pass_the_output_checks(version: str) -> None:
    # render_outputs re-reads its own Python (ast) and TypeScript (parser) output and
    # raises if either differs from the schema; here that is the whole assertion.
    outputs = render_outputs(schema_text(version), upstream_version=version, wheel_sha256=None)
    schema = parse_text(schema_text(version))
    models_py = outputs["generated/python/nemoctl_models/models.py"].decode()
    assert all(f"class {m.name}(BaseModel):" in models_py for m in schema.models)


def test_generated_python_is_ruff_clean(rendered: dict[str, Path]) -> None:
    import subprocess
    import sys

    root = rendered["1.109.1"] / "generated" / "python"
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F,E9",
         "nemoctl_models"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_output_does_not_depend_on_the_working_directory(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    import subprocess
    import sys

    # A project whose formatter settings differ in every way the generator could read.
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 60\n[tool.black]\nline-length = 60\n"
        "skip-string-normalization = true\n[tool.isort]\nline_length = 60\n"
        'known_first_party = ["pydantic", "nemoctl_models"]\n'
        "[tool.datamodel-codegen]\nbuiltin-format-line-length = 60\n"
    )
    code = (
        "import sys\nfrom pathlib import Path\nfrom nemoctl.codegen import render_outputs\n"
        "text = Path(sys.argv[1]).read_text()\n"
        "out = render_outputs(text, upstream_version='1.60.0', wheel_sha256=None)\n"
        "sys.stdout.buffer.write(out['generated/python/nemoctl_models/models.py'])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "tests/fixtures/schemas/1.60.0/schema.prisma")],
        cwd=tmp_path, capture_output=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = (rendered["1.60.0"] / "generated/python/nemoctl_models/models.py").read_bytes()
    assert proc.stdout == expected
