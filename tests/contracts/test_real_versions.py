"""The suite against real LiteLLM releases in isolated environments (slow: builds envs with uv).

Each version runs twice, through the matrix (two runs in parallel): under LiteLLM's
defaults and under a consumer's proxy config that sets include_cost_in_streaming_usage
(``fixtures/litellm_config.yaml``).  The expected findings are what these releases do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.contracts import ContractRun, contracts, run_contracts
from nemoctl.contracts.matrix import ContractMatrix, run_matrix

pytestmark = pytest.mark.slow
CONSUMER = Path(__file__).resolve().parent / "fixtures" / "litellm_config.yaml"
VERSIONS = ("1.80.0", "1.100.5", "1.102.4", "1.106.0", "1.108.7")

STREAM_COST = "test_streaming_usage_cost"
#: Broken under LiteLLM's defaults, by contract name.
DEFAULT_FAILURES = {
    "1.80.0": {
        STREAM_COST,  # usage.cost on streams only with include_cost_in_streaming_usage
        "test_metadata_headers_stream",  # no model-group/-api-base/-attempted-*/-duration
        "test_body_model_is_model_group",  # the body says "gpt-4o"
        "test_error_unknown_model",  # type "None", message a stringified dict
        "test_error_budget_exceeded",  # a 500 with type "None"
        "test_spend_log_payload_fields",  # no organization_id
        "test_spend_log_organization_id",
    },
    "1.100.5": {STREAM_COST, "test_error_unknown_model", "test_error_budget_exceeded"},
    "1.102.4": set(),
    "1.106.0": set(),
    "1.108.7": set(),
}


def _failed(run: ContractRun) -> set[str]:
    return {r.name for r in run.failures}


def _by_version(matrix: ContractMatrix) -> dict[str, ContractRun]:
    return {run.litellm_version: run for run in matrix.runs}


@pytest.fixture(scope="module")
def defaults() -> dict[str, ContractRun]:
    return _by_version(run_matrix(VERSIONS))


@pytest.fixture(scope="module")
def consumer() -> dict[str, ContractRun]:
    env = {"LITELLM_MASTER_KEY": "sk-test-master-0123456789abcdef0123456789"}
    return _by_version(run_matrix(VERSIONS, proxy_config=CONSUMER, test_env=env))


@pytest.mark.parametrize("version", VERSIONS)
def test_findings_under_litellm_defaults(defaults: dict[str, ContractRun], version: str) -> None:
    run = defaults[version]
    assert [r.name for r in run.results] == [c.name for c in contracts()]
    assert _failed(run) == DEFAULT_FAILURES[version], [(r.name, r.message) for r in run.failures]
    stream = dict(run.result(STREAM_COST).observations)
    assert stream["include_cost_in_streaming_usage"] == "default"


@pytest.mark.parametrize("version", VERSIONS)
def test_findings_under_a_consumer_config(consumer: dict[str, ContractRun], version: str) -> None:
    """The consumer sets include_cost_in_streaming_usage: streaming cost holds everywhere."""
    run = consumer[version]
    assert _failed(run) == DEFAULT_FAILURES[version] - {STREAM_COST}, [
        (r.name, r.message) for r in run.failures
    ]
    stream = dict(run.result(STREAM_COST).observations)
    assert (stream["include_cost_in_streaming_usage"], stream["usage_cost"]) == ("true", "present")
    # The consumer's three groups and the suite's two, all served by mock deployments.
    assert dict(run.result("test_in_process_mount").observations)["model_groups"] == "5"


def test_observed_differences(defaults: dict[str, ContractRun]) -> None:
    old, pin = defaults["1.80.0"], defaults["1.102.4"]
    assert dict(old.result("test_body_model_is_model_group").observations)["chat_model"] == "gpt-4o"
    missing = dict(old.result("test_metadata_headers_stream").observations)["missing_headers"]
    assert "model-group" in missing.split(",")
    assert dict(old.result("test_cost_breakdown_headers").observations)["breakdown_headers"] == (
        "none"
    )
    for version in ("1.80.0", "1.100.5"):
        error = dict(defaults[version].result("test_error_unknown_model").observations)
        assert error["type"] == "None"
    pinned = dict(pin.result("test_error_unknown_model").observations)
    assert (pinned["status"], pinned["type"]) == ("400", "invalid_request_error")
    assert "organization_id missing" in old.result("test_spend_log_payload_fields").message


def test_newer_versions_only_make_the_committed_models_stale(
    defaults: dict[str, ContractRun],
) -> None:
    """1.106.0/1.108.7 add spend-log columns: validated against their own models they pass,
    and the committed (1.102.4) models are reported stale-additive, not a broken contract."""
    for version in ("1.106.0", "1.108.7"):
        run = defaults[version]
        assert run.passed
        assert run.models is not None and run.models.status == "stale-additive"
        assert "+LiteLLM_SpendLogs.litellm_call_id" in run.models.added
        keys = dict(run.result("test_spend_log_payload_validates").observations)["payload_keys"]
        assert {"billing_agent_id", "litellm_call_id"} <= set(keys.split(","))
    pin = defaults["1.102.4"]
    assert pin.models is not None and pin.models.status == "current"


def test_1_106_0_against_the_pinned_models_still_flags_new_columns(models_dir: Path) -> None:
    """Validating against the committed models (what `--models-dir` did before) names the
    columns they lack: the suite can still tell, it just no longer calls it broken runtime."""
    run = run_contracts("1.106.0", models_dir=models_dir)
    assert [r.name for r in run.failures] == ["test_spend_log_payload_validates"]
    message = run.result("test_spend_log_payload_validates").message
    assert "billing_agent_id" in message and "litellm_call_id" in message
