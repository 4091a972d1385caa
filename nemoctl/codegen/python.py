"""Pydantic v2 models from the JSON Schema contract, via datamodel-code-generator.

datamodel-code-generator runs as a library with every output-affecting option set
explicitly (its defaults move between releases).  The result is then checked with
:mod:`ast`, without executing it: exactly the expected classes, each with exactly the
schema's fields (by alias) and docstring, and no other top-level statement.  A
schema comment therefore cannot smuggle code into the module, even if a generator
bug let it out of its string.
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from nemoctl.codegen.jsonschema import JSON_VALUE
from nemoctl.config.codegen import DEFAULT_PYTHON_PACKAGE
from nemoctl.errors import NemoctlError

#: The default import name of the generated package (``[tool.nemoctl.generate]``).
PACKAGE = DEFAULT_PYTHON_PACKAGE
#: The class the generator emits for the document root (then removed); a schema may
#: not use this name (see ``_safety``), so it never collides with a model.
ROOT_PLACEHOLDER = "NemoctlSchemaRoot"


def _custom_types(package: str) -> dict[str, str]:
    return {"Json": "pydantic.JsonValue", "Bytes": f"{package}._types.PrismaBytes"}


def _allowed_imports(package: str) -> frozenset[str]:
    return frozenset(
        {"__future__", "datetime", "decimal", "enum", "typing", "pydantic", f"{package}._types"}
    )


class GeneratedCodeError(NemoctlError):
    """The generator produced code that does not mean exactly the schema (a bug)."""


def generator_version() -> str:
    from importlib.metadata import version

    return version("datamodel-code-generator")


def python_variant(contract: dict[str, Any], package: str = PACKAGE) -> dict[str, Any]:
    """The contract with Json and Bytes pointed at their Python types."""
    # Only the definitions, under a fixed root title: the generator turns the root's
    # title into a placeholder class (removed afterwards), so no schema text goes there.
    doc: dict[str, Any] = {
        "$schema": contract["$schema"],
        "title": ROOT_PLACEHOLDER,
        "$defs": copy.deepcopy(contract["$defs"]),
    }
    defs: dict[str, Any] = doc["$defs"]
    del defs[JSON_VALUE]
    for definition in defs.values():
        for prop in definition.get("properties", {}).values():
            _retarget(prop, package)
    return doc


def _retarget(node: dict[str, Any], package: str) -> None:
    scalar = node.get("x-prisma-type", "").rstrip("?[]")
    items = node.get("items")
    if isinstance(items, dict):
        # Bounded list items would become one RootModel class per field; the bounds
        # stay in the contract, the Python element type is a plain int.
        items.pop("minimum", None)
        items.pop("maximum", None)
    for child in (node.get("items"), *node.get("anyOf", ())):
        if isinstance(child, dict):
            _retarget_leaf(child, scalar, package)
    _retarget_leaf(node, scalar, package)


def _retarget_leaf(node: dict[str, Any], scalar: str, package: str) -> None:
    if node.get("$ref") == f"#/$defs/{JSON_VALUE}" or (
        scalar == "Bytes" and node.get("contentEncoding") == "base64"
    ):
        key = "Json" if "$ref" in node else "Bytes"
        nullable = isinstance(node.get("type"), list)
        for k in ("$ref", "type", "contentEncoding"):
            node.pop(k, None)
        custom = {"customTypePath": _custom_types(package)[key]}
        if nullable:
            node["anyOf"] = [custom, {"type": "null"}]
        else:
            node.update(custom)


def render_models(contract: dict[str, Any], *, header: str, package: str = PACKAGE) -> str:
    """``models.py``: every enum and model of ``contract`` as pydantic v2 code."""
    variant = python_variant(contract, package)
    with tempfile.TemporaryDirectory(prefix="nemoctl-dcg-") as settings:
        # The builtin formatter reads line length, quote style and import grouping
        # from the nearest pyproject.toml (by default the working directory's): point
        # it at a fixed one so the bytes never depend on where nemoctl runs.
        (Path(settings) / "pyproject.toml").write_text(_FORMATTER_SETTINGS, encoding="utf-8")
        code = _run_generator(variant, header, Path(settings))
    if not isinstance(code, str):
        raise GeneratedCodeError("datamodel-code-generator returned several modules; expected one")
    code = _enums_first(_drop_root_model(code), contract)
    verify_models(code, contract, package=package)
    return code


_LINE_LENGTH = 100
_FORMATTER_SETTINGS = f"""\
# nemoctl: fixed formatter settings for datamodel-code-generator
[tool.datamodel-codegen]
builtin-format-line-length = {_LINE_LENGTH}
"""


def _run_generator(variant: dict[str, Any], header: str, settings: Path) -> object:
    from datamodel_code_generator import generate as dcg_generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, Formatter, PythonVersion

    return dcg_generate(
        json.dumps(variant),
        settings_path=settings,
        builtin_format_line_length=_LINE_LENGTH,
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        formatters=[Formatter.BUILTIN],
        custom_file_header=header,
        disable_timestamp=True,
        keep_model_order=True,
        use_annotated=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_subclass_enum=True,
        use_specialized_enum=True,
        set_default_enum_member=True,
        use_schema_description=True,
        use_field_description=False,
        apply_default_values_for_required_fields=True,
        allow_population_by_field_name=True,
        strict_nullable=True,
        collapse_root_models=True,
        output_datetime_class=DatetimeClassType.Datetime,
        # Identity: `LiteLLM_BudgetTable` must stay `LiteLLM_BudgetTable`.
        custom_class_name_generator=lambda name: name,
    )


_ROOT_MODEL = re.compile(
    rf"\n+class {ROOT_PLACEHOLDER}\(RootModel\[Any\]\):\n    root: [^\n]*\n*"
)


def _drop_root_model(code: str) -> str:
    # The document root has no type of its own; the generator still emits a
    # placeholder class for it, which is removed here (verify_models re-checks).
    match = _ROOT_MODEL.search(code)
    if match is not None:
        code = code[: match.start()] + "\n\n\n" + code[match.end() :]
        code = _drop_unused_imports(code, ("Any", "RootModel"))
    return code.rstrip("\n") + "\n"


def _enums_first(code: str, contract: dict[str, Any]) -> str:
    """Every enum class before every model class, each group in the generator's order.

    The generator orders classes by name, so a model whose default is an enum member
    (``role: UserRole = UserRole.ADMIN``) could precede ``UserRole`` and fail with
    ``NameError`` at import: annotations are lazy, defaults are not.  Enums depend on
    nothing and models only on enums, so this order is valid for every schema.
    """
    tree = ast.parse(code)
    lines = code.split("\n")
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    tail = tree.body[tree.body.index(classes[0]) :] if classes else []
    if not classes or not all(isinstance(n, ast.ClassDef) for n in tail):
        return code  # anything else among the classes is left for verify_models to refuse
    # A list, not a dict: a duplicated class must survive to be refused by verify_models.
    blocks = [
        (n.name, "\n".join(lines[n.lineno - 1 - len(n.decorator_list) : n.end_lineno]).rstrip())
        for n in classes
    ]
    prefix = "\n".join(lines[: classes[0].lineno - 1 - len(classes[0].decorator_list)]).rstrip()
    defs = contract["$defs"]
    # Stable: within each group the generator's own order is kept.
    ordered = sorted(blocks, key=lambda b: 0 if "enum" in defs.get(b[0], {}) else 1)
    return prefix + "\n\n\n" + "\n\n\n".join(text for _, text in ordered) + "\n"


def _drop_unused_imports(code: str, candidates: tuple[str, ...]) -> str:
    """Remove ``candidates`` from one-line ``from x import a, b`` lines when unused."""
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    lines = code.split("\n")
    for i, line in enumerate(lines):
        head, sep, names = line.partition(" import ")
        if not (line.startswith("from ") and sep) or "(" in names:
            continue
        kept = [n for n in names.split(", ") if n not in candidates or n in used]
        if not kept:
            lines[i] = ""
        elif len(kept) != len(names.split(", ")):
            lines[i] = f"{head} import {', '.join(kept)}"
    return re.sub(r"\n{3,}(?=from |import )", "\n\n", "\n".join(lines))


def verify_models(code: str, contract: dict[str, Any], *, package: str = PACKAGE) -> None:
    """Check ``code`` declares exactly ``contract``'s types, fields and docstrings."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise GeneratedCodeError(f"generated Python does not parse: {exc}") from None
    defs: dict[str, Any] = {k: v for k, v in contract["$defs"].items() if k != JSON_VALUE}
    seen: list[str] = []
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.module not in _allowed_imports(package):
                raise GeneratedCodeError(f"unexpected import from {node.module!r}")
            imported.update(alias.asname or alias.name for alias in node.names)
            continue
        if isinstance(node, ast.ClassDef) and node.name in defs:
            _verify_class(node, defs[node.name])
            seen.append(node.name)
            continue
        raise GeneratedCodeError(
            f"unexpected top-level statement at line {node.lineno}: {ast.dump(node)[:80]}"
        )
    if shadowed := sorted(imported & set(seen)):
        raise GeneratedCodeError(f"generated classes shadow imported names: {shadowed}")
    if sorted(seen) != sorted(defs) or len(set(seen)) != len(seen):
        missing = sorted(set(defs) - set(seen))
        raise GeneratedCodeError(f"generated classes differ from the schema (missing: {missing})")


def _verify_class(node: ast.ClassDef, definition: dict[str, Any]) -> None:
    expected_doc = definition.get("description")
    doc = ast.get_docstring(node, clean=True)
    if (doc or None) != (inspect.cleandoc(expected_doc) if expected_doc else None):
        raise GeneratedCodeError(f"{node.name}: docstring differs from the schema comment")
    if "enum" in definition:
        values = [
            stmt.value.value
            for stmt in node.body
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
        ]
        if values != definition["enum"]:
            raise GeneratedCodeError(f"{node.name}: enum values differ from the schema")
        return
    names: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.append(_alias(stmt) or stmt.target.id)
        elif isinstance(stmt, ast.Assign) and [
            t.id for t in stmt.targets if isinstance(t, ast.Name)
        ] == ["model_config"]:
            continue
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # the docstring
        else:
            raise GeneratedCodeError(f"{node.name}: unexpected statement at line {stmt.lineno}")
    if names != list(definition["properties"]):
        raise GeneratedCodeError(f"{node.name}: fields differ from the schema")


def _alias(stmt: ast.AnnAssign) -> str | None:
    for call in ast.walk(stmt):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Field":
            for kw in call.keywords:
                if kw.arg == "alias" and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
    return None
