"""The proxy config the contract suite runs under: LiteLLM's defaults, or the gateway's own.

Without a consumer config the suite runs LiteLLM with nothing but its two mock models and
a master key, so every other behaviour is LiteLLM's default.  With one
(``[tool.nemoctl.contracts] proxy-config``), the consumer's file is the base and the suite
changes only what must change to run offline, each change listed as a :class:`SuiteSetting`:

* ``os.environ/NAME`` references and ``environment_variables`` values are resolved from
  the *test environment* (``[tool.nemoctl.contracts.test-env]``), never from the real
  environment; a name it lacks gets a deterministic placeholder.
* every deployment in ``model_list`` becomes a mock (``mock_response``, a fake key, no
  ``api_base``) keeping its ``model_name`` (the group), ``model``, prices, rpm/tpm and other
  settings;
* callbacks, caches, alerting and the database URL are removed (they reach other hosts);
* the suite's own two mock models are added (their prices make expected costs exact);
* the master key is the one the consumer's config and environment resolve: the config's
  ``master_key``, else ``LITELLM_MASTER_KEY`` from the test environment (as LiteLLM falls
  back to it), else none — and then the auth contracts fail with "no master key"
  instead of passing on a key the suite made up.

Secrets never appear in a setting's detail: only names and actions.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemoctl._limits import require_regular_file
from nemoctl.contracts.suite import gateway
from nemoctl.errors import BadInputError

ENV_PREFIX = "os.environ/"
MASTER_KEY_ENV = "LITELLM_MASTER_KEY"
#: The general setting newer releases need to start without a (strong) master key.
PERMIT_UNSET_KEY = "dangerously_permit_weak_or_unset_master_key"
#: Deployment parameters that connect to a provider: dropped, a mock needs none of them.
_CONNECTION_PARAMS = frozenset(
    {
        "api_key",
        "api_base",
        "base_url",
        "api_version",
        "organization",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_region_name",
        "aws_profile_name",
        "vertex_credentials",
        "vertex_project",
        "vertex_location",
        "azure_ad_token",
        "tenant_id",
        "client_id",
        "client_secret",
    }
)
#: litellm_settings that call out to other services (loggers, caches, alerting).
_REMOVED_LITELLM_SETTINGS = (
    "success_callback",
    "failure_callback",
    "callbacks",
    "service_callback",
    "cache",
    "cache_params",
)
_REMOVED_GENERAL_SETTINGS = ("database_url", "alerting", "alerting_threshold", "store_model_in_db")
_EMBEDDING_MODES = frozenset({"embedding"})


@dataclass(frozen=True)
class SuiteSetting:
    """One thing the suite set, replaced or removed in the config it runs under."""

    path: str
    action: str  # added | replaced | removed | resolved | placeholder | set
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "action": self.action, "detail": self.detail}


@dataclass(frozen=True)
class EffectiveConfig:
    """The config the proxy loads, and every setting the suite changed to get it."""

    config: dict[str, Any] = field(repr=False)
    settings: tuple[SuiteSetting, ...]
    source: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source) if self.source else None,
            "settings": [s.to_dict() for s in self.settings],
        }


#: Environment changes the runner always makes (listed in every report).
RUNNER_SETTINGS = (
    SuiteSetting("env LITELLM_LOCAL_MODEL_COST_MAP", "set", "True: the bundled price map, offline"),
    SuiteSetting("env DATABASE_URL", "removed", "the suite runs without a database"),
    SuiteSetting("env LITELLM_MASTER_KEY", "removed", "the config's master key is the one used"),
    SuiteSetting(
        "litellm.max_budget",
        "set",
        "only inside test_error_budget_exceeded (spent budget), restored after it",
    ),
)


#: The suite's own mock models, added to every config (their prices make costs exact).
SUITE_MODELS = (
    SuiteSetting(f"model_list[{gateway.CHAT_MODEL}]", "added", "mock chat deployment"),
    SuiteSetting(f"model_list[{gateway.EMBED_MODEL}]", "added", "mock embedding deployment"),
)


def placeholder(name: str) -> str:
    """A deterministic stand-in for an unset test secret (long: LiteLLM rejects weak keys)."""
    return "sk-nemoctl-test-" + hashlib.sha256(name.encode()).hexdigest()[:32]


def effective_config(
    source: Path | None = None, test_env: Mapping[str, str] | None = None
) -> EffectiveConfig:
    """The config the suite runs under: the suite's own (LiteLLM defaults) or ``source``'s."""
    if source is None:
        base = gateway.config()
        settings = [
            *SUITE_MODELS,
            SuiteSetting("general_settings.master_key", "added", "the suite's master key"),
        ]
        return EffectiveConfig(base, (*settings, *RUNNER_SETTINGS))
    require_regular_file(source, "proxy config")  # a FIFO would block the read forever
    raw = load_yaml(source)
    builder = _Builder(dict(test_env or {}))
    config = builder.build(raw)
    return EffectiveConfig(config, (*builder.settings, *RUNNER_SETTINGS), source)


def load_yaml(path: Path) -> dict[str, Any]:
    """The consumer's proxy config, read by :mod:`nemoctl._yaml` (safe, bounded aliases)."""
    from nemoctl import _yaml

    data = _yaml.load(path, what="proxy config").data
    if not isinstance(data.get("model_list", []), list):
        raise BadInputError(f"proxy config {path}: model_list must be a list")
    return dict(data)


class _Builder:
    def __init__(self, test_env: dict[str, str]) -> None:
        self.test_env = test_env
        self.settings: list[SuiteSetting] = []

    def build(self, raw: dict[str, Any]) -> dict[str, Any]:
        config: dict[str, Any] = self._resolve(copy.deepcopy(raw), "")
        env_vars = config.get("environment_variables")
        if isinstance(env_vars, dict):
            for name in sorted(env_vars):
                env_vars[name] = self._lookup(name, f"environment_variables.{name}")
        models = [self._mock(entry, i) for i, entry in enumerate(config.get("model_list") or [])]
        models += gateway.config()["model_list"]
        self.settings += SUITE_MODELS
        config["model_list"] = models
        litellm_settings = config.get("litellm_settings")
        if isinstance(litellm_settings, dict):
            for key in _REMOVED_LITELLM_SETTINGS:
                if key in litellm_settings:
                    del litellm_settings[key]
                    self.settings.append(
                        SuiteSetting(f"litellm_settings.{key}", "removed", "reaches other services")
                    )
        general = config.get("general_settings")
        if not isinstance(general, dict):
            general = config["general_settings"] = {}
        for key in _REMOVED_GENERAL_SETTINGS:
            if key in general:
                del general[key]
                self.settings.append(
                    SuiteSetting(f"general_settings.{key}", "removed", "no database, no alerting")
                )
        if not general.get("master_key"):
            self._master_key_from_env(general)
        return config

    def _master_key_from_env(self, general: dict[str, Any]) -> None:
        """The key LiteLLM falls back to, or none: the suite never adds its own.

        Without ``general_settings.master_key`` LiteLLM reads ``LITELLM_MASTER_KEY``; the
        runner keeps the real variable out, so the test environment's stands in for it.
        With neither, the real proxy runs unauthenticated (older releases) or refuses to
        start (newer ones): the suite runs as the proxy would and the auth contracts fail
        with "no master key".  So the other contracts can run on the releases that refuse
        to start, the suite permits the missing key, and says so.
        """
        if self.test_env.get(MASTER_KEY_ENV):
            general["master_key"] = str(self.test_env[MASTER_KEY_ENV])
            self.settings.append(SuiteSetting(
                "general_settings.master_key", "resolved",
                f"{MASTER_KEY_ENV} from the test environment (the config sets no master_key; "
                "LiteLLM falls back to the variable)"))
            return
        general[PERMIT_UNSET_KEY] = True
        self.settings.append(SuiteSetting(
            "general_settings.master_key", "absent",
            f"no master_key in the config and no {MASTER_KEY_ENV} in the test environment: "
            "the proxy runs unauthenticated or refuses to start; the auth contracts fail"))
        self.settings.append(SuiteSetting(
            f"general_settings.{PERMIT_UNSET_KEY}", "set",
            "so releases that refuse to start without a key still run the other contracts"))

    def _resolve(self, node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {k: self._resolve(v, f"{path}.{k}" if path else str(k)) for k, v in node.items()}
        if isinstance(node, list):
            return [self._resolve(v, f"{path}[{i}]") for i, v in enumerate(node)]
        if isinstance(node, str) and node.startswith(ENV_PREFIX):
            return self._lookup(node[len(ENV_PREFIX) :], path)
        return node

    def _lookup(self, name: str, path: str) -> str:
        if name in self.test_env:
            detail = f"{name} from the test environment"
            self.settings.append(SuiteSetting(path, "resolved", detail))
            return str(self.test_env[name])
        detail = f"{name} is not in the test environment"
        self.settings.append(SuiteSetting(path, "placeholder", detail))
        return placeholder(name)

    def _mock(self, entry: Any, index: int) -> dict[str, Any]:
        if not isinstance(entry, dict) or not isinstance(entry.get("litellm_params"), dict):
            raise BadInputError(f"model_list[{index}] needs a model_name and litellm_params")
        group = str(entry.get("model_name") or f"#{index}")
        if any(value and value in group for value in self.test_env.values()):
            group = f"#{index}"  # resolved from test-env: a value that is never reported
        params = dict(entry["litellm_params"])
        dropped = sorted(key for key in params if key in _CONNECTION_PARAMS)
        for key in dropped:
            del params[key]
        mode = str((entry.get("model_info") or {}).get("mode") or "")
        embedding = mode in _EMBEDDING_MODES or "embed" in str(params.get("model", ""))
        params["mock_response"] = gateway.EMBED_MOCK if embedding else gateway.CHAT_MOCK
        params["api_key"] = "fake-key-never-sent"
        detail = "mock deployment, keeps model, prices and settings"
        if dropped:
            detail += "; dropped " + ", ".join(dropped)
        self.settings.append(SuiteSetting(f"model_list[{group}]", "replaced", detail))
        return {**entry, "litellm_params": params}
