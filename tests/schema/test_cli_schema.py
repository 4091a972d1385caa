"""`nemoctl schema show|sacred` end to end: files, wheels, versions from a local index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl.schema import parse_file
from tests.schema.conftest import FIXTURES
from tests.support.pkgindex import LocalIndex, build_fake_litellm, build_fake_proxy_extras

REPO = FIXTURES.parents[1]


def _fixture(version: str) -> Path:
    return FIXTURES / "schemas" / version / "schema.prisma"


def nemoctl(*args: str | Path, cwd: Path,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", *map(str, args)],
        cwd=cwd, env=full, capture_output=True, text=True, timeout=180, check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\ndependencies = ["litellm[proxy]==1.102.4"]\n'
        '\n[tool.nemoctl]\n', encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    shutil.copy(REPO / "schemas" / "sacred_fields.toml", tmp_path / "schemas")
    return tmp_path


def test_show_overview(project: Path) -> None:
    result = nemoctl("schema", "show", _fixture("1.109.1"), cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{_fixture('1.109.1')}: 104 models, 4 enums (sha256 ")
    assert any(line.split()[:4] == ["LiteLLM_SpendLogs", "36", "7", "request_id"]
               for line in lines), result.stdout
    assert "enum AccountingDeliveryState: pending, applied, parked" in result.stdout


def test_show_one_model(project: Path) -> None:
    result = nemoctl("schema", "show", _fixture("1.109.1"), "--model", "LiteLLM_ModelTable",
                     cwd=project)
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "model_aliases" in line)
    assert row.split() == ["model_aliases", "Json?", "aliases"]


def test_show_json_is_schema_to_dict(project: Path) -> None:
    result = nemoctl("schema", "show", _fixture("1.60.0"), "--format", "json", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"source", "schema"}
    assert data["schema"] == parse_file(_fixture("1.60.0")).to_dict()
    assert data["source"]["path"] == str(_fixture("1.60.0")) and data["source"]["wheel"] is None


def test_show_wheel(project: Path, tmp_path: Path) -> None:
    wheel = build_fake_litellm(tmp_path / "w", "1.108.0",
                               _fixture("1.108.0").read_text(encoding="utf-8"))
    result = nemoctl("schema", "show", wheel, "--format", "json", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"]["version"] == "1.108.0"
    assert data["source"]["wheel"]["filename"] == wheel.name
    assert len(data["schema"]["models"]) == 101


def test_show_bad_input(project: Path, tmp_path: Path) -> None:
    unknown = nemoctl("schema", "show", _fixture("1.60.0"), "--model", "LiteLLM_Spendlogs",
                      cwd=project)
    assert unknown.returncode == 2
    assert "error: no model 'LiteLLM_Spendlogs'" in unknown.stderr
    assert "hint: did you mean LiteLLM_SpendLogs" in unknown.stderr
    broken = tmp_path / "b.prisma"
    broken.write_text("model A {\n  id Int @id\n  x Nope\n}\n", encoding="utf-8")
    parse = nemoctl("schema", "show", broken, cwd=project)
    assert parse.returncode == 2 and f"{broken}:3" in parse.stderr
    no_wheel_member = build_fake_litellm(tmp_path / "w", "1.0.0", "")
    empty = nemoctl("schema", "show", no_wheel_member, "--format", "json", cwd=project)
    assert empty.returncode == 0 and json.loads(empty.stdout)["schema"]["models"] == []
    not_zip = tmp_path / "fake-1.0-py3-none-any.whl"
    not_zip.write_text("not a zip", encoding="utf-8")
    bad_zip = nemoctl("schema", "show", not_zip, cwd=project)
    assert bad_zip.returncode == 2 and "is not a readable wheel" in bad_zip.stderr
    for result in (unknown, parse, bad_zip):
        assert "Traceback" not in result.stderr


def test_sacred_command(project: Path) -> None:
    ok = nemoctl("schema", "sacred", _fixture("1.102.4"), cwd=project)
    assert ok.returncode == 0, ok.stderr
    assert "sacred fields in" in ok.stdout and "20/20 ok" in ok.stdout
    old = nemoctl("schema", "sacred", _fixture("1.80.0"), "--json", cwd=project)
    assert old.returncode == 4
    states = {(s["model"], s["field"]): s["state"] for s in json.loads(old.stdout)["sacred"]}
    assert states[("LiteLLM_SpendLogs", "organization_id")] == "unknown"
    assert states[("LiteLLM_SpendLogs", "spend")] == "ok"
    (project / "schemas" / "sacred_fields.toml").unlink()
    missing = nemoctl("schema", "sacred", _fixture("1.102.4"), cwd=project)
    assert missing.returncode == 2 and "no sacred fields file" in missing.stderr


@pytest.fixture
def index_env(tmp_path: Path, node_dir: Path) -> Iterator[dict[str, str]]:
    """A local simple index holding fake litellm wheels with real schemas; a cold cache."""
    wheels = tmp_path / "index"
    for version in ("1.108.0", "1.109.1"):
        build_fake_litellm(wheels, version, _fixture(version).read_text(encoding="utf-8"),
                           proxy_extras_version="0.4.113")
    build_fake_proxy_extras(wheels, "0.4.113")
    cache = tmp_path / "cache"
    (cache / "node").mkdir(parents=True)
    os.symlink(node_dir, cache / "node" / node_dir.name)
    with LocalIndex(wheels) as idx:
        yield {**idx.pip_env(), "NEMOCTL_CACHE_DIR": str(cache)}


def test_version_specs_from_the_configured_index(
    project: Path, index_env: dict[str, str]
) -> None:
    shown = nemoctl("schema", "show", "1.109.1", "--format", "json", cwd=project, env=index_env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["source"]["label"] == "litellm 1.109.1"
    assert data["source"]["wheel"]["filename"] == "litellm-1.109.1-py3-none-any.whl"
    assert len(data["schema"]["models"]) == 104
    assert "supply_chain" in data
    diffed = nemoctl("diff", "--from", "1.108.0", "--to", "1.109.1", "--format", "json",
                     cwd=project, env=index_env)
    assert diffed.returncode == 0, diffed.stderr
    report = json.loads(diffed.stdout)
    assert (report["old"]["label"], report["new"]["label"]) == ("litellm 1.108.0",
                                                                "litellm 1.109.1")
    assert report["counts"]["INFO"] == 8
    absent = nemoctl("diff", "--from", "1.108.0", "--to", "1.2.3", cwd=project, env=index_env)
    assert absent.returncode == 3 and "litellm 1.2.3 is not on any configured in" in absent.stderr
    assert "Traceback" not in absent.stderr
