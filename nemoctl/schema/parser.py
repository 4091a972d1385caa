"""Parse ``schema.prisma`` text with the official Prisma parser into a :class:`Schema`.

The parser is Prisma's own (the wasm build pinned in ``nemoctl/_node``), run through
node.  Its datamodel output is cached by the sha256 of the schema text, so a repeat
parse of the same schema costs a file read and no node start.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nemoctl import _node
from nemoctl.config import cache_dir
from nemoctl.errors import SchemaParseError
from nemoctl.schema.model import Default, Enum, EnumValue, Field, Index, Model, Relation, Schema

#: Bump when the cached datamodel's meaning changes (new parser pin, new fields read).
_CACHE_FORMAT = "dm1"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_file(path: Path) -> Schema:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SchemaParseError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SchemaParseError(f"{path}: {exc.strerror}") from None
    return parse_text(text, source=str(path))


def parse_text(text: str, *, source: str = "schema.prisma") -> Schema:
    return parse_many([(text, source)])[0]


def parse_many(items: Sequence[tuple[str, str]]) -> list[Schema]:
    """Parse several ``(text, source)`` pairs with at most one node start."""
    digests = [sha256_text(text) for text, _ in items]
    datamodels: dict[str, dict[str, Any]] = {}
    missing: list[tuple[str, str, str]] = []
    for (text, source), digest in zip(items, digests, strict=True):
        cached = _read_cache(digest)
        if cached is not None:
            datamodels[digest] = cached
        elif digest not in {d for d, _, _ in missing}:
            missing.append((digest, text, source))
    if missing:
        reply = _node.run_script(
            "parse_schema.js",
            {"schemas": [{"path": _display_name(src), "text": t} for _, t, src in missing]},
        )
        for (digest, _text, source), result in zip(missing, reply["results"], strict=True):
            if not result["ok"]:
                raise SchemaParseError(_format_error(source, result["error"]))
            datamodels[digest] = result["datamodel"]
            _write_cache(digest, result["datamodel"])
    return [
        from_datamodel(datamodels[digest], sha256=digest, source=source)
        for (_, source), digest in zip(items, digests, strict=True)
    ]


def _display_name(source: str) -> str:
    # Prisma prints this in "--> file:line"; keep it the user's own path.
    return source or "schema.prisma"


def _format_error(source: str, error: dict[str, Any]) -> str:
    code = error.get("error_code") or "parse error"
    message = str(error.get("message", "")).strip()
    return f"Prisma rejected {source} ({code}):\n{message}"


def _cache_path(digest: str) -> Path:
    return cache_dir() / "parsed" / f"{_CACHE_FORMAT}-{_node.lock_digest()}-{digest}.json"


def _read_cache(digest: str) -> dict[str, Any] | None:
    path = _cache_path(digest)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _write_cache(digest: str, datamodel: dict[str, Any]) -> None:
    path = _cache_path(digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write-then-rename: a reader never sees a half-written entry.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(datamodel, fh)
    os.replace(tmp, path)


def from_datamodel(dm: dict[str, Any], *, sha256: str, source: str = "") -> Schema:
    """Convert Prisma's DMMF datamodel JSON into nemoctl's schema model."""
    indexes_by_model: dict[str, list[Index]] = {}
    for raw in dm.get("indexes", []):
        index = Index(
            model=raw["model"],
            kind=raw["type"],
            fields=tuple(
                f["name"] + (" desc" if f.get("sortOrder") == "desc" else "")
                for f in raw["fields"]
            ),
            db_name=raw.get("dbName"),
            algorithm=raw.get("algorithm"),
        )
        indexes_by_model.setdefault(index.model, []).append(index)

    models = tuple(
        Model(
            name=m["name"],
            db_name=m.get("dbName") or "",
            documentation=m.get("documentation"),
            fields=tuple(_field(f) for f in m["fields"]),
            indexes=tuple(indexes_by_model.get(m["name"], ())),
        )
        for m in dm.get("models", [])
    )
    enums = tuple(
        Enum(
            name=e["name"],
            db_name=e.get("dbName") or "",
            documentation=e.get("documentation"),
            values=tuple(EnumValue(v["name"], v.get("dbName") or "") for v in e["values"]),
        )
        for e in dm.get("enums", [])
    )
    return Schema(models=models, enums=enums, sha256=sha256, source=source)


def _field(f: dict[str, Any]) -> Field:
    relation = None
    if f["kind"] == "object":
        relation = Relation(
            name=f.get("relationName") or "",
            from_fields=tuple(f.get("relationFromFields") or ()),
            to_fields=tuple(f.get("relationToFields") or ()),
            on_delete=f.get("relationOnDelete"),
        )
    return Field(
        name=f["name"],
        kind=f["kind"],
        type=f["type"],
        is_list=bool(f.get("isList")),
        is_required=bool(f.get("isRequired")),
        is_id=bool(f.get("isId")),
        is_unique=bool(f.get("isUnique")),
        is_updated_at=bool(f.get("isUpdatedAt")),
        is_read_only=bool(f.get("isReadOnly")),
        default=_default(f["default"]) if "default" in f else None,
        db_name=f.get("dbName") or "",
        documentation=f.get("documentation"),
        relation=relation,
    )


def _default(raw: Any) -> Default:
    if isinstance(raw, dict) and "name" in raw:
        return Default(function=str(raw["name"]), args=tuple(raw.get("args") or ()))
    # Prisma gives whole-number Float/Int literals as 0.0; normalise so Int 0 == 0.
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, list):
        return Default(value=tuple(raw))
    return Default(value=raw)
