from __future__ import annotations

import os
from pathlib import Path

import pytest

from nemoctl import _node
from nemoctl.paths import cache_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="session")
def node_dir() -> Path:
    """The installed pinned node tools (installed once, shared by every cache)."""
    return _node.node_modules().parent


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, node_dir: Path) -> Path:
    """An empty parse cache; the node tools are linked in, not reinstalled."""
    root = tmp_path / "cache"
    (root / "node").mkdir(parents=True)
    os.symlink(node_dir, root / "node" / node_dir.name)
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(root))
    assert cache_dir() == root
    return root
