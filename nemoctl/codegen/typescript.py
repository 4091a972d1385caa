"""TypeScript declarations from the JSON Schema contract, via json-schema-to-typescript.

The contract's references become named types (``tsType``) and each definition is
compiled on its own by ``nemoctl/_node/gen_typescript.js``, which also re-reads the
result with the TypeScript parser and refuses anything but the expected exported
declarations with exactly the schema's properties.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from nemoctl import _node
from nemoctl.codegen.jsonschema import JSON_VALUE
from nemoctl.codegen.python import GeneratedCodeError
from nemoctl.config.codegen import BigIntMapping

_NODE_DIR = Path(_node.__file__).parent

#: Named scalar types: hovering a field in an editor shows why it has that type.
_JSON_VALUE_TYPE = "null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }"

_BIGINT_DOCS = {
    "number": (
        "APIs send it as a JSON number and `JSON.parse`\n"
        " * yields a `number`, exact only up to 2^53 - 1 (`Number.MAX_SAFE_INTEGER`); larger\n"
        " * values arrive rounded. Parse with a lossless JSON parser when exactness matters."
    ),
    "string": (
        "Typed as decimal text (`bigint = \"string\"`):\n"
        " * exact at any size. Read it as text (`col::text` in SQL, a lossless JSON parser)\n"
        " * and convert with `BigInt(value)` where arithmetic is needed."
    ),
    "bigint": (
        "Typed as a JavaScript `bigint` (`bigint = \"bigint\"`):\n"
        " * exact at any size, but `JSON.parse` never produces one; use a JSON parser that\n"
        " * yields `bigint` for large integers (or convert with `BigInt(value)`)."
    ),
}


def prelude(bigint: BigIntMapping = "number") -> str:
    return f'''\
/** Any JSON value: what a Prisma `Json` column holds. */
export type JsonValue = {_JSON_VALUE_TYPE};

/**
 * Prisma `BigInt` (64-bit integer). {_BIGINT_DOCS[bigint]}
 */
export type PrismaBigInt = {bigint};

/** Prisma `DateTime`: an ISO 8601 string in JSON (convert with `new Date(value)`). */
export type PrismaDateTime = string;

/** Prisma `Decimal`: a decimal string in JSON, kept as text so no precision is lost. */
export type PrismaDecimal = string;

/** Prisma `Bytes`: base64 text in JSON. */
export type PrismaBytes = string;'''


PRELUDE = prelude()
PRELUDE_NAMES = [JSON_VALUE, "PrismaBigInt", "PrismaDateTime", "PrismaDecimal", "PrismaBytes"]

_NAMED_SCALARS = {
    "BigInt": "PrismaBigInt",
    "DateTime": "PrismaDateTime",
    "Decimal": "PrismaDecimal",
    "Bytes": "PrismaBytes",
}


def generator_versions() -> dict[str, str]:
    """json-schema-to-typescript and typescript versions, read from the pinned lockfile."""
    lock = json.loads((_NODE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    packages = lock.get("packages", {})
    return {
        name: str(packages.get(f"node_modules/{name}", {}).get("version", "unknown"))
        for name in ("json-schema-to-typescript", "typescript")
    }


def escape_jsdoc(text: str) -> str:
    # `*/` would end the comment; `*\/` reads the same to a person and to JSDoc tools.
    return text.replace("*/", "*\\/")


def ts_definitions(contract: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One self-contained schema per enum and model, and the placeholder -> name map.

    Type and property names reach json-schema-to-typescript as neutral placeholders
    (``NemoctlType3``, ``nemoctlProp0``): it renames types it finds unusual (``user``
    becomes ``User``) and reads properties through ``hasOwnProperty``, so a schema's
    own names could change or break the output.  The node side maps them back.
    """
    names = [n for n in contract["$defs"] if n != JSON_VALUE]
    type_names = {name: f"NemoctlType{i}" for i, name in enumerate(names)}
    placeholders = {v: k for k, v in type_names.items()}
    out: list[dict[str, Any]] = []
    for name, definition in contract["$defs"].items():
        if name == JSON_VALUE:
            continue
        schema = _strip(copy.deepcopy(definition), type_names)
        schema["title"] = type_names[name]
        props = list(definition["properties"]) if "properties" in definition else None
        if props is not None:
            # Numbered across all definitions: each placeholder maps back to one name.
            first = sum(1 for k in placeholders if k.startswith("nemoctlProp"))
            prop_names = {p: f"nemoctlProp{first + i}" for i, p in enumerate(props)}
            placeholders.update({v: k for k, v in prop_names.items()})
            schema["properties"] = {prop_names[k]: v for k, v in schema["properties"].items()}
            schema["required"] = [prop_names[k] for k in schema.get("required", [])]
        out.append(
            {"name": name, "compileName": type_names[name], "schema": schema, "properties": props}
        )
    return out, placeholders


def _strip(node: Any, type_names: dict[str, str]) -> Any:
    """Drop annotations, escape comments and name scalar types, recursively."""
    if isinstance(node, list):
        return [_strip(x, type_names) for x in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for k, v in node.items():
        if k.startswith("x-") or k == "default":
            continue
        if k == "properties":
            # The keys here are column names, not schema keywords: a column named
            # `default` is kept (the hypothesis test found it dropped).
            result[k] = {name: _strip(_property(p), type_names) for name, p in v.items()}
        else:
            result[k] = _strip(v, type_names)
    if isinstance(result.get("description"), str):
        result["description"] = escape_jsdoc(result["description"])
    ref = result.pop("$ref", None)
    if isinstance(ref, str):
        target = ref.rsplit("/", 1)[-1]
        result["tsType"] = type_names.get(target, target)
    return result


def _property(prop: dict[str, Any]) -> dict[str, Any]:
    scalar = str(prop.get("x-prisma-type", "")).rstrip("?[]")
    named = _NAMED_SCALARS.get(scalar)
    if named is None:
        return prop
    leaf: dict[str, Any] = {"tsType": named}
    kept = {k: v for k, v in prop.items() if k in ("description", "x-prisma-type")}
    if prop.get("type") == "array":
        return {**kept, "type": "array", "items": leaf}
    if isinstance(prop.get("type"), list):
        return {**kept, "anyOf": [leaf, {"type": "null"}]}
    return {**kept, **leaf}


def render_declarations(
    contract: dict[str, Any], *, header: str, bigint: BigIntMapping = "number"
) -> str:
    definitions, placeholders = ts_definitions(contract)
    reply = _node.run_script(
        "gen_typescript.js",
        {
            "definitions": definitions,
            "prelude": prelude(bigint),
            "preludeNames": PRELUDE_NAMES,
            "placeholders": placeholders,
        },
    )
    if not reply.get("ok"):
        raise GeneratedCodeError(f"TypeScript generation failed: {reply.get('error')}")
    return header + "\n" + str(reply["code"])
