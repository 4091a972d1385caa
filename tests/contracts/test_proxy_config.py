"""The proxy config the suite runs under: LiteLLM defaults, or the consumer's own, made offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemoctl.config import load_config
from nemoctl.config.contracts import parse_contracts
from nemoctl.contracts.proxy_config import ENV_PREFIX, effective_config, placeholder
from nemoctl.contracts.suite import gateway
from nemoctl.errors import BadInputError, ConfigError

CONSUMER = Path(__file__).resolve().parent / "fixtures" / "litellm_config.yaml"
TEST_ENV = {"LITELLM_MASTER_KEY": "sk-test-master-0123456789abcdef0123456789"}


def _groups(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["model_name"]: e["litellm_params"] for e in config["model_list"]}


def test_without_a_consumer_config_only_the_suites_own_settings_apply() -> None:
    effective = effective_config()
    assert effective.source is None
    # LiteLLM's defaults: the suite sets nothing in litellm_settings (no hidden flag).
    assert "litellm_settings" not in effective.config
    assert set(_groups(effective.config)) == {gateway.CHAT_MODEL, gateway.EMBED_MODEL}
    listed = {(s.path, s.action) for s in effective.settings}
    assert ("general_settings.master_key", "added") in listed
    assert ("env LITELLM_LOCAL_MODEL_COST_MAP", "set") in listed


def test_consumer_models_become_mocks_that_keep_groups_prices_and_settings() -> None:
    effective = effective_config(CONSUMER, TEST_ENV)
    groups = _groups(effective.config)
    assert list(groups) == [
        "gpt-4o",
        "claude-sonnet",
        "text-embed",
        gateway.CHAT_MODEL,
        gateway.EMBED_MODEL,
    ]
    gpt = groups["gpt-4o"]
    assert gpt["model"] == "openai/gpt-4o" and gpt["rpm"] == 600
    assert (gpt["input_cost_per_token"], gpt["output_cost_per_token"]) == (0.0000025, 0.00001)
    assert gpt["mock_response"] == gateway.CHAT_MOCK
    assert groups["claude-sonnet"]["timeout"] == 30 and "api_base" not in groups["claude-sonnet"]
    assert groups["text-embed"]["mock_response"] == gateway.EMBED_MOCK
    assert all(p["api_key"] == "fake-key-never-sent" for p in groups.values())
    litellm_settings = effective.config["litellm_settings"]
    assert litellm_settings["include_cost_in_streaming_usage"] is True
    assert litellm_settings["num_retries"] == 2 and "success_callback" not in litellm_settings
    assert effective.config["router_settings"] == {"routing_strategy": "simple-shuffle"}
    assert "database_url" not in effective.config["general_settings"]


def test_secrets_come_from_the_test_environment_and_never_reach_the_report() -> None:
    effective = effective_config(CONSUMER, TEST_ENV)
    general = effective.config["general_settings"]
    assert general["master_key"] == TEST_ENV["LITELLM_MASTER_KEY"]
    report = json.dumps(effective.to_dict())
    assert TEST_ENV["LITELLM_MASTER_KEY"] not in report
    assert ENV_PREFIX not in json.dumps(effective.config)
    by_path = {s.path: s for s in effective.settings}
    assert by_path["general_settings.master_key"].action == "resolved"
    assert by_path["model_list[0].litellm_params.api_key"].action == "placeholder"
    assert by_path["litellm_settings.success_callback"].action == "removed"
    assert "api_base" in by_path["model_list[claude-sonnet]"].detail


def test_an_unset_master_key_gets_a_strong_deterministic_placeholder() -> None:
    effective = effective_config(CONSUMER, {})
    key = effective.config["general_settings"]["master_key"]
    assert key == placeholder("LITELLM_MASTER_KEY") and len(key) > 40


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model_list: [\n  - {", "not valid YAML"),
        ("- just\n- a list\n", "mapping at the top level"),
        ("model_list: {a: 1}\n", "model_list must be a list"),
        ("model_list:\n  - model_name: x\n", "needs a model_name and litellm_params"),
    ],
)
def test_a_broken_consumer_config_is_bad_input(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(BadInputError, match=message):
        effective_config(path)


_names = st.from_regex(r"[A-Z][A-Z0-9_]{0,12}", fullmatch=True)
_leaf = st.one_of(st.integers(), st.booleans(), st.text(max_size=8), _names.map(ENV_PREFIX.__add__))
_tree = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    settings_tree=st.dictionaries(st.text(min_size=1, max_size=6), _tree, max_size=4),
    env=st.dictionaries(_names, st.text(min_size=4, max_size=12).map("secret-".__add__)),
)
def test_no_environment_reference_survives_and_no_value_is_reported(
    tmp_path_factory: pytest.TempPathFactory, settings_tree: dict[str, Any], env: dict[str, str]
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.yaml"
    path.write_text(json.dumps({"router_settings": settings_tree, "model_list": []}))
    effective = effective_config(path, env)
    assert ENV_PREFIX not in json.dumps(effective.config)
    report = json.dumps(effective.to_dict())
    assert not [value for value in env.values() if value in report]


def test_contracts_table_is_validated(tmp_path: Path) -> None:
    settings = parse_contracts(
        {"proxy-config": "deploy/litellm.yaml", "test-env": {"KEY": "s3cr3t-value", "N": "3"}},
        tmp_path,
    )
    assert settings.proxy_config == tmp_path / "deploy" / "litellm.yaml"
    assert settings.test_env == {"KEY": "s3cr3t-value", "N": "3"}
    assert "s3cr3t" not in repr(settings)
    with pytest.raises(ConfigError, match="unknown key 'proxy_config'"):
        parse_contracts({"proxy_config": "x"}, tmp_path)
    with pytest.raises(ConfigError, match="test-env"):
        parse_contracts({"test-env": {"KEY": ["x"]}}, tmp_path)
    with pytest.raises(ConfigError, match="proxy-config"):
        parse_contracts({"proxy-config": "../outside.yaml"}, tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "gw"\nversion = "0"\n'
        '[tool.nemoctl.contracts]\nproxy-config = "litellm.yaml"\n'
    )
    loaded = load_config(tmp_path).contracts
    assert loaded is not None and loaded.proxy_config == tmp_path / "litellm.yaml"


def test_no_master_key_is_not_invented(tmp_path: Path) -> None:
    """A config with no master key (here misplaced under litellm_settings) runs keyless."""
    path = tmp_path / "config.yaml"
    path.write_text("litellm_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n")
    effective = effective_config(path, {})
    assert "master_key" not in effective.config["general_settings"]
    assert effective.config["general_settings"]["dangerously_permit_weak_or_unset_master_key"]
    actions = {s.path: s.action for s in effective.settings}
    assert actions["general_settings.master_key"] == "absent"


def test_the_environment_fallback_is_the_key_litellm_would_use(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("general_settings: {}\n")
    effective = effective_config(path, TEST_ENV)
    assert effective.config["general_settings"]["master_key"] == TEST_ENV["LITELLM_MASTER_KEY"]
    by_path = {s.path: s for s in effective.settings}
    assert by_path["general_settings.master_key"].action == "resolved"
    assert TEST_ENV["LITELLM_MASTER_KEY"] not in json.dumps(effective.to_dict())
