"""Refuse schemas whose names or comments could not be generated faithfully.

Generated code must mean exactly the schema, whatever text the schema holds.  Names
become Python classes, TypeScript declarations and dictionary keys, so they must be
plain ASCII identifiers that neither language reserves and that do not shadow a
name the generated modules use.  Comments become docstrings and JSDoc; the
generators escape quotes and comment terminators, but characters that change how
source is read (NUL, bare carriage returns, Unicode line separators, bidirectional
overrides) have no faithful rendering, so they are refused.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

from nemoctl.errors import BadInputError
from nemoctl.schema.model import Schema

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_FIELD_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: Types the generated modules define next to the models.
HELPER_NAMES = frozenset(
    {"JsonValue", "PrismaBigInt", "PrismaDateTime", "PrismaDecimal", "PrismaBytes"}
)

#: Constants of the generated package's ``__init__``: a model of the same name would be
#: shadowed by them (and listed twice in ``__all__``).
PACKAGE_CONSTANTS = frozenset(
    {"UPSTREAM", "UPSTREAM_VERSION", "SCHEMA_SHA256", "MODELS", "TABLES", "COLUMNS"}
)

#: Names the generated Python module imports or relies on at module level.
_PYTHON_MODULE_NAMES = frozenset(
    {
        "annotations",
        "Annotated",
        "Any",
        "BaseModel",
        "ConfigDict",
        "Decimal",
        "Field",
        "RootModel",
        "StrEnum",
        "datetime",
        "models",
        # What the generator imports under other options or versions, and its root
        # placeholder: refused up front rather than caught by the output check.
        "AwareDatetime",
        "Base64Bytes",
        "Enum",
        "Literal",
        "NemoctlSchemaRoot",
        "Optional",
        "Union",
        "confloat",
        "conint",
        "constr",
    }
)

# A fixed list (not ``dir(builtins)``, which varies by Python version): the same
# schema must be accepted or refused identically on every machine.
_PYTHON_BUILTINS = frozenset(
    [
        "bool", "bytearray", "bytes", "classmethod", "complex", "dict", "enumerate",
        "float", "frozenset", "getattr", "hasattr", "int", "isinstance", "issubclass",
        "len", "list", "map", "memoryview", "object", "print", "property", "range",
        "repr", "set", "setattr", "slice", "staticmethod", "str", "super", "tuple",
        "type", "vars", "zip",
    ]
)

# ECMAScript reserved words, strict-mode reserved words and TypeScript's own
# reserved type names: none can name an interface or a type alias.
_TS_RESERVED = frozenset(
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default",
        "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for",
        "function", "if", "import", "in", "instanceof", "new", "null", "return",
        "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
        "while", "with", "implements", "interface", "let", "package", "private",
        "protected", "public", "static", "yield", "await", "any", "unknown", "never",
        "string", "number", "boolean", "symbol", "object", "bigint", "undefined",
        "type", "as", "of", "declare", "namespace", "module", "abstract", "async",
        "get", "set", "readonly", "require", "keyof", "infer", "is", "asserts",
        "unique", "global", "out", "accessor", "satisfies", "intrinsic", "constructor",
    ]
)

_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def type_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a generated type, or ``None`` when it can."""
    if not _IDENTIFIER.match(name):
        return "is not an ASCII identifier (letters, digits, underscores)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in _TS_RESERVED:
        return "is a reserved word in TypeScript"
    if name in _PYTHON_BUILTINS:
        return "would shadow the Python builtin of that name"
    if name in _PYTHON_MODULE_NAMES or name in HELPER_NAMES:
        return "would shadow a name the generated code itself uses"
    if name in PACKAGE_CONSTANTS:
        return "would collide with the generated package's constant of that name"
    return None


def check_schema(schema: Schema) -> None:
    """Raise :class:`BadInputError` listing every name or comment that cannot be generated."""
    problems: list[str] = []
    declared: dict[str, str] = {}

    def declare(name: str, what: str, *, derived: bool = False) -> None:
        # A schema's own names were judged by type_name_problem; derived ones are not.
        if derived and (name in PACKAGE_CONSTANTS or name in HELPER_NAMES):
            problems.append(f"{what} would generate `{name}`, a name the package itself defines")
        elif name in declared:
            problems.append(f"{what} collides with {declared[name]} (both generate `{name}`)")
        else:
            declared[name] = what

    for enum in schema.enums:
        if (why := type_name_problem(enum.name)) is not None:
            problems.append(f"enum {enum.name!r} {why}")
        declare(enum.name, f"enum {enum.name}")
        for value in enum.values:
            if not _FIELD_IDENTIFIER.match(value.name):
                problems.append(f"enum value {enum.name}.{value.name!r} is not an ASCII identifier")
        problems.extend(_comment_problems(enum.documentation, f"comment on enum {enum.name}"))
    for model in schema.models:
        if (why := type_name_problem(model.name)) is not None:
            problems.append(f"model {model.name!r} {why}")
        declare(model.name, f"model {model.name}")
        declare(f"{model.name}Input", f"the create shape of model {model.name}", derived=True)
        declare(f"{model.name}Update", f"the update shape of model {model.name}", derived=True)
        problems.extend(_comment_problems(model.documentation, f"comment on model {model.name}"))
        for field in model.fields:
            if not _FIELD_IDENTIFIER.match(field.name):
                problems.append(f"field {model.name}.{field.name!r} is not an ASCII identifier")
            problems.extend(
                _comment_problems(field.documentation, f"comment on {model.name}.{field.name}")
            )
    if problems:
        raise BadInputError(
            "cannot generate code for this schema:\n  - " + "\n  - ".join(problems),
            hint="rename the offending items (or remove the characters from the /// comments)",
        )


def normalize_comment(text: str | None) -> str | None:
    """The comment as documentation: CRLF line ends folded, outer whitespace trimmed."""
    if text is None:
        return None
    lines = [line.rstrip("\r").rstrip() for line in text.split("\n")]
    cleaned = "\n".join(lines).strip("\n")
    return cleaned or None


def _comment_problems(text: str | None, where: str) -> list[str]:
    text = normalize_comment(text)
    if text is None:
        return []
    bad = sorted({ch for ch in text if _unrenderable(ch)})
    if not bad:
        return []
    shown = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
    return [f"{where} contains characters that cannot be rendered faithfully ({shown})"]


def _unrenderable(ch: str) -> bool:
    if ch in "\n\t":
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Zl", "Zp", "Cs") or ch in _BIDI_CONTROLS or ch == "\ufeff"
