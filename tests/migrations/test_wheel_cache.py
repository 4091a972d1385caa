"""The gate reads migrations from the verified wheel cache, hermetically: a local index
serves ``litellm`` releases whose ``proxy`` extra pins ``litellm-proxy-extras`` exactly,
and extras wheels carrying the real 0.4.97 / 0.4.108 migration files.

Marked slow (pip downloads from the local index: ~10-30 s); run with ``-m slow``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.db import MigrationSet
from nemoctl.migrations.gate import GateRequest, migration_gate, run_gate
from tests.support.pkgindex import LocalIndex, build_wheel

pytestmark = pytest.mark.slow


def _extras(out: Path, version: str, migrations: MigrationSet | None) -> None:
    members = {"litellm_proxy_extras/__init__.py": f'__version__ = "{version}"\n'}
    for m in migrations.migrations if migrations else ():
        members[f"litellm_proxy_extras/migrations/{m.name}/migration.sql"] = m.sql
    build_wheel(out, "litellm-proxy-extras", version, members)


def _litellm(out: Path, version: str, extras: str) -> None:
    build_wheel(out, "litellm", version,
                {"litellm/__init__.py": f'__version__ = "{version}"\n',
                 "litellm/proxy/__init__.py": ""},
                extras={"proxy": [f"litellm-proxy-extras=={extras}"]})


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, old_set: MigrationSet,
          new_set: MigrationSet) -> Iterator[LocalIndex]:
    out = tmp_path_factory.mktemp("wheels")
    _litellm(out, "2.0.0", "9.0.0")
    _litellm(out, "2.1.0", "9.1.0")
    _litellm(out, "2.2.0", "9.2.0")
    _extras(out, "9.0.0", old_set)
    _extras(out, "9.1.0", new_set)
    _extras(out, "9.2.0", None)  # an extras release that ships no migrations
    with LocalIndex(out) as served:
        yield served


@pytest.fixture
def project(tmp_path: Path, index: LocalIndex, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {**index.pip_env(), "NEMOCTL_CACHE_DIR": str(tmp_path / "cache")}.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "consumer"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "c"\nversion = "0"\n'
                                         'dependencies = ["litellm[proxy]==2.0.0"]\n')
    return root


def test_release_pair_through_the_wheel_cache(project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(project)
    first = run_gate(config, GateRequest(to_spec="2.1.0"))
    assert first.old_label == "litellm_proxy_extras-9.0.0-py3-none-any.whl"
    assert first.new_label == "litellm_proxy_extras-9.1.0-py3-none-any.whl"
    assert len(first.pending) == 42

    # Never from the network twice: the second run is served by the verified cache.
    import nemoctl.upstream._fetch as fetch

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("downloaded again")

    monkeypatch.setattr(fetch, "_download", no_download)
    second = run_gate(config, GateRequest(to_spec="2.1.0"))
    assert second.to_dict() == first.to_dict()


def test_target_without_migrations_skips_the_step(project: Path) -> None:
    outcome = migration_gate(load_config(project), "2.0.0", "2.2.0")
    assert outcome.report is None and outcome.status == "skipped"
    assert outcome.detail == "no migrations found in litellm_proxy_extras-9.2.0-py3-none-any.whl"


def test_upgrade_gate_uses_the_coupled_and_project_extras_pins(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "c"\nversion = "0"\n'
        'dependencies = ["litellm[proxy]==2.0.0", "litellm-proxy-extras==9.0.0"]\n')
    import nemoctl.upstream._fetch as fetch

    real = fetch.fetch_wheel

    def only_extras(package: str, version: str) -> object:
        assert package == "litellm-proxy-extras", f"fetched {package} {version}"
        return real(package, version)

    monkeypatch.setattr(fetch, "fetch_wheel", only_extras)
    monkeypatch.setattr("nemoctl.upstream.fetch_wheel", only_extras)
    outcome = migration_gate(load_config(project), "2.0.0", "2.1.0",
                             {"litellm-proxy-extras": "9.1.0"})
    assert outcome.report is not None and len(outcome.report.pending) == 42
