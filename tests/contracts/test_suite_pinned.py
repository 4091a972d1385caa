"""The suite against the pinned LiteLLM, as the default test run and CI do (one proxy import)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nemoctl.contracts import contracts
from nemoctl.errors import ExitCode
from nemoctl.pins import pinned_version

REPO = Path(__file__).resolve().parents[2]


def test_pinned_version_holds_every_contract(models_dir: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from nemoctl.cli import main; main()",
            "contracts",
            "run",
            "--json",
            "--models-dir",
            str(models_dir),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    report = json.loads(proc.stdout)
    failures = {r["name"]: r["message"] for r in report["results"] if not r["passed"]}
    assert proc.returncode == ExitCode.OK, f"broken contracts: {failures}\n{proc.stderr[-2000:]}"
    assert report["litellm_version"] == pinned_version(REPO, "litellm")
    assert [r["name"] for r in report["results"]] == [c.name for c in contracts()]
    streaming = {r["name"]: r["observations"] for r in report["results"]}[
        "test_streaming_usage_cost"
    ]
    # Recorded either way, so a change in upstream's streaming behaviour shows in the report.
    header = streaming["stream_cost_header"]
    assert header == "absent" or header.startswith("present=")
    # Under LiteLLM's defaults (the suite sets no streaming flag), the pin streams its cost.
    assert streaming["include_cost_in_streaming_usage"] == "default"
    assert streaming["usage_cost"] == "present"
    assert report["proxy_config"] is None
    assert {s["path"] for s in report["settings"]} >= {"general_settings.master_key"}
