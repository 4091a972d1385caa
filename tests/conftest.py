"""Session-wide set-up for the whole suite.

Bytecode for child interpreters.  The suite starts several hundred Python processes
(the real ``nemoctl`` CLI, contract suites importing LiteLLM, isolated environments).
When the environment sets ``PYTHONDONTWRITEBYTECODE`` (this machine's shells do, to
keep source trees and the venv free of ``__pycache__``), every one of them compiles
each module it imports from source again: LiteLLM's proxy import takes twice as long,
a CLI start about 0.4 s more.  Instead, this process and its children share one
private bytecode cache for the session (``PYTHONPYCACHEPREFIX``, a temporary directory
removed at the end): nothing is written next to any source file, as before, and each
module is compiled once per run.  An explicit ``PYTHONPYCACHEPREFIX`` is left alone,
and without ``PYTHONDONTWRITEBYTECODE`` Python's default applies, as it always did.

Two workers for the default run.  ``addopts`` asks pytest-xdist for ``-n auto``; this
file answers with 2 workers (when two cores are there) only for the default selection,
``-m 'not slow and not benchmark'``, the one checked to be safe in parallel: its tests
share only what nemoctl itself shares safely between processes (the cache's file locks
and atomic replaces, node tools installed under a lock), PostgreSQL databases with
random names that each process checks by its own pid, and ports the kernel picks.
Any other selection (``-m slow``, ``-m benchmark``: timings must not share the cores)
runs in one process, as does an explicit ``-n 0``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

import pytest

_PYCACHE_PREFIX: str | None = None
#: The marker expression of ``addopts``: the only selection that runs on two workers.
DEFAULT_SELECTION = "not slow and not benchmark"


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    if config.option.markexpr != DEFAULT_SELECTION:
        return 0
    cores = len(os.sched_getaffinity(0))
    return 2 if cores >= 2 else 0


def pytest_configure(config: pytest.Config) -> None:
    global _PYCACHE_PREFIX
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
        _PYCACHE_PREFIX = tempfile.mkdtemp(prefix="pytest-pycache-")
        os.environ["PYTHONPYCACHEPREFIX"] = _PYCACHE_PREFIX
        del os.environ["PYTHONDONTWRITEBYTECODE"]
        sys.pycache_prefix = _PYCACHE_PREFIX
        sys.dont_write_bytecode = False


def pytest_unconfigure(config: pytest.Config) -> None:
    global _PYCACHE_PREFIX
    if _PYCACHE_PREFIX is not None:
        os.environ.pop("PYTHONPYCACHEPREFIX", None)
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        sys.pycache_prefix = None
        sys.dont_write_bytecode = True
        shutil.rmtree(_PYCACHE_PREFIX, ignore_errors=True)
        _PYCACHE_PREFIX = None
