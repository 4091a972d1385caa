"""pytest plugin for the overlapped upgrade: run what can run before the models exist.

Loaded in the isolated contract environment through ``PYTEST_PLUGINS`` (so it lives
directly under ``nemoctl``, whose package ``__init__`` imports nothing the isolated
environment lacks).  The upgrade starts the suite while it is still bumping pins and
regenerating models.  Contracts that never import the generated ``nemoctl_models``
(found with :mod:`ast` in their module) run at once — LiteLLM's proxy import (~12 s)
and the gateway's start happen then; those that do are moved last and wait, before
the first of them, for the gate file: ``go`` once the regenerated models are in
place, anything else (the upgrade stopped) ends the session.  The suite is started
only once the supply-chain policy accepted the environment's releases
(:mod:`nemoctl.upgrade.background`): an interpreter there runs installed packages'
``.pth`` files and pytest plugins before any test.

The runner loads it for every suite run (``-p``) for one more thing: once pytest has
written its JUnit XML and its summary, the process leaves with ``os._exit``.  An
interpreter that imported LiteLLM's proxy spends ~3.5 s after that in garbage
collection, LiteLLM's atexit handlers and tearing down its modules, all of it on the
upgrade's critical path and none of it observable by the runner, which reads only
the XML.
"""

from __future__ import annotations

import ast
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

GATE_ENV = "NEMOCTL_CONTRACTS_GATE"
#: Set (to ``1``) by the runner: leave right after pytest unconfigured (see above).
FAST_EXIT_ENV = "NEMOCTL_CONTRACTS_FAST_EXIT"
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


def _hookimpl(**opts: Any) -> Callable[[Any], Any]:
    # nemoctl itself imports this module for its constants, where pytest may be absent;
    # inside pytest (the only place the hooks run) the real marker applies.
    pytest = sys.modules.get("pytest")
    if pytest is None:
        return lambda fn: fn
    return pytest.hookimpl(**opts)  # type: ignore[no-any-return]


def _await(gate: Path, why: str) -> None:
    """Block until ``gate`` exists; anything but ``go`` in it ends the session."""
    while not gate.exists():
        time.sleep(0.02)
    if gate.read_text(encoding="utf-8").strip() != GO:
        import pytest

        pytest.exit(why, returncode=3)


_opened = False


@_hookimpl(tryfirst=True)
def pytest_runtest_setup(item: Any) -> None:
    """Before the first test that needs the models."""
    global _opened
    gate = os.environ.get(GATE_ENV)
    if not gate or _opened or not _needs_models(item):
        return
    path = Path(gate)
    ready_path(path).touch()
    _await(path, "the upgrade stopped before its contract step")
    _opened = True


_exitstatus: int | None = None


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    global _exitstatus
    _exitstatus = int(exitstatus)


@_hookimpl(tryfirst=True)
def pytest_unconfigure(config: Any) -> None:
    """The session finished: the JUnit XML is written and the summary printed.

    First among the unconfigure hooks: what the others do there is no result (pytest's
    unraisable-exception plugin alone runs ``gc.collect()`` over LiteLLM's heap, ~0.6 s).
    """
    if os.environ.get(FAST_EXIT_ENV) != "1" or _exitstatus is None:
        return
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_exitstatus)
