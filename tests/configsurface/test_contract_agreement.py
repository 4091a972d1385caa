"""The contract suite and this surface agree on a misplaced master key (real pinned proxy).

Marked slow: the real LiteLLM proxy (the pinned 1.102.4 installed here) starts in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.configsurface.consumer import read_consumer
from nemoctl.configsurface.judge import judge
from nemoctl.configsurface.model import ConfigInventory
from nemoctl.contracts import run_contracts
from nemoctl.pins import pinned_version

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CONFIG = (
    "model_list:\n"
    "  - model_name: gpt-4o\n"
    "    litellm_params: {model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY}\n"
    "litellm_settings:\n"
    "  master_key: os.environ/LITELLM_MASTER_KEY\n"
)


def test_misplaced_master_key_is_flagged_here_and_fails_the_auth_contracts(
        tmp_path: Path, real_inventory: dict[str, ConfigInventory]) -> None:
    version = pinned_version(REPO, "litellm")
    root = tmp_path / "gw"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "g"\nversion = "0"\ndependencies = ["litellm[proxy]=={version}"]\n'
        '[tool.nemoctl.contracts]\nproxy-config = "config.yaml"\n')
    (root / "config.yaml").write_text(CONFIG)
    report = judge(read_consumer(load_config(root)), real_inventory[version])
    assert [(f.rule_id, f.location.line if f.location else 0) for f in report.findings
            if f.severity == "ERR"] == [("CONFIG_KEY_MISPLACED", 5)]
    run = run_contracts(None, models_dir=REPO / "generated" / "python",
                        proxy_config=root / "config.yaml",
                        test_env={"LITELLM_MASTER_KEY": "sk-test-master-0123456789abcdef0123"})
    failed = {r.name: r.message for r in run.failures}
    # The test environment's LITELLM_MASTER_KEY is the deploy's, but the config never
    # names it where LiteLLM reads it... and LiteLLM falls back to the variable: so the
    # suite runs with it, as the proxy would.  Without it, the auth contracts fail.
    assert not failed, failed
    keyless = run_contracts(None, models_dir=REPO / "generated" / "python",
                            proxy_config=root / "config.yaml", test_env={})
    failed = {r.name: r.message for r in keyless.failures}
    assert set(failed) == {"test_auth_missing_key_401", "test_auth_bad_key_refused"}, failed
    assert all("no master key" in m for m in failed.values())
