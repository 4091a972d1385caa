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
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

import pytest

_PYCACHE_PREFIX: str | None = None


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
