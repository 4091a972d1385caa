from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from nemoctl.config import Config, load_config
from nemoctl.upstream import index as index_module
from tests.support.pkgindex import LocalIndex, build_fake_litellm, build_fake_proxy_extras

SCHEMA = "model LiteLLM_SpendLogs {\n  request_id String @id\n}\n"
OLD = "litellm-1.2.0-py3-none-any.whl"
NEW = "litellm-1.3.0-py3-none-any.whl"


@pytest.fixture()
def wheel_dir(tmp_path: Path) -> Path:
    out = tmp_path / "wheels"
    build_fake_litellm(out, "1.2.0", SCHEMA, proxy_extras_version="0.1.0")
    build_fake_litellm(out, "1.3.0", SCHEMA + "\n", proxy_extras_version="0.1.0")
    build_fake_proxy_extras(out, "0.1.0")
    return out


@pytest.fixture(autouse=True)
def cold_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
    index_module.clear_memo()
    return cache


def make_project(root: Path, *, pin: str = "1.2.0", extra: str = "") -> Config:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [project]
        name = "demo"
        version = "0"
        dependencies = ["litellm[proxy]=={pin}"]

        [tool.nemoctl]
        minimum-release-age = "3 days"
        {extra}
        """))
    return load_config(root)


@pytest.fixture()
def serve(
    wheel_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """``with serve(yanked=..., ...) as idx:`` — a LocalIndex that pip and nemoctl use."""

    @contextmanager
    def _serve(**knobs: Any) -> Iterator[LocalIndex]:
        with LocalIndex(wheel_dir, **knobs) as idx:
            for key, value in idx.pip_env().items():
                monkeypatch.setenv(key, value)
            index_module.clear_memo()
            yield idx
        index_module.clear_memo()

    return _serve
