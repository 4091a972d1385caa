"""The config surface on real LiteLLM release pairs (real wheels from PyPI, cached).

Marked slow: a cold cache scans three wheels (~25-35 s CPU each); warm, the whole
module takes a few seconds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.configsurface.consumer import read_consumer
from nemoctl.configsurface.judge import judge
from nemoctl.configsurface.model import ConfigInventory
from nemoctl.findings import Finding
from tests.configsurface.consumer import LINE, make_consumer

pytestmark = pytest.mark.slow
CONFIG = "litellm/config.yaml"


def _by(findings: tuple[Finding, ...]) -> dict[tuple[str, str], Finding]:
    return {(f.rule_id, f.subject): f for f in findings}


def _run(root: Path, inv: dict[str, ConfigInventory], current: str,
         target: str | None) -> tuple[Finding, ...]:
    consumer = read_consumer(load_config(root))
    return judge(consumer, inv[current], inv[target] if target else None).findings


def test_inventories_count_what_each_version_reads(
        real_inventory: dict[str, ConfigInventory]) -> None:
    old, new = real_inventory["1.106.0"], real_inventory["1.110.2"]
    for inv in (old, new):
        counts = inv.counts()
        assert counts["general_settings"] > 150 and counts["env"] > 1000
        # The keys the proxy's own docs name, in their sections.
        assert "master_key" in inv.keys("general_settings")
        assert "master_key" not in inv.keys("litellm_settings")
        assert "drop_params" in inv.keys("litellm_settings")
        assert "routing_strategy" in inv.keys("router_settings")
        assert "api_key" in inv.keys("model_list[].litellm_params")
        assert {"LITELLM_MASTER_KEY", "DATABASE_URL", "OPENAI_API_KEY"} <= set(inv.env)
    # Real parsing: a handful of variables disappear, not hundreds (FACTS: a regex scan
    # reports 251), and those that do are gone from the new wheel's source entirely.
    removed = set(old.env) - set(new.env)
    assert 0 < len(removed) < 20
    assert "LITELLM_FIPS_MODE" in removed
    # Moved into get_env_int()/constants, still read: not reported as removed.
    assert "DEFAULT_MAX_RETRIES" in new.env and "DEFAULT_MAX_RETRIES" in old.env


def test_misplaced_master_key_is_an_error_without_an_upgrade(
        tmp_path: Path, real_inventory: dict[str, ConfigInventory]) -> None:
    root = make_consumer(tmp_path / "gw", "1.110.2")
    found = _by(_run(root, real_inventory, "1.110.2", None))
    misplaced = found[("CONFIG_KEY_MISPLACED", "litellm_settings.master_key")]
    assert misplaced.severity == "ERR" and misplaced.blocking
    assert misplaced.location is not None
    assert (misplaced.location.path, misplaced.location.line) == (
        CONFIG, LINE["litellm_settings.master_key"])
    assert "general_settings" in misplaced.message
    typo = found[("CONFIG_KEY_UNKNOWN", "litellm_settings.num_retires")]
    assert not typo.blocking
    assert typo.severity == "WARN" and "num_retries" in typo.message
    assert typo.location is not None and typo.location.line == LINE["litellm_settings.num_retires"]
    # Controls: keys every version reads where they are produce nothing.
    subjects = {f.subject for f in found.values()}
    assert not subjects & {"general_settings.master_key", "litellm_settings.drop_params",
                           "router_settings.routing_strategy",
                           "model_list[].litellm_params.api_key"}


def test_106_to_1110_keys_and_variables_no_longer_read(
        tmp_path: Path, real_inventory: dict[str, ConfigInventory]) -> None:
    root = make_consumer(tmp_path / "gw", "1.106.0", env={
        "LITELLM_FIPS_MODE": "true", "OPENAI_API_KEY": "x", "LITELLM_LOG": "INFO"})
    report = judge(read_consumer(load_config(root)), real_inventory["1.106.0"],
                   real_inventory["1.110.2"])
    found = _by(report.findings)
    gone = found[("CONFIG_KEY_NO_LONGER_READ", "litellm_settings.openai_image_generation_models")]
    assert gone.severity == "WARN"
    assert gone.location is not None and gone.location.line == LINE[
        "litellm_settings.openai_image_generation_models"]
    # A litellm_settings key the config leaves unset whose default changes.
    http2 = found[("CONFIG_DEFAULT_CHANGED", "litellm_settings.http2")]
    assert (http2.before, http2.after) == ("False", "None")
    assert http2.location is not None and http2.location.line == LINE["litellm_settings"]
    fips = found[("ENV_NO_LONGER_READ", "LITELLM_FIPS_MODE")]
    assert fips.location is not None and (fips.location.path, fips.location.line) == (".env", 1)
    # Controls: variables both versions read produce nothing.
    assert not {s for _, s in found} & {"OPENAI_API_KEY", "LITELLM_LOG", "LITELLM_MASTER_KEY"}
    # 1.110.2 reads these general settings through mappings the scan does not model
    # (general_settings_view, _general_setting_enabled(...)): never claimed unread.
    for key in ("disable_error_logs", "forward_llm_provider_auth_headers"):
        assert not [k for k in found if k[1] == f"general_settings.{key}"]
        assert any(key in n and "still mentioned in 1.110.2" in n for n in report.notes)


def test_1024_to_106_general_setting_no_longer_read(
        tmp_path: Path, real_inventory: dict[str, ConfigInventory]) -> None:
    root = make_consumer(tmp_path / "gw", "1.102.4", env={"OPENAI_API_KEY": "x"})
    report = judge(read_consumer(load_config(root)), real_inventory["1.102.4"],
                   real_inventory["1.106.0"])
    found = _by(report.findings)
    gone = found[("CONFIG_KEY_NO_LONGER_READ", "general_settings.use_legacy_interactions_schema")]
    assert gone.location is not None and gone.location.line == LINE[
        "general_settings.use_legacy_interactions_schema"]
    assert "1.102.4" in gone.message and "1.106.0" in gone.message
    assert report.unused_changes > 0  # changes nothing in the config touches: counted only
    assert json.dumps(report.to_dict())  # serialisable as it is embedded in reports


def test_a_passed_on_deployment_param_is_cannot_tell_not_silence(
        tmp_path: Path, real_inventory: dict[str, ConfigInventory]) -> None:
    """1.110.2's params model no longer names num_retries, yet the router still reads it
    from the deployment's params (router_attempt.py): never claimed either way."""
    config = ("model_list:\n  - model_name: a\n    litellm_params:\n"
              "      model: openai/a\n      num_retries: 2\n")
    root = make_consumer(tmp_path / "gw", "1.106.0", config=config)
    report = judge(read_consumer(load_config(root)), real_inventory["1.106.0"],
                   real_inventory["1.110.2"])
    assert not [f for f in report.findings if "num_retries" in f.subject]
    assert any(n.startswith("cannot tell: model_list[].litellm_params.num_retries")
               and "passed on to the call" in n for n in report.notes)


def test_the_reference_consumer_is_clean_on_its_pin_and_the_next_release(
        real_inventory: dict[str, ConfigInventory]) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "gateway"
    consumer = read_consumer(load_config(example))
    assert consumer.files == ("litellm/config.yaml",)
    assert {"LITELLM_MASTER_KEY", "DATABASE_URL", "OPENAI_API_KEY"} <= {
        e.name for e in consumer.deploy}
    assert judge(consumer, real_inventory["1.102.4"]).findings == ()
    upgrade = judge(consumer, real_inventory["1.102.4"], real_inventory["1.106.0"])
    assert upgrade.findings == () and upgrade.unused_changes > 0
