"""The suite under a gateway's own proxy config, on the fake LiteLLM (real: test_real_versions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.contracts import run_contracts

CONSUMER = Path(__file__).resolve().parent / "fixtures" / "litellm_config.yaml"
MASTER = "sk-test-master-0123456789abcdef0123456789"


def test_streaming_cost_follows_the_consumers_setting(
    fake_litellm: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    """A LiteLLM that streams cost only when configured (1.100.5 and older) passes under a
    config that sets include_cost_in_streaming_usage; under defaults it fails (test_can_fail)."""
    monkeypatch.setenv("FAKE_LITELLM_BREAK", "stream_cost_default")
    run = run_contracts(
        models_dir=models_dir, proxy_config=CONSUMER, test_env={"LITELLM_MASTER_KEY": MASTER}
    )
    assert run.passed, [(r.name, r.message) for r in run.failures]
    stream = dict(run.result("test_streaming_usage_cost").observations)
    assert stream["include_cost_in_streaming_usage"] == "true"
    assert stream["usage_cost"] == "present"
    # The consumer's three groups and the suite's two were all served.
    assert dict(run.result("test_in_process_mount").observations)["model_groups"] == "5"
    assert run.proxy_config == str(CONSUMER)
    actions = {(s.path, s.action) for s in run.settings}
    assert ("general_settings.master_key", "resolved") in actions
    assert ("model_list[gpt-4o]", "replaced") in actions
    assert MASTER not in str(run.to_dict())


def test_a_misplaced_master_key_fails_the_auth_contracts(
    fake_litellm: Path, models_dir: Path, tmp_path: Path
) -> None:
    """The config surface's CONFIG_KEY_MISPLACED case: the suite runs without a key, as
    the proxy would, and reports it as the auth contracts' failure, not a pass."""
    config = tmp_path / "config.yaml"
    config.write_text(
        "model_list:\n"
        "  - model_name: gpt-4o\n"
        "    litellm_params: {model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY}\n"
        "litellm_settings:\n"
        "  master_key: os.environ/LITELLM_MASTER_KEY\n")
    run = run_contracts(models_dir=models_dir, proxy_config=config,
                        test_env={"OPENAI_API_KEY": "sk-test-openai-0000"})
    failed = {r.name: r.message for r in run.failures}
    assert set(failed) == {"test_auth_missing_key_401", "test_auth_bad_key_refused"}
    assert all("no master key" in m for m in failed.values())
    assert ("general_settings.master_key", "absent") in {(s.path, s.action) for s in run.settings}
