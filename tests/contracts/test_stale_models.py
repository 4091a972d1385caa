"""Stale committed models are their own status, never a broken contract.

For ``--version X`` the payload contracts validate against models generated for X; the
committed models are compared with those separately.  The end-to-end tests run the real
CLI on a prepared environment holding the fake LiteLLM with a real schema (the committed
1.102.4 one, changed), so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from nemoctl.contracts import envs
from nemoctl.contracts.models import compare
from nemoctl.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).resolve().parent / "fake_litellm"
SCHEMA = REPO / "schemas" / "schema.prisma"
SPEND_LOGS = "model LiteLLM_SpendLogs {\n"


def _package(root: Path, version: str, classes: str) -> Path:
    package = root / "nemoctl_models"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"UPSTREAM_VERSION = {version!r}\n")
    (package / "models.py").write_text("from pydantic import BaseModel\n" + classes)
    return root


ROW = "class Row(BaseModel):\n    a: str\n    b: int | None\n"
ROW_INPUT = "class RowInput(BaseModel):\n    a: str\n    b: int | None = None\n"


@pytest.mark.parametrize(
    ("fresh", "status", "listed"),
    [
        (ROW + ROW_INPUT, "current", []),
        (
            ROW
            + "    c: str | None\n"
            + ROW_INPUT
            + "    c: str | None = None\n"
            + "class New(BaseModel):\n    x: int\n",
            "stale-additive",
            ["+New", "+Row.c", "+RowInput.c"],
        ),
        (ROW + ROW_INPUT + "    c: str\n", "stale", ["+RowInput.c"]),  # writers must set it
        ("class Row(BaseModel):\n    a: str\n    b: str | None\n" + ROW_INPUT, "stale", ["~Row.b"]),
        ("class Row(BaseModel):\n    a: str\n" + ROW_INPUT, "stale", ["-Row.b"]),
    ],
)
def test_compare_classifies_the_difference(
    tmp_path: Path, fresh: str, status: str, listed: list[str]
) -> None:
    committed = _package(tmp_path / "old", "1.0.0", ROW + ROW_INPUT)
    result = compare(committed, _package(tmp_path / "new", "1.1.0", fresh), "1.1.0")
    assert result.status == status
    assert sorted([*result.added, *result.changed, *result.removed]) == listed
    assert result.committed_version == "1.0.0"
    assert ("1.1.0" in result.note) and (status != "current") == result.stale


def _fake_env(cache: Path, version: str, schema_text: str) -> Path:
    """A complete contract environment holding the fake LiteLLM shipping ``schema_text``."""
    path = cache / "envs" / f"litellm-{version}-{envs.env_key(version, envs.index_args())}"
    from uv import find_uv_bin

    subprocess.run(
        [str(find_uv_bin()), "venv", "--quiet", "--python", sys.executable, str(path)], check=True
    )
    site = next(path.glob("lib/python*/site-packages"))
    shutil.copytree(FAKE / "litellm", site / "litellm")
    dist = site / f"litellm-{version}.dist-info"
    shutil.copytree(FAKE / "litellm-0.0.1.dist-info", dist)
    metadata = dist / "METADATA"
    metadata.write_text(metadata.read_text().replace("Version: 0.0.1", f"Version: {version}"))
    (site / "litellm" / "proxy" / "schema.prisma").write_text(schema_text)
    # The suite's other requirements (pytest, fastapi, httpx, pydantic) from this venv.
    (site / "zz_nemoctl_test.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (path / ".nemoctl-complete").write_text("{}\n")
    return path


def _cli_json(cache: Path, *args: str) -> tuple[int, dict[str, object], str]:
    env = {**os.environ, "NEMOCTL_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", "contracts", "run", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cache,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout or "{}"), proc.stderr


def test_an_additive_version_exits_0_with_a_stale_models_note(tmp_path: Path) -> None:
    text = SCHEMA.read_text().replace(
        SPEND_LOGS, SPEND_LOGS + "  nemoctl_added_column String?\n", 1
    )
    _fake_env(tmp_path, "0.0.2", text)
    code, report, stderr = _cli_json(
        tmp_path, "--version", "0.0.2", "--json", "--models-dir", str(REPO / "generated" / "python")
    )
    assert code == ExitCode.OK, stderr[-2000:]
    assert report["litellm_version"] == "0.0.2" and report["passed"] is True
    models = report["models"]
    assert isinstance(models, dict)
    assert models["status"] == "stale-additive"
    assert models["added"] == [
        "+LiteLLM_SpendLogs.nemoctl_added_column",
        "+LiteLLM_SpendLogsInput.nemoctl_added_column",
        "+LiteLLM_SpendLogsUpdate.nemoctl_added_column",
    ]
    assert "are stale for litellm 0.0.2 (additive only" in str(models["note"])
    # The payload contract validated against models generated for 0.0.2, not the committed ones.
    assert "contract-models/litellm-0.0.2-" in str(report["models_dir"])


@pytest.mark.slow
def test_a_breaking_schema_change_exits_1_with_its_own_status(tmp_path: Path) -> None:
    # A column the committed models describe changes type.
    text = SCHEMA.read_text().replace(
        "  request_duration_ms Int?\n", "  request_duration_ms String?\n", 1
    )
    _fake_env(tmp_path, "0.0.3", text)
    code, report, stderr = _cli_json(tmp_path, "--version", "0.0.3", "--json")
    assert code == ExitCode.FINDINGS, stderr[-2000:]
    assert report["passed"] is True
    models = report["models"]
    assert isinstance(models, dict) and models["status"] == "stale"
    assert "~LiteLLM_SpendLogs.request_duration_ms" in models["changed"]
    assert "stale for litellm 0.0.3 (breaking" in " ".join(stderr.split())
