"""`nemoctl contracts` output and exit codes; the renderers on a known run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from nemoctl.contracts import ContractResult, ContractRun
from nemoctl.contracts.models import ModelsStatus
from nemoctl.contracts.proxy_config import RUNNER_SETTINGS
from nemoctl.errors import ExitCode
from nemoctl.render import contracts as render

RUN = ContractRun(
    results=(
        ContractResult("test_in_process_mount", "passed", module="test_mount"),
        ContractResult(
            "test_cost_header_chat",
            "failed",
            "header x-litellm-response-cost is missing",
            module="test_cost",
        ),
        ContractResult(
            "test_streaming_usage_cost",
            "passed",
            module="test_streaming",
            observations=(("stream_cost_header", "absent"),),
        ),
    ),
    litellm_version="1.80.0",
    duration_s=12.5,
    requested_version="1.80.0",
)


def _nemoctl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        env=None,
        cwd=cwd,
    )


def test_broken_contract_exits_5_and_names_it(
    fake_litellm: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("FAKE_LITELLM_BREAK", "cost_header")
    monkeypatch.setenv("NO_COLOR", "1")
    # Outside any project: the suite runs with nemoctl's own interpreter, where the fake
    # LiteLLM on PYTHONPATH wins (inside a project, the project's environment is tested).
    proc = _nemoctl("contracts", "run", "--models-dir", str(models_dir), cwd=tmp_path)
    assert "(nemoctl's own environment)" in proc.stdout
    assert proc.returncode == ExitCode.CONTRACTS_FAILED
    assert "FAIL  test_cost_header_chat" in proc.stdout
    assert "PASS  test_in_process_mount" in proc.stdout
    assert "header x-litellm-response-cost is missing" in proc.stdout
    assert "test_cost_header_chat, test_cost_header_embedding" in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr


def test_models_dir_without_models_is_bad_input(tmp_path: Path) -> None:
    proc = _nemoctl("contracts", "run", "--models-dir", str(tmp_path))
    assert proc.returncode == ExitCode.BAD_INPUT
    assert "nemoctl_models" in proc.stderr


def test_list_names_every_contract_with_its_reason() -> None:
    proc = _nemoctl("contracts", "list")
    assert proc.returncode == 0
    assert "test_cost_header_chat\n    Cost header (chat):" in proc.stdout


def test_renderers() -> None:
    data = json.loads(render.to_json(RUN))
    assert data["failed"] == ["test_cost_header_chat"] and data["passed"] is False
    assert data["results"][2]["observations"] == {"stream_cost_header": "absent"}
    markdown = render.to_markdown(RUN)
    assert (
        "| `test_cost_header_chat` | FAIL | header x-litellm-response-cost is missing |" in markdown
    )
    github = render.to_github(RUN)
    assert github.startswith("::error title=contract test_cost_header_chat (litellm 1.80.0)::")
    console = Console(record=True, width=200, no_color=True)
    render.render_human(RUN, console)
    text = console.export_text()
    assert "FAIL  test_cost_header_chat" in text
    assert "stream_cost_header=absent" in text
    assert "litellm 1.80.0: 2/3 passed, 1 of 3 contracts broken" in text


def test_renderers_list_the_suites_settings_and_the_models_status() -> None:
    stale = ModelsStatus(
        "stale-additive",
        "1.106.0",
        "1.102.4",
        "generated/python",
        added=("+LiteLLM_SpendLogs.litellm_call_id",),
    )
    run = ContractRun(
        results=(
            ContractResult(
                "test_in_process_mount", "passed", observations=(("payload_keys", "k" * 200),)
            ),
        ),
        litellm_version="1.106.0",
        duration_s=1.0,
        requested_version="1.106.0",
        settings=RUNNER_SETTINGS,
        models=stale,
    )
    console = Console(record=True, width=300, no_color=True)
    render.render_human(run, console)
    text = console.export_text()
    assert "ran under LiteLLM defaults; the suite changed:" in text
    assert "set         env LITELLM_LOCAL_MODEL_COST_MAP" in text
    assert (
        "note: committed models (litellm 1.102.4) are stale for litellm 1.106.0 (additive" in text
    )
    assert "k" * 200 not in text and "k" * 70 + "…" in text  # long observations are cut
    assert "k" * 200 in render.to_json(run)  # but kept whole in JSON
    assert "**models:** committed models (litellm 1.102.4) are stale" in render.to_markdown(run)
    assert "::notice title=generated models::committed models" in render.to_github(run)
    assert json.loads(render.to_json(run))["models"]["status"] == "stale-additive"


def test_matrix_refuses_a_non_version_before_building_anything(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from nemoctl.cli import main; main()",
            "contracts",
            "matrix",
            "1.80.0",
            "latest",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "NEMOCTL_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == ExitCode.BAD_INPUT
    assert "not a version: 'latest'" in proc.stderr
    assert not (tmp_path / "cache" / "envs").exists()


def test_a_missing_proxy_config_is_bad_input(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from nemoctl.cli import main; main()",
            "contracts",
            "run",
            "--proxy-config",
            str(tmp_path / "nope.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == ExitCode.BAD_INPUT
    assert "nope.yaml does not exist" in " ".join(proc.stderr.split())
