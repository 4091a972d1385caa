"""Scan a project for uses of a schema's models: files → scanners (cached) → a UsageMap.

    usage = scan_project(config, [old_schema, new_schema])
    usage.uses_for(change)      # the ``used_at`` of one diff finding
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from nemoctl.config import Config
from nemoctl.diff.report import Use
from nemoctl.impact.cache import ScanCache
from nemoctl.impact.files import SourceFile, discover
from nemoctl.impact.model import SkippedFile, Usage, UsageMap
from nemoctl.impact.names import Names, build_names
from nemoctl.impact.raw import RawUse, ScanError
from nemoctl.schema.model import Schema

_SNIPPET = 160


def default_excludes(config: Config) -> list[str]:
    """The snapshot and generated directories: nemoctl's own output is not a consumer."""
    out = []
    for directory in (config.schemas_dir, config.generated_dir):
        resolved = directory.resolve()
        root = config.root.resolve()
        if resolved.is_relative_to(root) and resolved != root:
            out.append(resolved.relative_to(root).as_posix())
    return out


def generated_typescript(config: Config) -> list[Path]:
    directory = config.generated_dir / "typescript"
    return sorted(directory.glob("*.d.ts")) if directory.is_dir() else []


def scan_project(config: Config, schemas: Sequence[Schema], *, cache: bool = True) -> UsageMap:
    names = build_names(schemas)
    impact = config.impact
    root = config.root.resolve()
    files, skipped, configs = discover(
        root, paths=impact.paths, exclude=[*default_excludes(config), *impact.exclude],
        max_size=impact.max_file_size,
    )
    store = ScanCache(root, enabled=cache)
    ts_context = _ts_context(root, generated_typescript(config), configs)
    results: dict[str, list[RawUse] | str] = {}
    pending_ts: list[SourceFile] = []
    keys: dict[str, str] = {}
    for f in files:
        context = ts_context if f.language == "typescript" else ""
        key = f"{f.language}:{names.digest}:{context}:{hashlib.sha256(f.data).hexdigest()}"
        keys[f.path] = key
        hit = store.get(key)
        if hit is not None:
            results[f.path] = hit["error"] if "error" in hit else [RawUse(*u) for u in hit["uses"]]
        elif f.language == "typescript":
            pending_ts.append(f)
        else:
            results[f.path] = _scan_one(f, names)
            store.put(key, _cached(results[f.path]))
    if pending_ts:
        from nemoctl.impact.typescript import scan_typescript

        ts = scan_typescript(root, [f.path for f in pending_ts],
                             generated_typescript(config), names)
        for f in pending_ts:
            results[f.path] = ts.get(f.path, "not scanned by the TypeScript compiler")
            store.put(keys[f.path], _cached(results[f.path]))
    store.save()

    uses: set[Usage] = set()
    unparseable: list[SkippedFile] = []
    by_language: dict[str, int] = {}
    for f in files:
        by_language[f.language] = by_language.get(f.language, 0) + 1
        result = results[f.path]
        if isinstance(result, str):
            unparseable.append(SkippedFile(f.path, result))
            continue
        if not result:
            continue
        lines = f.data.decode("utf-8", "replace").splitlines()
        for raw in result:
            snippet = lines[raw.line - 1].strip() if 0 < raw.line <= len(lines) else ""
            if len(snippet) > _SNIPPET:
                snippet = snippet[: _SNIPPET - 1] + "…"
            use = Use(f.path, raw.line, raw.column, raw.kind, snippet)  # type: ignore[arg-type]
            uses.add(Usage(raw.model, raw.member, raw.target, use))  # type: ignore[arg-type]
    return UsageMap(
        uses=tuple(sorted(uses)),
        files_scanned=len(files),
        skipped=tuple(skipped),
        unparseable=tuple(unparseable),
        cache_hits=store.hits,
        by_language=by_language,
    )


def _scan_one(f: SourceFile, names: Names) -> list[RawUse] | str:
    try:
        if f.language == "python":
            from nemoctl.impact.python_ast import scan_python

            return scan_python(f.data, names)
        if f.language == "sql":
            from nemoctl.impact.sql import scan_sql

            return scan_sql(f.data, names)
        from nemoctl.impact.text import scan_text

        return scan_text(f.data, names)
    except ScanError as exc:
        return str(exc)
    except RecursionError:
        return "too deeply nested to parse"


def _cached(result: list[RawUse] | str) -> dict[str, object]:
    if isinstance(result, str):
        return {"error": result}
    return {"uses": [list(u) for u in result]}


def _ts_context(root: Path, generated: Sequence[Path], configs: Sequence[str]) -> str:
    h = hashlib.sha256()
    for path in generated:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for rel in configs:
        try:
            h.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
        except OSError:
            continue
    return h.hexdigest()[:16]
