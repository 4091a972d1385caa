"""Parse ``schema.prisma`` text with the official Prisma parser into a :class:`Schema`.

The parser is Prisma's own (the wasm build pinned in ``nemoctl/_node``), run through
node.  Its datamodel output is cached by the sha256 of the schema text, so a repeat
parse of the same schema costs a file read and no node start.

A cache entry is not trusted: it records the schema digest it belongs to and the
sha256 of its own datamodel, and the datamodel is validated structurally
(:mod:`nemoctl.schema._dmmf`) before use.  An entry that fails any check is
discarded with a warning and the schema is parsed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nemoctl import _node
from nemoctl._atomic import write_atomic
from nemoctl.errors import BadInputError, SchemaParseError
from nemoctl.paths import cache_dir
from nemoctl.sanitize import escape_controls
from nemoctl.schema._dmmf import datamodel_problem
from nemoctl.schema.model import Default, Enum, EnumValue, Field, Index, Model, Relation, Schema

#: Bump when the cached datamodel's meaning changes (new parser pin, new fields read).
_CACHE_FORMAT = "dm3"
#: The largest schema nemoctl parses (LiteLLM's is ~85 KB): a bigger file is a
#: mistake or an attack, and Prisma would take many seconds on it.
MAX_SCHEMA_BYTES = 2 * 1024 * 1024


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_size(size: int, source: str) -> None:
    """Refuse a schema over :data:`MAX_SCHEMA_BYTES` (exit 2) before reading or parsing it."""
    if size > MAX_SCHEMA_BYTES:
        raise BadInputError(
            f"{source} is {size / 1048576:.1f} MiB; nemoctl parses schemas up to "
            f"{MAX_SCHEMA_BYTES // 1048576} MiB"
        )


def parse_file(path: Path) -> Schema:
    try:
        check_size(path.stat().st_size, str(path))
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
    for text, source in items:
        if len(text) * 4 > MAX_SCHEMA_BYTES:  # cheap bound first: <= 4 bytes per char
            check_size(len(text.encode("utf-8")), source)
    digests = [sha256_text(text) for text, _ in items]
    datamodels: dict[str, dict[str, Any]] = {}
    missing: list[tuple[str, str, str]] = []
    for (text, source), digest in zip(items, digests, strict=True):
        cached = cached_datamodel(digest)
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
    # Prisma quotes the offending source line: a raw ESC in the schema would reach
    # the terminal through its message.
    message = escape_controls(str(error.get("message", "")).strip())
    return f"Prisma rejected {escape_controls(source)} ({escape_controls(str(code))}):\n{message}"


def cache_entry_path(digest: str) -> Path:
    return cache_dir() / "parsed" / f"{_CACHE_FORMAT}-{_node.lock_digest()}-{digest}.json"


def cached_datamodel(digest: str) -> dict[str, Any] | None:
    """The cached datamodel for ``digest``, verified; ``None`` if absent or discarded."""
    from nemoctl.paths import discard

    path = cache_entry_path(digest)
    try:
        if path.is_symlink():
            raise ValueError("a symbolic link")
        raw = path.read_text(encoding="utf-8")
        entry = json.loads(raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        discard(path, f"unreadable: {exc}")
        return None
    problem = _entry_problem(entry, digest, raw)
    if problem:
        discard(path, problem)
        return None
    datamodel: dict[str, Any] = entry["datamodel"]
    return datamodel


def _entry_problem(entry: Any, digest: str, raw: str) -> str | None:
    if not isinstance(entry, dict) or set(entry) != {"schema_sha256", "datamodel_sha256",
                                                       "datamodel"}:
        return "not a parsed-schema entry"
    if entry["schema_sha256"] != digest:
        return "it belongs to another schema"
    recorded = entry["datamodel_sha256"]
    # An entry nemoctl wrote holds the canonical datamodel text verbatim after a fixed
    # head: hashing that slice is ~40x cheaper than re-serialising the datamodel.  Any
    # other layout (an edited file) is checked the slow way.
    head = _entry_head(digest, recorded) if isinstance(recorded, str) else None
    if head and raw.startswith(head) and raw.endswith("}"):
        body_digest = _sha256(raw[len(head):-1])
    else:
        body_digest = _datamodel_digest(entry["datamodel"])
    if recorded != body_digest:
        return "its datamodel does not match its recorded sha256"
    return datamodel_problem(entry["datamodel"])


def _entry_head(digest: str, datamodel_digest: str) -> str:
    return (f'{{"schema_sha256":"{digest}","datamodel_sha256":"{datamodel_digest}",'
            f'"datamodel":')


def _canonical(datamodel: Any) -> str:
    return json.dumps(datamodel, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _datamodel_digest(datamodel: Any) -> str:
    return _sha256(_canonical(datamodel))


def _write_cache(digest: str, datamodel: dict[str, Any]) -> None:
    path = cache_entry_path(digest)
    body = _canonical(datamodel)
    # Write-then-rename: a reader never sees a half-written entry.  A read-only cache
    # only costs speed: the next run parses again.
    with contextlib.suppress(OSError):
        write_atomic(path, (_entry_head(digest, _sha256(body)) + body + "}").encode())


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
