"""The suite against real LiteLLM releases in isolated environments (slow: builds envs with uv).

These pin down what differs between versions, and prove on real upstream code that a
version lacking a contract fails that contract by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.contracts import contracts, run_contracts

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"


def _failed(run_names: dict[str, str]) -> set[str]:
    return {name for name, outcome in run_names.items() if outcome != "passed"}


def test_1_80_0_lacks_the_organization_join_key(models_dir: Path) -> None:
    """1.80.0's SpendLogsPayload has no organization_id: both org contracts fail, nothing else."""
    run = run_contracts("1.80.0", models_dir=models_dir)
    assert run.litellm_version == "1.80.0"
    outcomes = {r.name: r.outcome for r in run.results}
    assert _failed(outcomes) == {"test_spend_log_payload_fields", "test_spend_log_organization_id"}
    assert "organization_id missing" in run.result("test_spend_log_payload_fields").message
    # 1.80.0 sends no cost breakdown headers; recorded, not failed.
    breakdown = dict(run.result("test_cost_breakdown_headers").observations)
    assert breakdown["breakdown_headers"] == "none"


def test_1_100_5_holds_every_contract(models_dir: Path) -> None:
    run = run_contracts("1.100.5", models_dir=models_dir)
    assert run.litellm_version == "1.100.5"
    assert run.passed, [(r.name, r.message) for r in run.failures]
    assert [r.name for r in run.results] == [c.name for c in contracts()]


def test_1_106_0_against_pinned_models_flags_new_spend_log_columns(models_dir: Path) -> None:
    """1.106.0 writes spend-log columns the 1.102.4 table lacks: exactly the validation fails."""
    run = run_contracts("1.106.0", models_dir=models_dir)
    assert [r.name for r in run.failures] == ["test_spend_log_payload_validates"]
    message = run.result("test_spend_log_payload_validates").message
    assert "billing_agent_id" in message and "litellm_call_id" in message


def test_1_106_0_against_its_own_regenerated_models_holds_every_contract(tmp_path: Path) -> None:
    """What `nemoctl upgrade` does: regenerate the models for the candidate, then run the suite."""
    from nemoctl.codegen import render_outputs

    text = (FIXTURES / "1.106.0" / "schema.prisma").read_text()
    outputs = render_outputs(text, upstream_version="1.106.0", wheel_sha256=None)
    for relative, data in outputs.items():
        if relative.startswith("generated/python/"):
            target = tmp_path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    run = run_contracts("1.106.0", models_dir=tmp_path / "generated" / "python")
    assert run.passed, [(r.name, r.message) for r in run.failures]
