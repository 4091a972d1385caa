"""The shape of Prisma's DMMF datamodel, as far as :func:`from_datamodel` reads it.

Used to validate a datamodel read back from the cache before it is trusted: an
entry edited into other valid JSON (``{"models": [{"name": 1}]}``) is refused here
instead of failing later with a ``KeyError`` or, worse, giving a wrong report.
Keys nemoctl does not read are allowed (Prisma adds some between versions).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _IndexField(_Loose):
    name: str
    sortOrder: str | None = None  # Prisma's key names, camelCase


class _Index(_Loose):
    model: str
    type: str
    fields: list[_IndexField]
    dbName: str | None = None
    algorithm: str | None = None


class _Field(_Loose):
    name: str
    kind: Literal["scalar", "object", "enum", "unsupported"]
    type: str
    isList: bool | None = None
    isRequired: bool | None = None
    isId: bool | None = None
    isUnique: bool | None = None
    isUpdatedAt: bool | None = None
    isReadOnly: bool | None = None
    dbName: str | None = None
    documentation: str | None = None
    relationName: str | None = None
    relationFromFields: list[str] | None = None
    relationToFields: list[str] | None = None
    relationOnDelete: str | None = None


class _Model(_Loose):
    name: str
    dbName: str | None = None
    documentation: str | None = None
    fields: list[_Field]


class _EnumValue(_Loose):
    name: str
    dbName: str | None = None


class _Enum(_Loose):
    name: str
    dbName: str | None = None
    documentation: str | None = None
    values: list[_EnumValue]


class _Datamodel(_Loose):
    models: list[_Model]
    enums: list[_Enum]
    indexes: list[_Index] = []


@cache
def _adapter() -> TypeAdapter[_Datamodel]:
    return TypeAdapter(_Datamodel)


def datamodel_problem(datamodel: Any) -> str | None:
    """``None`` when ``datamodel`` has the shape nemoctl reads, else the first problem."""
    try:
        _adapter().validate_python(datamodel)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "datamodel"
        return f"malformed datamodel at {where}: {first['msg']}"
    return None
