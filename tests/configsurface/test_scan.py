"""The scanner and the judge on a small LiteLLM-shaped package (fast, default run)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from nemoctl.config import load_config
from nemoctl.configsurface import inventory as inventory_module
from nemoctl.configsurface.consumer import read_consumer
from nemoctl.configsurface.judge import judge
from nemoctl.configsurface.model import ConfigInventory
from tests.configsurface.synthetic import synthetic


@pytest.fixture(scope="module")
def v1() -> ConfigInventory:
    return synthetic("1.0.0")


@pytest.fixture(scope="module")
def v2() -> ConfigInventory:
    return synthetic("2.0.0")


def test_env_reads_through_helpers_constants_loops_and_the_passed_environment(
        v1: ConfigInventory, v2: ConfigInventory) -> None:
    # get_secret_str -> get_secret -> os.environ.get: found as helpers, not listed.
    assert "LITELLM_MASTER_KEY" in v1.env and "LITELLM_MASTER_KEY" in v2.env
    # os.environ passed to a function whose parameter is then read (a local import).
    assert "SENTRY_DSN" in v1.env and "SENTRY_DSN" in v2.env
    # ... passed on to another function; in 2.0.0 as ``{**os.environ, ...}``.
    assert "SENTRY_API_SAMPLE_RATE" in v1.env and "SENTRY_API_SAMPLE_RATE" in v2.env
    # Moved behind get_env_int(): still read.
    assert v2.env["DEFAULT_MAX_RETRIES"].without_default is False
    # A module constant reached through ``constants.PORT_ENV``; a loop over a tuple.
    assert {"LITELLM_PORT", "SERVICE_TOKEN_A", "SERVICE_TOKEN_B"} <= set(v2.env)
    assert set(v1.env) - set(v2.env) == {"LITELLM_FIPS_MODE"}
    # os.environ[...] at module level of the proxy: required at start-up.
    assert v2.env["LITELLM_SALT_KEY"].required_at_startup
    assert not v2.env["LITELLM_PORT"].required_at_startup
    assert v2.dynamic_env_reads == 1  # os.getenv(config['name']): counted, not guessed


def test_sections(v1: ConfigInventory, v2: ConfigInventory) -> None:
    assert set(v1.keys("general_settings")) == {"master_key", "database_url",
                                                "disable_error_logs", "allowed_routes",
                                                "store_prompts"}
    assert v1.keys("general_settings")["allowed_routes"].default == "[]"
    # Read through a mapping the scan does not model: mentioned, so never "unread".
    assert "store_prompts" not in v2.keys("general_settings") and v2.mentions("store_prompts")
    assert "disable_error_logs" not in v2.keys("general_settings")
    assert v1.keys("litellm_settings")["http2"].default == "False"
    assert v2.keys("litellm_settings")["http2"].default == "None"
    assert "DEFAULT_MAX_RETRIES" not in v1.keys("litellm_settings")  # a constant
    assert v1.keys("router_settings")["routing_strategy"].default == "'simple-shuffle'"
    # The params model, completion()'s parameters, and keys read from litellm_params.
    assert set(v1.keys("model_list[].litellm_params")) == {
        "api_key", "rpm", "model", "messages", "temperature", "weight"}
    assert v1.keys("model_list[].litellm_params")["weight"].default == "1"
    assert v1.keys("general_settings")["master_key"].where == "litellm/proxy/_types.py:3"


SECRETS = {
    "dotenv": "s3cr3t-DOTENV-7f1c0a",
    "compose": "s3cr3t-COMPOSE-2b9d4e",
    "compose_file": "s3cr3t-ENVFILE-5e8a1f",
    "docker": "s3cr3t-DOCKER-9c3b7d",
    "k8s": "s3cr3t-K8S-1a6f2c",
    "helm": "s3cr3t-HELM-8d4e0b",
    "workflow": "s3cr3t-WORKFLOW-3f7a9e",
    "config": "s3cr3t-CONFIG-6b2c8d",
}


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "g"\nversion = "0"\ndependencies = ["litellm[proxy]==1.0.0"]\n'
        '[tool.nemoctl.config]\nfiles = ["proxy/config.yaml"]\n')
    (root / "proxy").mkdir()
    (root / "proxy" / "config.yaml").write_text(
        "include: [models.yaml]\n"
        "general_settings:\n"
        "  master_key: os.environ/LITELLM_MASTER_KEY\n"
        "  disable_error_logs: true\n"
        "  allowed_routes: [/chat/completions]\n"
        "  store_prompts: true\n"
        f"  database_url: {SECRETS['config']}\n"
        "litellm_settings:\n"
        "  master_key: os.environ/LITELLM_MASTER_KEY\n"
        "  drop_parms: true\n"
        "environment_variables:\n"
        f"  CONFIG_SET_VAR: {SECRETS['config']}\n")
    (root / "proxy" / "models.yaml").write_text(
        "model_list:\n"
        "  - model_name: a\n"
        "    litellm_params: {model: openai/a, api_key: os.environ/OPENAI_API_KEY, rmp: 1}\n")
    (root / ".env.production").write_text(
        f"# comment\nexport LITELLM_FIPS_MODE={SECRETS['dotenv']}\n")
    (root / "deploy.env").write_text(f"DEPLOY_ONLY={SECRETS['compose_file']}\n")
    (root / "docker-compose.yml").write_text(
        "services:\n  gw:\n    env_file: deploy.env\n    environment:\n"
        f"      - LITELLM_SALT_KEY={SECRETS['compose']}\n")
    (root / "Dockerfile").write_text(f"FROM python:3.11\nENV SENTRY_DSN={SECRETS['docker']}\n")
    (root / "k8s").mkdir()
    (root / "k8s" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: gw\n          env:\n"
        f"            - name: K8S_VAR\n              value: {SECRETS['k8s']}\n"
        "            - name: FROM_SECRET\n              valueFrom:\n"
        "                secretKeyRef: {name: s, key: k}\n"
        "---\nkind: Service\n")
    (root / "charts").mkdir()
    (root / "charts" / "values.yaml").write_text(f"env:\n  HELM_VAR: {SECRETS['helm']}\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo\n"
        f"        env:\n          WORKFLOW_VAR: {SECRETS['workflow']}\n")
    return root


def test_consumer_names_and_places_from_every_source(tmp_path: Path) -> None:
    consumer = read_consumer(load_config(_project(tmp_path / "gw")))
    assert consumer.files == ("proxy/config.yaml", "proxy/models.yaml")
    where = {e.name: (e.location.path, e.location.line, e.source) for e in consumer.deploy}
    assert where["LITELLM_FIPS_MODE"] == (".env.production", 2, ".env file")
    assert where["LITELLM_SALT_KEY"] == ("docker-compose.yml", 5, "compose environment")
    assert where["DEPLOY_ONLY"] == ("deploy.env", 1, "compose env_file")
    assert where["SENTRY_DSN"] == ("Dockerfile", 2, "Dockerfile ENV")
    assert where["K8S_VAR"][:2] == ("k8s/deploy.yaml", 9)
    assert where["FROM_SECRET"][:2] == ("k8s/deploy.yaml", 11)
    assert where["HELM_VAR"] == ("charts/values.yaml", 2, "Helm values env")
    assert where["WORKFLOW_VAR"] == (".github/workflows/ci.yml", 8, "workflow env")
    assert where["CONFIG_SET_VAR"] == ("proxy/config.yaml", 12, "config environment_variables")
    refs = {(r.name, r.location.path, r.location.line) for r in consumer.env_refs}
    assert ("OPENAI_API_KEY", "proxy/models.yaml", 3) in refs


def test_findings_and_no_secret_anywhere(tmp_path: Path, v1: ConfigInventory,
                                         v2: ConfigInventory, caplog: pytest.LogCaptureFixture,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
    root = _project(tmp_path / "gw")
    consumer = read_consumer(load_config(root))
    report = judge(consumer, v1, v2)
    found = {(f.rule_id, f.subject): f for f in report.findings}
    assert found[("CONFIG_KEY_MISPLACED", "litellm_settings.master_key")].location.line == 9  # type: ignore[union-attr]
    security = found[("CONFIG_KEY_NO_LONGER_READ_SECURITY", "general_settings.allowed_routes")]
    assert security.severity == "ERR" and security.location.line == 5  # type: ignore[union-attr]
    assert not [f for f in report.findings if "store_prompts" in f.subject]
    assert any("store_prompts" in n and "still mentioned in 2.0.0" in n for n in report.notes)
    unknown = found[("CONFIG_KEY_UNKNOWN", "litellm_settings.drop_parms")]
    assert "drop_params" in unknown.message
    rmp = found[("CONFIG_KEY_UNKNOWN", "model_list[].litellm_params.rmp")].location
    assert rmp is not None and rmp.path == "proxy/models.yaml"
    assert found[("CONFIG_KEY_NO_LONGER_READ", "general_settings.disable_error_logs")].severity \
        == "WARN"
    assert found[("CONFIG_DEFAULT_CHANGED", "litellm_settings.http2")].after == "None"
    assert found[("ENV_NO_LONGER_READ", "LITELLM_FIPS_MODE")].location.path == ".env.production"  # type: ignore[union-attr]
    # LITELLM_SALT_KEY is required at start-up by 2.0.0 and the compose file sets it.
    assert not [f for f in report.findings if f.rule_id == "ENV_REQUIRED_UNSET"]
    # Controls: keys and variables both versions read produce nothing.
    subjects = {f.subject for f in report.findings}
    assert not subjects & {"general_settings.master_key", "general_settings.database_url",
                           "LITELLM_MASTER_KEY", "SENTRY_DSN", "OPENAI_API_KEY"}
    # The caches hold names only.
    for inv in (v1, v2):
        inventory_module._write_cache(inv)
        assert inventory_module.read_cache(inv.wheel_sha256, inv.version) == inv
    stored = "".join(p.read_text() for p in cache.rglob("*") if p.is_file())
    outputs = json.dumps(report.to_dict()) + repr(report) + stored + caplog.text
    outputs += json.dumps([repr(e) for e in (*consumer.deploy, *consumer.env_refs)])
    for secret in SECRETS.values():
        assert secret not in outputs


def test_required_variable_the_deploy_does_not_set(tmp_path: Path, v2: ConfigInventory) -> None:
    root = _project(tmp_path / "gw")
    (root / "docker-compose.yml").unlink()
    report = judge(read_consumer(load_config(root)), v2)
    required = [f for f in report.findings if f.rule_id == "ENV_REQUIRED_UNSET"]
    assert [f.subject for f in required] == ["LITELLM_SALT_KEY"]


def test_a_tampered_cache_entry_is_rebuilt(tmp_path: Path, v1: ConfigInventory,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path))
    inventory_module._write_cache(v1)
    path = inventory_module.cache_path(v1.wheel_sha256)
    path.write_text(path.read_text().replace("disable_error_logs", "disable_error_logz"))
    assert inventory_module.read_cache(v1.wheel_sha256, v1.version) is None


@pytest.mark.parametrize(("text", "problem"), [
    ("- a\n- b\n", "must be a mapping"),
    ("a: [\n", "not valid YAML"),
    ("include: [../../outside.yaml]\n", "outside the project"),
    ("a: !!python/name:os.system\n", "is not allowed"),
])
def test_check_refuses_a_bad_proxy_config_with_exit_2(tmp_path: Path, text: str,
                                                      problem: str) -> None:
    from nemoctl.check import CHECKS, run_check
    from nemoctl.errors import ExitCode

    root = _project(tmp_path / "gw")
    (root / "proxy" / "config.yaml").write_text(text)
    report = run_check(load_config(root), skip=[c for c in CHECKS if c != "config"],
                       allow_unprotected=True)
    item = next(i for i in report.items if i.name == "config")
    assert item.status == "failed" and item.bad_input
    assert problem in " ".join(item.problems)
    assert report.exit_code == ExitCode.BAD_INPUT
