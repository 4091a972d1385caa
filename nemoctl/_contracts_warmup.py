"""pytest plugin for the overlapped upgrade: import LiteLLM's proxy, then wait for the models.

Loaded in the isolated contract environment through ``PYTEST_PLUGINS`` (so it lives
directly under ``nemoctl``, whose package ``__init__`` imports nothing the isolated
environment lacks).  After collection (the suite's conftest has prepared the proxy's
environment) it imports ``litellm.proxy.proxy_server`` — ~12 s, the slow part of the
contract step — and then waits until the upgrade writes the gate file: ``go`` once
the regenerated models are in place, anything else when the upgrade gave up.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

GATE_ENV = "NEMOCTL_CONTRACTS_GATE"
GO = "go"


def ready_path(gate: Path) -> Path:
    """Touched once the proxy is imported (its mtime is when the suite became ready)."""
    return gate.with_name(gate.name + ".ready")


def pytest_collection_finish(session: Any) -> None:
    gate = os.environ.get(GATE_ENV)
    if not gate:
        return
    import litellm.proxy.proxy_server  # noqa: F401  the import is the point

    path = Path(gate)
    ready_path(path).touch()
    while not path.exists():
        time.sleep(0.02)
    if path.read_text(encoding="utf-8").strip() != GO:
        import pytest

        pytest.exit("the upgrade stopped before its contract step", returncode=3)
