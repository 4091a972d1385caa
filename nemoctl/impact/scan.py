"""Scan a project for uses of a schema's models: files → scanners (cached) → a UsageMap.

    usage = scan_project(config, [old_schema, new_schema])
    usage.uses_for(change)      # the ``used_at`` of one diff finding
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from nemoctl.config import Config
from nemoctl.impact.cache import ScanCache
from nemoctl.impact.files import SourceFile, discover
from nemoctl.impact.model import Row, SkippedFile, UsageMap
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
    results: dict[str, tuple[Sequence[Row], str | None]] = {}
    pending_ts: list[SourceFile] = []
    digests: dict[str, str] = {}
    for f in list(files):
        try:
            digests[f.path] = _digest(f, store)
        except OSError as exc:  # removed or made unreadable since it was listed
            files.remove(f)
            skipped.append(SkippedFile(f.path, f"unreadable: {exc.strerror}"))
    keys = {f.path: f"{f.language}:{names.digest}:"
                    f"{ts_context if f.language == 'typescript' else ''}:{digests[f.path]}"
            for f in files}
    closure = _Closure(root, store, keys, digests)
    for f in files:
        key = keys[f.path]
        hit = store.get(key)
        if hit is not None and not closure.current(f.path):
            hit = None  # a file its types come from changed: the uses may have too
        if hit is not None:
            cached = hit.get("rows", ())
            if cached and cached[0][3] != f.path:
                # The same content at another path (a copied file): the path is the
                # only thing that differs.
                cached = [(m, mb, t, f.path, ln, col, kind, snip)
                          for m, mb, t, _p, ln, col, kind, snip in cached]
            results[f.path] = (cached, hit.get("error"))
        elif f.language == "typescript":
            pending_ts.append(f)
        else:
            results[f.path] = _rows(f, _scan_one(f, names), names)
            store.put(key, _cached(results[f.path]))
    if pending_ts:
        from nemoctl.impact.typescript import TsScan, scan_typescript

        ts = scan_typescript(root, [f.path for f in pending_ts],
                             generated_typescript(config), names)
        for f in pending_ts:
            scanned = ts.get(f.path, "not scanned by the TypeScript compiler")
            results[f.path] = _rows(f, scanned.uses if isinstance(scanned, TsScan) else scanned,
                                    names)
            deps = scanned.deps if isinstance(scanned, TsScan) else ()
            store.put(keys[f.path], _cached(results[f.path], _dep_digests(root, deps, digests)))
    store.save()

    # Files come in path order and each file's rows in line order, so the concatenation
    # is already sorted by place: no global sort of tens of thousands of rows.
    rows: list[Row] = []
    unparseable: list[SkippedFile] = []
    by_language: dict[str, int] = {}
    for f in files:
        by_language[f.language] = by_language.get(f.language, 0) + 1
        found, error = results[f.path]
        if error is not None:
            unparseable.append(SkippedFile(f.path, error))
        rows.extend(found)
    return UsageMap(
        rows=tuple(rows),
        files_scanned=len(files),
        skipped=tuple(skipped),
        unparseable=tuple(unparseable),
        cache_hits=store.hits,
        by_language=by_language,
        enum_models=names.enum_models,
    )


def _digest(f: SourceFile, store: ScanCache) -> str:
    """The file's sha256: from the stat index when its size, mtime, ctime and inode are
    those recorded with it (what git's index trusts), else by reading it."""
    known = store.stat_of(f.path)
    if known is not None and known[0] == f.stamp and f.stamp[1]:
        digest: str = known[1]
    else:
        digest = hashlib.sha256(f.data).hexdigest()
    store.record_stat(f.path, f.stamp, digest)
    return digest


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


def _rows(f: SourceFile, result: list[RawUse] | str,
          names: Names) -> tuple[Sequence[Row], str | None]:
    """A file's raw uses as rows, with the path and the source line as the snippet; and
    the parser's message when the file does not parse.

    Soundness: mentions of a table no parser accounted for become ``possible`` rows
    (:mod:`~nemoctl.impact.mentions`); in a file that does not parse, every mention."""
    from nemoctl.impact.mentions import sweep
    from nemoctl.impact.snippet import mask

    error: str | None = None
    if isinstance(result, str):
        error, found = result, sweep(f.data, names, [], kind="unparsed-file")
    elif f.language == "text":
        found = result  # the text scanner is itself the sweep
    else:
        found = [*result, *sweep(f.data, names, result)]
    lines = f.data.decode("utf-8", "replace").splitlines()
    out = []
    for raw in set(found):
        # A source line may hold a credential (a DSN, a bearer token): masked like every
        # other text nemoctl prints; ordinary identifiers stay readable.
        snippet = mask(lines[raw.line - 1].strip()) if 0 < raw.line <= len(lines) else ""
        if len(snippet) > _SNIPPET:
            snippet = snippet[: _SNIPPET - 1] + "…"
        out.append((raw.model, raw.member, raw.target, f.path, raw.line, raw.column,
                    raw.kind, snippet))
    return sorted(out, key=_place), error


def _place(row: Row) -> tuple[int, int, str, str, str, str]:
    return (row[4], row[5], row[0], row[1], row[2], row[6])


def _cached(result: tuple[Sequence[Row], str | None],
            deps: dict[str, str] | None = None) -> dict[str, object]:
    # The entry is keyed by content; its rows keep the path they were found at, as
    # tuples (marshal stores them as such), so a warm run takes them as they are and
    # only a copied file (same content, another path) has its rows rebuilt.
    found, error = result
    entry: dict[str, object] = {"rows": tuple(found)}
    if error is not None:
        entry["error"] = error
    if deps:
        entry["deps"] = deps
    return entry


def _dep_digests(root: Path, deps: Sequence[str], digests: dict[str, str]) -> dict[str, str]:
    """``{path: sha256}`` of the files a TypeScript result depends on directly, as now."""
    return {rel: digests.get(rel) or _file_digest(root, rel) for rel in deps}


class _Closure:
    """Is a cached TypeScript result still true?  Only while every file it depends on,
    directly or through their own recorded dependencies, is unchanged.

    Entries record their *direct* dependencies (with sha256); this follows those edges
    through the cache, so a deep import chain costs one check per file, not one per
    file of its closure.  A dependency that is scanned TypeScript without a cache entry
    (its own dependencies unknown) makes the answer "no".
    """

    def __init__(self, root: Path, store: ScanCache, keys: dict[str, str],
                 digests: dict[str, str]) -> None:
        self.root, self.store, self.keys, self.digests = root, store, keys, digests
        self._memo: dict[str, bool] = {}

    def current(self, rel: str) -> bool:
        # Iterative depth-first walk (import chains can be thousands of files deep); a
        # file met again on the current path (a cycle) adds nothing: its sha256 was
        # checked when it was entered.
        if rel in self._memo:
            return self._memo[rel]
        stack: list[tuple[str, list[str]]] = []
        on_path: set[str] = set()
        ok = self._enter(rel, stack, on_path)
        while ok and stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                on_path.discard(node)
                self._memo[node] = True
                continue
            child = pending.pop()
            if child in self._memo:
                ok = self._memo[child]
            elif child not in on_path and child in self.keys:
                ok = self._enter(child, stack, on_path)
        if not ok:
            for node, _ in stack:  # everything on the path depends on what failed
                self._memo[node] = False
        return self._memo.setdefault(rel, ok)

    def _enter(self, rel: str, stack: list[tuple[str, list[str]]], on_path: set[str]) -> bool:
        """Check ``rel``'s own recorded dependencies; push it to walk theirs."""
        entry = self.store.peek(self.keys[rel])
        deps = entry.get("deps") if isinstance(entry, dict) else None
        if entry is None or not isinstance(deps, dict | None):
            self._memo[rel] = False
            return False
        for dep, sha in (deps or {}).items():
            if (self.digests.get(dep) or _file_digest(self.root, dep)) != sha:
                self._memo[rel] = False
                return False
        stack.append((rel, list(deps or ())))
        on_path.add(rel)
        return True


def _file_digest(root: Path, rel: str) -> str:
    # A dependency outside the scanned set (an excluded directory): read it, inside the
    # project only; a missing or unreadable one never matches a recorded digest.
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


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
