"""The contracts the suite defines, read from its source (no LiteLLM import needed)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SUITE_DIR = Path(__file__).resolve().parent / "suite"
#: Report order: the mount first (everything else depends on it), then as the issue lists them.
MODULE_ORDER = (
    "test_mount",
    "test_cost",
    "test_streaming",
    "test_metadata",
    "test_model",
    "test_auth",
    "test_errors",
    "test_payloads",
    "test_sdk",
)


@dataclass(frozen=True)
class Contract:
    name: str
    module: str
    summary: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "module": self.module, "summary": self.summary}


def contracts(suite_dir: Path = SUITE_DIR) -> list[Contract]:
    """Every ``test_*`` function in the suite's ``test_*.py`` modules, in file order."""
    found: list[Contract] = []

    def rank(path: Path) -> tuple[int, str]:
        order = MODULE_ORDER.index(path.stem) if path.stem in MODULE_ORDER else len(MODULE_ORDER)
        return order, path.stem

    for path in sorted(suite_dir.glob("test_*.py"), key=rank):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                doc = " ".join((ast.get_docstring(node) or "").split())
                found.append(Contract(node.name, path.stem, doc))
    return found
