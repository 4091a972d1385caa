from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl.upstream import index as index_module
from tests.support.pkgindex import LocalIndex, build_fake_litellm, build_fake_proxy_extras

SCHEMA_1 = 'model LiteLLM_SpendLogs {\n  request_id String @id\n  spend Float @default(0.0)\n}\n'
SCHEMA_2 = SCHEMA_1.replace("}\n", "  model_group String?\n}\n")


@pytest.fixture()
def wheel_dir(tmp_path: Path) -> Path:
    out = tmp_path / "wheels"
    build_fake_litellm(out, "1.2.0", SCHEMA_1, proxy_extras_version="0.1.0")
    build_fake_litellm(out, "1.3.0", SCHEMA_2, proxy_extras_version="0.1.0")
    build_fake_proxy_extras(out, "0.1.0")
    return out


@pytest.fixture()
def cold_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
    index_module.clear_memo()
    return cache


@pytest.fixture()
def local_index(
    wheel_dir: Path, cold_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalIndex]:
    with LocalIndex(wheel_dir) as idx:
        for key, value in idx.pip_env().items():
            monkeypatch.setenv(key, value)
        yield idx
    index_module.clear_memo()
