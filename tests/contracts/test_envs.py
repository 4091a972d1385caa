"""Isolated environments: index configuration, cache keys, atomic builds, clear failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.contracts import envs
from nemoctl.errors import BadInputError, ResolutionError
from tests.support.pkgindex import LocalIndex, build_wheel

ISOLATED = {"PIP_CONFIG_FILE": "/dev/null"}


def test_pip_index_configuration_reaches_uv() -> None:
    args = envs.index_args(
        {
            **ISOLATED,
            "PIP_INDEX_URL": "https://mirror.example/simple",
            "PIP_EXTRA_INDEX_URL": "https://extra.example/simple",
            "PIP_FIND_LINKS": "/wheels /more",
        }
    )
    # pip's primary first, its extra after: uv prefers earlier indexes.
    assert args == [
        "--index",
        "https://mirror.example/simple",
        "--index",
        "https://extra.example/simple",
        "--find-links",
        "/wheels",
        "--find-links",
        "/more",
    ]


def test_a_lone_pip_index_becomes_uvs_default_index() -> None:
    args = envs.index_args({**ISOLATED, "PIP_INDEX_URL": "https://mirror.example/simple"})
    assert args == ["--default-index", "https://mirror.example/simple"]


def test_uv_configuration_wins_over_pip() -> None:
    env = {
        **ISOLATED,
        "PIP_INDEX_URL": "https://pip.example/simple",
        "UV_DEFAULT_INDEX": "http://127.0.0.1:1/simple",
    }
    assert envs.index_args(env) == []


def test_env_key_changes_with_every_input() -> None:
    base = envs.env_key("1.102.4", [])
    assert envs.env_key("1.102.4", []) == base
    assert envs.env_key("1.106.0", []) != base
    assert envs.env_key("1.102.4", ["--default-index", "https://x/simple"]) != base


def test_a_non_version_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="not a version"):
        envs.ensure_env("1.2.3; rm -rf /", root=tmp_path)
    assert not (tmp_path / "envs").exists()


def test_an_unresolvable_version_fails_clearly_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_wheel(wheels, "litellm", "1.0.0", {"litellm/__init__.py": ""})
    with LocalIndex(wheels) as index:
        for name, value in index.pip_env().items():
            monkeypatch.setenv(name, value)
        with pytest.raises(ResolutionError) as caught:
            envs.ensure_env("9.9.9", root=tmp_path / "cache")
    assert "litellm[proxy]==9.9.9" in caught.value.message
    built = tmp_path / "cache" / "envs"
    leftovers = [p.name for p in built.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == [], "a failed build must leave no environment behind"


def test_a_complete_environment_is_reused_and_a_half_built_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UV_DEFAULT_INDEX", "http://127.0.0.1:9/simple")  # unreachable on purpose
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    key = envs.env_key("1.2.3", envs.index_args())
    final = tmp_path / "envs" / f"litellm-1.2.3-{key}"
    (final / "bin").mkdir(parents=True)
    (final / "bin" / "python").write_text("")
    # No completion marker: a crashed build.  It must be rebuilt, which fails here offline.
    with pytest.raises(ResolutionError):
        envs.ensure_env("1.2.3", root=tmp_path)
    (final / "bin").mkdir(parents=True, exist_ok=True)
    (final / "bin" / "python").write_text("")
    (final / ".nemoctl-complete").write_text("{}\n")
    ready = envs.ensure_env("1.2.3", root=tmp_path)
    assert ready.reused and ready.path == final


def test_index_credentials_never_reach_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UV_DEFAULT_INDEX", "http://alice:hunter2@127.0.0.1:9/simple")
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    with pytest.raises(ResolutionError) as caught:
        envs.ensure_env("1.2.3", root=tmp_path)
    assert "hunter2" not in caught.value.message
