"""The shape of Prisma's DMMF datamodel, as far as :func:`from_datamodel` reads it.

Used to validate a datamodel read back from the cache before it is trusted: an
entry edited into other valid JSON (``{"models": [{"name": 1}]}``) is refused here
instead of failing later with a ``KeyError`` or, worse, giving a wrong report.
Keys nemoctl does not read are allowed (Prisma adds some between versions).

A hand-written walk over declared key → type tables, not :mod:`nemoctl.tables` (or
pydantic): it runs on every warm ``check``, ``diff`` and ``generate`` over ~2,500
fields per schema, and the generic checker took ~40 ms a schema where this takes ~4.
"""

from __future__ import annotations

from typing import Any

_Spec = tuple[tuple[str, ...], dict[str, tuple[type, ...]]]
_NONE = type(None)
_STR, _OPT_STR, _OPT_BOOL, _OPT_LIST = (str,), (str, _NONE), (bool, _NONE), (list, _NONE)

#: (required keys, key -> accepted types) per kind of object in the datamodel.
_FIELD: _Spec = (("name", "kind", "type"), {
    "name": _STR, "kind": _STR, "type": _STR,
    "isList": _OPT_BOOL, "isRequired": _OPT_BOOL, "isId": _OPT_BOOL, "isUnique": _OPT_BOOL,
    "isUpdatedAt": _OPT_BOOL, "isReadOnly": _OPT_BOOL,
    "dbName": _OPT_STR, "documentation": _OPT_STR, "relationName": _OPT_STR,
    "relationFromFields": _OPT_LIST, "relationToFields": _OPT_LIST,
    "relationOnDelete": _OPT_STR,
})
_MODEL: _Spec = (("name", "fields"), {"name": _STR, "fields": (list,), "dbName": _OPT_STR,
                               "documentation": _OPT_STR})
_ENUM: _Spec = (("name", "values"), {"name": _STR, "values": (list,), "dbName": _OPT_STR,
                              "documentation": _OPT_STR})
_ENUM_VALUE: _Spec = (("name",), {"name": _STR, "dbName": _OPT_STR})
_INDEX: _Spec = (("model", "type", "fields"), {"model": _STR, "type": _STR, "fields": (list,),
                                        "dbName": _OPT_STR, "algorithm": _OPT_STR})
_INDEX_FIELD: _Spec = (("name",), {"name": _STR, "sortOrder": _OPT_STR})
_KINDS = frozenset({"scalar", "object", "enum", "unsupported"})


class _Malformed(Exception):
    pass


_TOP: _Spec = (("models", "enums"), {"models": (list,), "enums": (list,), "indexes": (list,)})


def datamodel_problem(datamodel: Any) -> str | None:
    """``None`` when ``datamodel`` has the shape nemoctl reads, else the first problem."""
    try:
        _object(datamodel, _TOP, "datamodel")
        _objects(datamodel["models"], _MODEL, "models")
        for i, model in enumerate(datamodel["models"]):
            _objects(model["fields"], _FIELD, f"models[{i}].fields")
            for j, field in enumerate(model["fields"]):
                if field["kind"] not in _KINDS:
                    raise _Malformed(f"models[{i}].fields[{j}].kind: not one of "
                                     f"{', '.join(sorted(_KINDS))}")
                for key in ("relationFromFields", "relationToFields"):
                    if any(type(v) is not str for v in field.get(key) or ()):
                        raise _Malformed(f"models[{i}].fields[{j}].{key}: expected strings")
        _objects(datamodel["enums"], _ENUM, "enums")
        for i, enum in enumerate(datamodel["enums"]):
            _objects(enum["values"], _ENUM_VALUE, f"enums[{i}].values")
        _objects(datamodel.get("indexes", []), _INDEX, "indexes")
        for i, index in enumerate(datamodel.get("indexes", [])):
            _objects(index["fields"], _INDEX_FIELD, f"indexes[{i}].fields")
    except _Malformed as exc:
        return f"malformed datamodel at {exc}"
    return None



def _objects(items: list[Any], spec: _Spec, where: str) -> None:
    for i, item in enumerate(items):
        _object(item, spec, f"{where}[{i}]")


def _object(item: Any, spec: _Spec, where: str) -> None:
    required, types = spec
    if type(item) is not dict:
        raise _Malformed(f"{where}: expected an object")
    for key in required:
        if key not in item:
            raise _Malformed(f"{where}.{key}: missing")
    for key, value in item.items():
        accepted = types.get(key)
        if accepted is not None and type(value) not in accepted:
            raise _Malformed(f"{where}.{key}: unexpected {type(value).__name__}")
