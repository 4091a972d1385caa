"""Sacred fields: the columns the product reads, from ``schemas/sacred_fields.toml``.

Each entry names a model, a field and the expected Prisma type as written in the
schema (``Float``, ``String?``, ``String[]``), with an owner and a reason.  The
same field name has different types in different models (``prompt_tokens`` is
``Int`` in ``LiteLLM_SpendLogs`` but ``BigInt`` in the daily tables), so an entry
is matched by model + field + type, never by name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.diff.report import SacredStatus
from nemoctl.diff.rules import default_text
from nemoctl.errors import ConfigError
from nemoctl.paths import read_toml
from nemoctl.schema.model import Field, Model, Schema

_TYPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\?|\[\])?$")
_KEYS = {"model", "field", "type", "owner", "reason"}


@dataclass(frozen=True, slots=True)
class SacredField:
    model: str
    field: str
    #: The Prisma type as written: ``Float``, ``String?``, ``String[]``.
    type: str
    owner: str
    reason: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.model, self.field)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "field": self.field, "type": self.type,
                "owner": self.owner, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class SacredFields:
    fields: tuple[SacredField, ...] = ()
    source: str = ""

    def get(self, model: str, field: str) -> SacredField | None:
        for entry in self.fields:
            if entry.model == model and entry.field == field:
                return entry
        return None

    def models(self) -> set[str]:
        return {entry.model for entry in self.fields}


def load_sacred(path: Path) -> SacredFields:
    """Read and validate ``sacred_fields.toml``; an absent file means no sacred fields."""
    if not path.is_file():
        return SacredFields(source=str(path))
    return parse_sacred(read_toml(path), source=str(path))


def parse_sacred(data: dict[str, Any], *, source: str = "sacred_fields.toml") -> SacredFields:
    unknown = set(data) - {"field"}
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(entries are [[field]] tables)")
    raw = data.get("field", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: 'field' must be an array of tables ([[field]])")
    entries: list[SacredField] = []
    seen: set[tuple[str, str]] = set()
    for number, item in enumerate(raw, start=1):
        where = f"{source}: [[field]] #{number}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a table")
        extra = set(item) - _KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        values: dict[str, str] = {}
        for key in sorted(_KEYS):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: '{key}' is required (a non-empty string)")
            values[key] = value.strip()
        if not _TYPE.match(values["type"]):
            raise ConfigError(f"{where}: type {values['type']!r} is not a Prisma type "
                              "like Float, String? or String[]")
        entry = SacredField(values["model"], values["field"], values["type"],
                            values["owner"], values["reason"])
        if entry.key in seen:
            raise ConfigError(f"{where}: {entry.model}.{entry.field} is listed twice")
        seen.add(entry.key)
        entries.append(entry)
    return SacredFields(fields=tuple(entries), source=source)


def _lookup(schema: Schema, entry: SacredField) -> tuple[Model | None, Field | None]:
    model = schema.model(entry.model)
    return model, (model.field(entry.field) if model is not None else None)


def check_sacred(schema: Schema, sacred: SacredFields) -> tuple[SacredStatus, ...]:
    """Each entry against one schema alone: it must exist with the expected type."""
    return tuple(_against(schema, entry) for entry in sacred.fields)


def _status(entry: SacredField, state: Any, message: str,
            actual: str | None = None) -> SacredStatus:
    return SacredStatus(entry.model, entry.field, entry.type, state, message,
                        owner=entry.owner, reason=entry.reason, actual_type=actual)


def _against(schema: Schema, entry: SacredField) -> SacredStatus:
    name = f"{entry.model}.{entry.field}"
    model, field = _lookup(schema, entry)
    if model is None:
        return _status(entry, "unknown", f"sacred entry {name}: no model {entry.model} in "
                       f"{schema.source or 'the schema'}")
    if field is None:
        return _status(entry, "unknown", f"sacred entry {name}: no field {entry.field} in "
                       f"{entry.model}")
    if field.prisma_type != entry.type:
        return _status(entry, "type-mismatch",
                       f"sacred entry {name} expects {entry.type}, the schema has "
                       f"{field.prisma_type}", field.prisma_type)
    return _status(entry, "ok", f"{name} {entry.type} present", field.prisma_type)


def compare_sacred(old: Schema, new: Schema, sacred: SacredFields) -> tuple[SacredStatus, ...]:
    """Each entry across a change: valid in ``old`` (the current schema), unchanged in ``new``.

    An entry that does not match ``old`` is itself an error (the gate would protect
    nothing).  A field that matches in ``old`` but is missing or different in
    ``new`` (type, optionality, list, column or table name, id, unique, default)
    is a sacred break.
    """
    statuses: list[SacredStatus] = []
    for entry in sacred.fields:
        base = _against(old, entry)
        if base.state != "ok":
            statuses.append(base)
            continue
        name = f"{entry.model}.{entry.field}"
        m_old, f_old = _lookup(old, entry)
        m_new, f_new = _lookup(new, entry)
        assert m_old is not None and f_old is not None
        if m_new is None:
            statuses.append(_status(entry, "removed", f"{name}: model {entry.model} removed"))
            continue
        if f_new is None:
            statuses.append(_status(entry, "removed", f"{name}: field removed"))
            continue
        differences = _differences(m_old, f_old, m_new, f_new)
        if f_old.kind == "enum" and f_old.type == f_new.type:
            differences += _enum_differences(old, new, f_old.type)
        if differences:
            statuses.append(_status(entry, "changed", f"{name}: " + "; ".join(differences),
                                    f_new.prisma_type))
        else:
            statuses.append(_status(entry, "ok", f"{name} {entry.type} unchanged",
                                    f_new.prisma_type))
    return tuple(statuses)


def _enum_differences(old: Schema, new: Schema, name: str) -> list[str]:
    before, after = old.enum(name), new.enum(name)
    if before is None or after is None:
        return []
    stored_before = [(v.name, v.stored) for v in before.values]
    stored_after = [(v.name, v.stored) for v in after.values]
    if stored_before == stored_after and (before.db_name or name) == (after.db_name or name):
        return []
    gone = [n for n, _ in stored_before if n not in dict(stored_after)]
    added = [n for n, _ in stored_after if n not in dict(stored_before)]
    detail = ", ".join([*(f"-{n}" for n in gone), *(f"+{n}" for n in added)]) or "database names"
    return [f"enum {name} changed ({detail})"]


def _differences(m_old: Model, f_old: Field, m_new: Model, f_new: Field) -> list[str]:
    found: list[str] = []
    if f_old.prisma_type != f_new.prisma_type:
        found.append(f"type {f_old.prisma_type} → {f_new.prisma_type}")
    if f_old.column != f_new.column:
        found.append(f"column {f_old.column} → {f_new.column}")
    if m_old.table != m_new.table:
        found.append(f"table {m_old.table} → {m_new.table}")
    if f_old.is_id != f_new.is_id:
        found.append("@id " + ("removed" if f_old.is_id else "added"))
    if f_old.is_unique != f_new.is_unique:
        found.append("@unique " + ("removed" if f_old.is_unique else "added"))
    before, after = default_text(f_old) or "none", default_text(f_new) or "none"
    if before != after:
        found.append(f"default {before} → {after}")
    return found
