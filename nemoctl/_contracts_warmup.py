"""pytest plugin for the overlapped upgrade: run what can run before the models exist.

Loaded in the isolated contract environment through ``PYTEST_PLUGINS`` (so it lives
directly under ``nemoctl``, whose package ``__init__`` imports nothing the isolated
environment lacks).  The upgrade starts the suite while it is still bumping pins and
regenerating models.  Contracts that never import the generated ``nemoctl_models``
(found with :mod:`ast` in their module) run at once — LiteLLM's proxy import (~12 s)
and the gateway's start happen then; those that do are moved last and wait, before
the first of them, for the gate file: ``go`` once the regenerated models are in
place, anything else (the upgrade stopped) ends the session.
"""

from __future__ import annotations

import ast
import os
import time
from functools import cache
from pathlib import Path
from typing import Any

GATE_ENV = "NEMOCTL_CONTRACTS_GATE"
GO = "go"
MODELS_PACKAGE = "nemoctl_models"


def ready_path(gate: Path) -> Path:
    """Touched when the suite first needs the models (its mtime: when it got there)."""
    return gate.with_name(gate.name + ".ready")


#: Names whose use means a module loads the models at run time (the suite imports the
#: configured package with ``importlib.import_module(gateway.models_package())``).
_DYNAMIC = frozenset({"models_package", "import_module", "__import__"})


@cache
def imports_models(path: str) -> bool:
    """Does this test module load the generated models (statically or dynamically)?"""
    package = os.environ.get("NEMOCTL_MODELS_PACKAGE") or MODELS_PACKAGE
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except (OSError, SyntaxError, ValueError):
        return True  # unknown: the safe answer is "wait for the models"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif ((isinstance(node, ast.Attribute) and node.attr in _DYNAMIC)
              or (isinstance(node, ast.Name) and node.id in _DYNAMIC)):
            return True
        else:
            continue
        if any(n == package or n.startswith(package + ".") for n in names):
            return True
    return False


def _needs_models(item: Any) -> bool:
    return imports_models(str(item.path))


def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    if os.environ.get(GATE_ENV):
        # Stable: the suite's order is kept within each group.
        items[:] = [i for i in items if not _needs_models(i)] + \
                   [i for i in items if _needs_models(i)]


_opened = False


def pytest_runtest_setup(item: Any) -> None:
    global _opened
    gate = os.environ.get(GATE_ENV)
    if not gate or _opened or not _needs_models(item):
        return
    path = Path(gate)
    ready_path(path).touch()
    while not path.exists():
        time.sleep(0.02)
    if path.read_text(encoding="utf-8").strip() != GO:
        import pytest

        pytest.exit("the upgrade stopped before its contract step", returncode=3)
    _opened = True
