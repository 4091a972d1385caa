"""``[tool.nemoctl.generate]``: what a project may choose about its generated code.

    [tool.nemoctl.generate]
    python-package = "gateway_models"   # default "nemoctl_models"
    supabase-schema = "public"          # the key of the Database type's schema
    bigint = "string"                   # TypeScript type of BigInt: number | string | bigint

Declared here (not in ``nemoctl/config.py``) so codegen owns its own settings; the
options are recorded in ``schemas/lock.json`` because they change the output bytes.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from typing import Annotated, Literal

from nemoctl.tables import Check, Table, key

BigIntMapping = Literal["number", "string", "bigint"]
BIGINT_MAPPINGS: tuple[BigIntMapping, ...] = ("number", "string", "bigint")
DEFAULT_PYTHON_PACKAGE = "nemoctl_models"
DEFAULT_SUPABASE_SCHEMA = "public"

_PACKAGE = re.compile(r"[a-z_][a-z0-9_]{0,63}\Z")
# A PostgreSQL schema name as PostgREST exposes it (unquoted identifiers, <= 63 bytes).
_SCHEMA = re.compile(r"[a-z_][a-z0-9_$]{0,62}\Z")
#: Top-level names a generated package must not take: it would shadow them on sys.path.
_TAKEN_PACKAGES = frozenset(
    {"nemoctl", "pydantic", "pydantic_core", "typing_extensions", "litellm"}
)


@dataclass(frozen=True, slots=True)
class CodegenOptions:
    python_package: str = DEFAULT_PYTHON_PACKAGE
    supabase_schema: str = DEFAULT_SUPABASE_SCHEMA
    bigint: BigIntMapping = "number"

    def to_dict(self) -> dict[str, str]:
        return {
            "python-package": self.python_package,
            "supabase-schema": self.supabase_schema,
            "bigint": self.bigint,
        }


DEFAULT_OPTIONS = CodegenOptions()


def _python_package(value: str) -> str:
    if (problem := python_package_problem(value)) is not None:
        raise ValueError(f"a lowercase Python package name that {problem}")
    return value


def _supabase_schema(value: str) -> str:
    if not _SCHEMA.match(value):
        raise ValueError(
            "a plain PostgreSQL schema name (lowercase letters, digits, _ and $, "
            "at most 63 characters)"
        )
    return value


@dataclass(frozen=True)
class GenerateTable(Table):
    """``[tool.nemoctl.generate]``, validated with the rest of ``[tool.nemoctl]``."""

    python_package: Annotated[str, Check(_python_package)] = key(
        DEFAULT_PYTHON_PACKAGE, alias="python-package"
    )
    supabase_schema: Annotated[str, Check(_supabase_schema)] = key(
        DEFAULT_SUPABASE_SCHEMA, alias="supabase-schema"
    )
    bigint: BigIntMapping = "number"

    @staticmethod
    def resolve(table: GenerateTable | None) -> CodegenOptions:
        if table is None:
            return DEFAULT_OPTIONS
        return CodegenOptions(table.python_package, table.supabase_schema, table.bigint)


def python_package_problem(name: str) -> str | None:
    """What ``name`` must satisfy to be the generated package's import name, or ``None``."""
    if not _PACKAGE.match(name):
        return "uses only a-z, 0-9 and _ (at most 64 characters)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is not a Python keyword"
    if name in sys.stdlib_module_names or name in _TAKEN_PACKAGES:
        return "does not shadow the standard library, nemoctl, pydantic or litellm"
    return None
