from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nemoctl.schema import Schema, parse_many
from tests.impact.consumer import write_consumer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
VERSIONS = ("1.60.0", "1.80.0", "1.100.0", "1.102.4", "1.106.0", "1.108.0", "1.109.1")
#: The consumer is pinned here: its generated types are this release's.
PINNED = "1.100.0"


def schema_path(version: str) -> Path:
    return FIXTURES / version / "schema.prisma"


@pytest.fixture(scope="session")
def real() -> dict[str, Schema]:
    texts = [(schema_path(v).read_text(encoding="utf-8"), v) for v in VERSIONS]
    return dict(zip(VERSIONS, parse_many(texts), strict=True))


@pytest.fixture(scope="session")
def generated() -> dict[str, bytes]:
    """nemoctl's real generated outputs for the pinned release (one codegen per session)."""
    from nemoctl.codegen import render_outputs

    return render_outputs(schema_path(PINNED).read_text(encoding="utf-8"),
                          upstream_version=PINNED, wheel_sha256=None)


@pytest.fixture(scope="session")
def impact_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("impact-cache")


@pytest.fixture(scope="session")
def consumer_root(tmp_path_factory: pytest.TempPathFactory, generated: dict[str, bytes]) -> Path:
    return write_consumer(tmp_path_factory.mktemp("consumer") / "repo", generated)


@pytest.fixture
def cache_env(impact_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Scan caches go to a test directory, but the node tools stay in the shared cache."""
    from nemoctl import _node
    from nemoctl.config import cache_dir

    modules = _node.node_modules()  # install (or find) the pinned tools first
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(impact_cache))
    node_dir = cache_dir() / "node" / modules.parent.name
    if not node_dir.exists():
        node_dir.parent.mkdir(parents=True, exist_ok=True)
        node_dir.symlink_to(modules.parent)
    return impact_cache


@pytest.fixture
def fresh_consumer(tmp_path: Path, consumer_root: Path) -> Path:
    """A private copy of the consumer (for tests that edit it)."""
    root = tmp_path / "repo"
    shutil.copytree(consumer_root, root, symlinks=True)
    return root
