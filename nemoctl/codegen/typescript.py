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

_NODE_DIR = Path(_node.__file__).parent

#: Named scalar types: hovering a field in an editor shows why it has that type.
_JSON_VALUE_TYPE = "null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }"

PRELUDE = f'''\
/** Any JSON value: what a Prisma `Json` column holds. */
export type JsonValue = {_JSON_VALUE_TYPE};

/**
 * Prisma `BigInt` (64-bit integer). APIs send it as a JSON number and `JSON.parse`
 * yields a `number`, exact only up to 2^53 - 1 (`Number.MAX_SAFE_INTEGER`); larger
 * values arrive rounded. Parse with a lossless JSON parser when exactness matters.
 */
export type PrismaBigInt = number;

/** Prisma `DateTime`: an ISO 8601 string in JSON (convert with `new Date(value)`). */
export type PrismaDateTime = string;

/** Prisma `Decimal`: a decimal string in JSON, kept as text so no precision is lost. */
export type PrismaDecimal = string;

/** Prisma `Bytes`: base64 text in JSON. */
export type PrismaBytes = string;'''
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


def ts_definitions(contract: dict[str, Any]) -> list[dict[str, Any]]:
    """One self-contained schema per enum and model, references turned into names."""
    out: list[dict[str, Any]] = []
    for name, definition in contract["$defs"].items():
        if name == JSON_VALUE:
            continue
        schema = _strip(copy.deepcopy(definition))
        props = list(definition["properties"]) if "properties" in definition else None
        out.append({"name": name, "schema": schema, "properties": props})
    return out


def _strip(node: Any) -> Any:
    """Drop annotations, escape comments and name scalar types, recursively."""
    if isinstance(node, list):
        return [_strip(x) for x in node]
    if not isinstance(node, dict):
        return node
    if "properties" in node:
        node["properties"] = {k: _property(v) for k, v in node["properties"].items()}
    result = {k: _strip(v) for k, v in node.items() if not k.startswith("x-") and k != "default"}
    if isinstance(result.get("description"), str):
        result["description"] = escape_jsdoc(result["description"])
    ref = result.pop("$ref", None)
    if isinstance(ref, str):
        result["tsType"] = ref.rsplit("/", 1)[-1]
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


def render_declarations(contract: dict[str, Any], *, header: str) -> str:
    reply = _node.run_script(
        "gen_typescript.js",
        {
            "definitions": ts_definitions(contract),
            "prelude": PRELUDE,
            "preludeNames": PRELUDE_NAMES,
        },
    )
    if not reply.get("ok"):
        raise GeneratedCodeError(f"TypeScript generation failed: {reply.get('error')}")
    return header + "\n" + str(reply["code"])
