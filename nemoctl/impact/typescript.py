"""Uses in TypeScript / JavaScript: one node process runs the compiler API over all files.

The scanner (``nemoctl/_node/impact_scan.js``) builds one Program per ``tsconfig.json``
and asks the type checker where each property access, destructuring, element access,
object literal key and type reference resolves: a use is one whose declaration is in
nemoctl's generated ``.d.ts`` (so aliases, re-exports and inferred callback parameters
count, and an unrelated ``spend`` property does not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.impact.names import Names
from nemoctl.impact.postgrest import Arg, Step, resolve_chain
from nemoctl.impact.raw import RawUse


@dataclass(frozen=True, slots=True)
class TsScan:
    uses: list[RawUse]
    #: Project files (relative) the file's resolved types may come from: a cached result
    #: holds only while they are unchanged.
    deps: tuple[str, ...] = ()


#: Per-file result: its scan, or the parser's message when it could not be parsed.
TsResult = TsScan | str


def scan_typescript(root: Path, files: Sequence[str], generated: Sequence[Path],
                    names: Names) -> dict[str, TsResult]:
    if not files:
        return {}
    from nemoctl import _node

    payload = {"root": str(root.resolve()), "files": list(files),
               "generated": [str(p.resolve()) for p in generated], "names": names.to_dict()}
    # Cold scans of thousands of files take a while on a small machine; warm ones never
    # start node (the per-file cache answers).
    out = _node.run_script("impact_scan.js", payload, timeout=900)
    results: dict[str, TsResult] = {}
    for rel, result in out["results"].items():
        if "error" in result:
            results[rel] = str(result["error"])
        else:
            typed = [RawUse(*u) for u in result["uses"]]
            results[rel] = TsScan(typed + database_uses(result, typed, names),
                                  tuple(result.get("deps", ())))
    return results


def _arg(raw: list[Any]) -> Arg:
    if raw[0] == "str":
        return Arg("str", raw[1], raw[2], raw[3])
    if raw[0] == "obj":
        return Arg("obj", keys=tuple((k, line, col, _arg(v) if v else None)
                                     for k, line, col, v in raw[1]))
    return Arg("other")


def database_uses(result: dict[str, Any], typed: list[RawUse], names: Names) -> list[RawUse]:
    """The node scanner's database facts as uses: supabase-js chains (resolved by
    :mod:`~nemoctl.impact.postgrest`), Prisma client calls, and column-name strings in a
    file that reaches the table (a use one too many is safe, one too few is not)."""
    found: list[RawUse] = []
    for table, line, col, steps in result.get("chains", ()):
        model = names.model_of_table(table)
        if model is not None:
            found += resolve_chain(model, line, col, [
                Step(method, tuple(_arg(a) for a in args)) for method, args in steps], names)
    for model, line, col, returns_rows, has_select, keys in result.get("prisma", ()):
        found.append(RawUse(model, "", "model", line, col, "table"))
        if returns_rows and not has_select:
            # findMany() without select returns every column.
            found.append(RawUse(model, "", "possible", line, col, "select-star"))
        fields = names.fields.get(model, frozenset())
        for key, kline, kcol in keys:
            if key in fields:
                found.append(RawUse(model, key, "field", kline, kcol, "literal"))
    strings = result.get("strings", ())
    # A file that names a table in a string (``Database[...]["Tables"]["T"]``, a
    # constant) reaches it too: its column strings count for that table.
    reached = {u.model for u in (*typed, *found)} | {
        m for text, _line, _col in strings if (m := names.model_of_table(text)) is not None}
    columns: dict[str, list[tuple[str, str]]] = {}
    for model in sorted(reached):
        for column, field_name in names.columns.get(model, {}).items():
            columns.setdefault(column, []).append((model, field_name))
        for field_name in names.fields.get(model, ()):
            if (model, field_name) not in columns.get(field_name, []):
                columns.setdefault(field_name, []).append((model, field_name))
    precise = {(u.model, u.member, u.line) for u in (*typed, *found)}
    for text, line, col in strings:
        for model, field_name in columns.get(text, ()):
            if (model, field_name, line) not in precise:
                found.append(RawUse(model, field_name, "field", line, col, "literal"))
        constraint = names.constraints.get(text)
        if constraint is not None and constraint[0] in reached:
            for field_name in constraint[1]:
                found.append(RawUse(constraint[0], field_name, "field", line, col, "literal"))
    return found
