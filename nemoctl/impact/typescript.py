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

from nemoctl.impact.names import Names
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
            results[rel] = TsScan([RawUse(*u) for u in result["uses"]],
                                  tuple(result.get("deps", ())))
    return results
