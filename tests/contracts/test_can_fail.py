"""The suite can fail: a LiteLLM lacking a behaviour makes exactly the contract guarding it fail.

A fake ``litellm`` (``fake_litellm/``) mirrors the surface the suite uses; each name in
``FAKE_LITELLM_BREAK`` removes one behaviour.  These runs take a few seconds each (no
real proxy import).  The real-version counterpart is ``test_real_versions.py`` (slow).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.contracts import contracts, run_contracts

#: behaviour removed -> the contracts that must fail, and only those.
BREAKS = {
    "cost_header": {"test_cost_header_chat", "test_cost_header_embedding"},
    "auth": {"test_auth_missing_key_401", "test_auth_bad_key_refused"},
    "stream_usage": {"test_streaming_usage_cost"},
    "org_id": {"test_spend_log_payload_fields", "test_spend_log_organization_id"},
    "sdk_cost": {"test_sdk_mock_completion_usage_cost"},
    "stream_headers": {"test_metadata_headers_stream"},
    "body_model": {"test_body_model_is_model_group"},
    "stream_cost_default": {"test_streaming_usage_cost"},
    "error_type": {"test_error_unknown_model", "test_error_budget_exceeded"},
}


def _run(monkeypatch: pytest.MonkeyPatch, models_dir: Path, breaks: list[str]) -> dict[str, str]:
    monkeypatch.setenv("FAKE_LITELLM_BREAK", ",".join(breaks))
    run = run_contracts(models_dir=models_dir)
    assert run.litellm_version == "0.0.1", "the fake did not shadow the real LiteLLM"
    return {result.name: result.outcome for result in run.results}


def test_missing_cost_header_fails_the_cost_contracts_only(
    fake_litellm: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    outcomes = _run(monkeypatch, models_dir, ["cost_header"])
    assert set(outcomes) == {c.name for c in contracts()}
    failed = {name for name, outcome in outcomes.items() if outcome != "passed"}
    assert failed == BREAKS["cost_header"]


def test_every_broken_behaviour_fails_its_named_contract(
    fake_litellm: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    outcomes = _run(monkeypatch, models_dir, sorted(BREAKS))
    failed = {name for name, outcome in outcomes.items() if outcome != "passed"}
    assert failed == set().union(*BREAKS.values())
    # What no break touches still holds, so the failures above are not collateral damage.
    assert outcomes["test_in_process_mount"] == "passed"
    assert outcomes["test_spend_log_payload_validates"] == "passed"


@pytest.mark.slow
@pytest.mark.parametrize("behaviour", sorted(BREAKS))
def test_each_break_alone(
    behaviour: str, fake_litellm: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    outcomes = _run(monkeypatch, models_dir, [behaviour])
    failed = {name for name, outcome in outcomes.items() if outcome != "passed"}
    assert failed == BREAKS[behaviour]


def test_a_suite_that_cannot_start_is_reported_per_contract(
    fake_litellm: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path, tmp_path: Path
) -> None:
    """A LiteLLM whose proxy app is gone errors every proxy contract by name, not silently."""
    broken = tmp_path / "broken"
    (broken / "litellm" / "proxy").mkdir(parents=True)
    (broken / "litellm" / "__init__.py").write_text("callbacks = []\n")
    (broken / "litellm" / "proxy" / "__init__.py").write_text("")
    (broken / "litellm-0.0.2.dist-info").mkdir()
    (broken / "litellm-0.0.2.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: litellm\nVersion: 0.0.2\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(broken))
    run = run_contracts(models_dir=models_dir)
    assert run.litellm_version == "0.0.2"
    assert not run.passed
    mount = run.result("test_in_process_mount")
    assert mount.outcome == "error"
    assert "proxy_server" in mount.message
