"""nemoctl's own schema model: a small, frozen, typed view of a Prisma datamodel.

Built from the official parser's DMMF datamodel (see :mod:`nemoctl.schema.parser`),
it keeps what the diff rules and the code generators need, including the database
names (``@map`` / ``@@map``) and ``///`` documentation that other readers drop.
Everything is immutable and ordered as in the schema file, so two parses of the
same text compare equal and generated output is deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: Prisma's built-in scalar types (a field of any other type is an enum or a relation).
SCALAR_TYPES = (
    "String",
    "Boolean",
    "Int",
    "BigInt",
    "Float",
    "Decimal",
    "DateTime",
    "Json",
    "Bytes",
)

FieldKind = Literal["scalar", "enum", "object"]
IndexKind = Literal["id", "unique", "normal", "fulltext"]


@dataclass(frozen=True, slots=True)
class Default:
    """A field's ``@default(...)``.

    ``function`` is set for calls (``uuid()``, ``now()``, ``autoincrement()``,
    ``dbgenerated("...")``); otherwise ``value`` holds the literal as JSON
    (for a Json field Prisma gives the literal as a string: ``"{}"``).
    """

    function: str | None = None
    args: tuple[Any, ...] = ()
    value: Any = None

    @property
    def is_function(self) -> bool:
        return self.function is not None

    def render(self) -> str:
        """Prisma-like source text, stable enough to compare and show."""
        if self.function is not None:
            return f"{self.function}({', '.join(json.dumps(a) for a in self.args)})"
        return json.dumps(self.value, sort_keys=True)


@dataclass(frozen=True, slots=True)
class Relation:
    name: str
    from_fields: tuple[str, ...] = ()
    to_fields: tuple[str, ...] = ()
    on_delete: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: FieldKind
    type: str
    is_list: bool = False
    is_required: bool = True
    is_id: bool = False
    is_unique: bool = False
    is_updated_at: bool = False
    #: Scalar fields that back a relation (foreign keys) are read-only in Prisma.
    is_read_only: bool = False
    default: Default | None = None
    #: The column name: ``@map("...")`` when present, else the field name.
    db_name: str = ""
    documentation: str | None = None
    relation: Relation | None = None

    @property
    def column(self) -> str:
        return self.db_name or self.name

    @property
    def is_relation(self) -> bool:
        return self.kind == "object"

    @property
    def has_default(self) -> bool:
        return self.default is not None

    @property
    def prisma_type(self) -> str:
        """The type as written in the schema: ``String``, ``String?``, ``String[]``."""
        suffix = "[]" if self.is_list else ("" if self.is_required else "?")
        return f"{self.type}{suffix}"


@dataclass(frozen=True, slots=True)
class Index:
    """An ``@id``/``@@id``, ``@unique``/``@@unique``, ``@@index`` or ``@@fulltext``."""

    model: str
    kind: IndexKind
    #: Field names in index order; a descending column reads ``"checked_at desc"``.
    fields: tuple[str, ...]
    #: The explicit constraint/index name (``map:``), when the schema gives one.
    db_name: str | None = None
    #: The index method (``Gin``, ``Hash``...), when not the default B-tree.
    algorithm: str | None = None

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Identity across versions: kind and columns (names are often implicit)."""
        return (self.model, self.kind, self.fields)


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    fields: tuple[Field, ...]
    #: The table name: ``@@map("...")`` when present, else the model name.
    db_name: str = ""
    documentation: str | None = None
    indexes: tuple[Index, ...] = ()

    @property
    def table(self) -> str:
        return self.db_name or self.name

    @property
    def scalar_fields(self) -> tuple[Field, ...]:
        """Fields that are columns (scalars and enums), in schema order."""
        return tuple(f for f in self.fields if not f.is_relation)

    @property
    def relation_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_relation)

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def primary_key(self) -> tuple[str, ...]:
        for index in self.indexes:
            if index.kind == "id":
                return index.fields
        return ()


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str
    db_name: str = ""

    @property
    def stored(self) -> str:
        """The value as stored in the database (``@map`` or the name)."""
        return self.db_name or self.name


@dataclass(frozen=True, slots=True)
class Enum:
    name: str
    values: tuple[EnumValue, ...]
    db_name: str = ""
    documentation: str | None = None


@dataclass(frozen=True, slots=True)
class Schema:
    """A parsed schema.  ``sha256`` is the hash of the exact source text."""

    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    sha256: str
    source: str = ""
    _by_name: Mapping[str, Model] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {m.name: m for m in self.models})

    def model(self, name: str) -> Model | None:
        return self._by_name.get(name)

    def enum(self, name: str) -> Enum | None:
        for e in self.enums:
            if e.name == name:
                return e
        return None

    @property
    def indexes(self) -> tuple[Index, ...]:
        return tuple(i for m in self.models for i in m.indexes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready, documented shape (``nemoctl schema show --format json``)."""
        return {
            "sha256": self.sha256,
            "source": self.source,
            "models": [_model_dict(m) for m in self.models],
            "enums": [
                {
                    "name": e.name,
                    "db_name": e.db_name or e.name,
                    "documentation": e.documentation,
                    "values": [{"name": v.name, "db_name": v.stored} for v in e.values],
                }
                for e in self.enums
            ],
        }


def _model_dict(m: Model) -> dict[str, Any]:
    return {
        "name": m.name,
        "db_name": m.table,
        "documentation": m.documentation,
        "fields": [
            {
                "name": f.name,
                "db_name": f.column,
                "kind": f.kind,
                "type": f.type,
                "prisma_type": f.prisma_type,
                "is_list": f.is_list,
                "is_required": f.is_required,
                "is_id": f.is_id,
                "is_unique": f.is_unique,
                "is_updated_at": f.is_updated_at,
                "default": f.default.render() if f.default else None,
                "documentation": f.documentation,
                "relation": (
                    {
                        "name": f.relation.name,
                        "from_fields": list(f.relation.from_fields),
                        "to_fields": list(f.relation.to_fields),
                        "on_delete": f.relation.on_delete,
                    }
                    if f.relation
                    else None
                ),
            }
            for f in m.fields
        ],
        "indexes": [
            {
                "kind": i.kind,
                "fields": list(i.fields),
                "db_name": i.db_name,
                "algorithm": i.algorithm,
            }
            for i in m.indexes
        ],
    }
