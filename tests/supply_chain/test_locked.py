"""verify_locked_wheel: schemas/lock.json vs the pin, the project lockfile, cache and index."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nemoctl.config import Config
from nemoctl.supply_chain import verify_locked_wheel
from nemoctl.upstream import fetch_wheel
from tests.supply_chain.conftest import OLD, make_project
from tests.support.pkgindex import sha256_file

Serve = Callable[..., Any]


def _lock(config: Config, sha: str, version: str = "1.2.0") -> None:
    config.schemas_dir.mkdir(parents=True, exist_ok=True)
    (config.schemas_dir / "lock.json").write_text(json.dumps({
        "upstream": "litellm", "package": "litellm", "version": version,
        "wheel_sha256": sha, "schema_sha256": "1" * 64, "generators": {},
    }))


def _uv_lock(config: Config, hashes: list[str], version: str = "1.2.0") -> None:
    wheels = ", ".join(f'{{ url = "https://x.invalid/{i}.whl", hash = "sha256:{h}" }}'
                       for i, h in enumerate(hashes))
    (config.root / "uv.lock").write_text(
        f'version = 1\n\n[[package]]\nname = "litellm"\nversion = "{version}"\n'
        f"wheels = [{wheels}]\n"
    )


def test_cached_pinned_wheel_checks_out(serve: Serve, tmp_path: Path, wheel_dir: Path) -> None:
    config = make_project(tmp_path / "p")
    sha = sha256_file(wheel_dir / OLD)
    _lock(config, sha)
    _uv_lock(config, ["a" * 64, sha])
    with serve() as idx:
        fetch_wheel("litellm", "1.2.0")
        before = len(idx.requests)
        assert verify_locked_wheel(config) == []
        assert len(idx.requests) == before  # answered from the cache, no network


def test_corrupted_cached_wheel_is_a_problem(serve: Serve, tmp_path: Path, wheel_dir: Path) -> None:
    config = make_project(tmp_path / "p")
    sha = sha256_file(wheel_dir / OLD)
    _lock(config, sha)
    with serve():
        wheel = fetch_wheel("litellm", "1.2.0")
    wheel.path.write_bytes(wheel.path.read_bytes()[:-10])
    (problem,) = verify_locked_wheel(config, offline=True)
    assert f"not {sha} as schemas/lock.json records" in problem
    assert not wheel.path.exists()


def test_uncached_wheel_is_checked_against_the_index(
    serve: Serve, tmp_path: Path, wheel_dir: Path
) -> None:
    config = make_project(tmp_path / "p")
    _lock(config, sha256_file(wheel_dir / OLD))
    with serve() as idx:
        assert verify_locked_wheel(config) == []
        assert idx.downloads() == []  # metadata only
    _lock(config, "f" * 64)
    with serve():
        (problem,) = verify_locked_wheel(config)
    assert "no file of litellm 1.2.0 on the index hashes to " + "f" * 64 in problem


def test_withdrawn_pinned_release(serve: Serve, tmp_path: Path, wheel_dir: Path) -> None:
    config = make_project(tmp_path / "p", pin="1.1.0")
    _lock(config, "e" * 64, version="1.1.0")
    with serve():
        (problem,) = verify_locked_wheel(config)
    assert "no longer on any configured index" in problem and "withdrawn" in problem


def test_pin_and_lockfile_disagreements(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", pin="1.3.0")
    _lock(config, "c" * 64)
    _uv_lock(config, ["d" * 64])
    problems = verify_locked_wheel(config, offline=True)
    assert problems == [
        "litellm is pinned to 1.3.0 but schemas/lock.json records 1.2.0 (regenerate with "
        "`nemoctl generate`, or upgrade with `nemoctl upgrade`)",
        "uv.lock's hashes for litellm 1.2.0 do not include the wheel sha256 " + "c" * 64
        + " recorded in schemas/lock.json",
    ]
    _uv_lock(config, [], version="1.2.0")
    assert "carries no hashes" in verify_locked_wheel(config, offline=True)[1]
    _uv_lock(config, ["c" * 64], version="1.1.0")
    assert "uv.lock locks litellm 1.1.0, not 1.2.0" in verify_locked_wheel(config, offline=True)[1]


def test_missing_or_broken_lock(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p")
    assert verify_locked_wheel(config, offline=True) == [
        "schemas/lock.json is missing (run `nemoctl generate`)"
    ]
    config.schemas_dir.mkdir()
    (config.schemas_dir / "lock.json").write_text("{nope")
    assert "unreadable" in verify_locked_wheel(config, offline=True)[0]
    _lock(config, "")
    assert "records no wheel_sha256" in verify_locked_wheel(config, offline=True)[0]


def test_poetry_lock_hashes_are_read(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p")
    _lock(config, "b" * 64)
    (config.root / "poetry.lock").write_text(
        '[[package]]\nname = "litellm"\nversion = "1.2.0"\n'
        f'files = [{{file = "litellm-1.2.0-py3-none-any.whl", hash = "sha256:{"b" * 64}"}}]\n'
    )
    assert verify_locked_wheel(config, offline=True) == []
