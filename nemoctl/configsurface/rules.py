"""The configuration surface's rules, registered in the findings kernel (surface ``config``).

``nemoctl/configsurface/judge.py`` emits findings under these IDs.
"""

from __future__ import annotations

from nemoctl.findings.severity import Severity
from nemoctl.findings.spec import RuleSpec, register

#: Setting names whose loss or misplacement weakens authentication, authorisation,
#: allow-lists or budgets: a key the target no longer reads is an ERR when its name
#: is one of these or contains one of :data:`SECURITY_FRAGMENTS`.
SECURITY_KEYS = frozenset({
    "master_key", "database_url", "allowed_routes", "admin_only_routes",
    "public_routes", "enforce_user_param", "allowed_ips", "user_url_allowed_hosts",
    "max_budget", "max_end_user_budget", "max_internal_user_budget", "litellm_jwtauth",
    "enable_jwt_auth", "custom_auth", "disable_master_key_return", "ui_access_mode",
})
SECURITY_FRAGMENTS = ("auth", "key", "allow", "budget", "secret", "password", "token",
                      "jwt", "sso", "ssrf", "admin", "permission", "cors", "ip_")


def is_security_relevant(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECURITY_KEYS or any(f in lowered for f in SECURITY_FRAGMENTS)


def _config(rule_id: str, severity: Severity, summary: str, rationale: str, fix: str,
            example: str, group: str) -> None:
    register(RuleSpec(rule_id, "config", severity, summary, rationale, fix,
                      example=example, group=group))


_config(
    "CONFIG_KEY_MISPLACED", "ERR",
    "A key sits in a section no LiteLLM version reads it from, but another section reads it.",
    "LiteLLM ignores unknown keys without a word (litellm_settings keys are set as "
    "module attributes, its config models allow extra keys): master_key under "
    "litellm_settings leaves the proxy unauthenticated.",
    "Move the key to the section named in the finding.",
    "litellm_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY   # → general_settings",
    "section")
_config(
    "CONFIG_KEY_NO_LONGER_READ", "WARN",
    "A key the current version reads, the target version no longer reads.",
    "After the upgrade the setting silently does nothing. Settings of authentication, "
    "keys, allow-lists and budgets are reported as ERR (SECURITY_KEYS in "
    "nemoctl/configsurface/rules.py).",
    "Find the release note for the key; move to its replacement or stay on the pin.",
    "general_settings:\n  disable_error_logs: true   # read by 1.106.0, not by 1.110.2",
    "removed")
_config(
    "CONFIG_KEY_NO_LONGER_READ_SECURITY", "ERR",
    "A security-relevant key the current version reads, the target no longer reads.",
    "An authentication, key, allow-list or budget setting that stops applying fails "
    "open without a word.",
    "Find the replacement setting before upgrading; never upgrade with it unread.",
    "general_settings:\n  forward_llm_provider_auth_headers: true", "removed")
_config(
    "CONFIG_KEY_UNKNOWN", "WARN",
    "A key no LiteLLM version compared reads, in any section.",
    "Most likely a typo: LiteLLM ignores it silently.",
    "Fix the spelling (the finding suggests the nearest key) or remove it.",
    "router_settings:\n  num_retires: 3   # num_retries", "section")
_config(
    "CONFIG_DEFAULT_CHANGED", "WARN",
    "A setting the config leaves unset changes its default in the target version.",
    "The proxy's behaviour changes with no edit to the config.",
    "Set the old value explicitly to keep the behaviour, or accept the new default.",
    "litellm_settings.include_cost_in_streaming_usage: False → True", "default")
_config(
    "CONFIG_DEFAULT_MAY_HAVE_CHANGED", "INFO",
    "A setting the config leaves unset has its default computed differently in the target.",
    "The default is an expression (often read from the environment) whose source text "
    "changed; the scan cannot tell whether the value changes.",
    "Check the setting's effective value after the upgrade, or set it explicitly.",
    "litellm_settings.request_timeout: float(os.getenv(...)) → DEFAULT_REQUEST_TIMEOUT_SECONDS",
    "default")
_config(
    "ENV_NO_LONGER_READ", "WARN",
    "The deploy sets an environment variable the current version reads and the target "
    "no longer does.",
    "The setting it carried silently stops applying after the upgrade.",
    "Find the replacement (a config key or another variable) in the release notes.",
    "docker-compose.yml: LITELLM_FIPS_MODE=true   # read by 1.106.0, not by 1.110.2",
    "env")
_config(
    "ENV_REQUIRED_UNSET", "WARN",
    "The version reads a variable at start-up without a default and the deploy does not "
    "set it.",
    "The proxy may refuse to start (a KeyError at import or start-up).",
    "Set the variable in the deploy (its name is in the finding) or check the release "
    "notes.", "os.environ[\"NAME\"] in litellm/proxy/proxy_server.py at module level",
    "env")
