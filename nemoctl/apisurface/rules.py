"""The API surface's rules (``API_…``), registered in the one findings registry at import.

Each rule is judged by use: it fires only where the consumer's code touches what
changed, with ``used_at`` at that line.  See docs/api-surface.md.
"""

from __future__ import annotations

from nemoctl.findings import RuleSpec, register

SURFACE = "api"


def _rule(id: str, severity: str, summary: str, rationale: str, fix: str,
          example: str = "", group: str = "") -> RuleSpec:
    return register(RuleSpec(id=id, surface=SURFACE, severity=severity,  # type: ignore[arg-type]
                             summary=summary, rationale=rationale, fix=fix, example=example,
                             group=group))


SYMBOL_REMOVED = _rule(
    "API_SYMBOL_REMOVED", "ERR",
    "A LiteLLM name the code imports or reads no longer resolves from the path it uses.",
    "In-process, an import error is not a failed call: it takes the whole backend down at "
    "start-up. Re-exports and aliases that still resolve are not reported.",
    "Import it from where the new version defines it (the message names the candidates), "
    "or stay on the pin.",
    "from litellm.proxy.hooks.foo import Bar   # gone in the new version", "symbol")
MODULE_UNREADABLE = _rule(
    "API_MODULE_UNREADABLE", "ERR",
    "A LiteLLM module the code uses cannot be read in the new version's wheel.",
    "A module whose source does not parse cannot be imported either; nemoctl cannot tell "
    "what it defines, so nothing about it is relaxed.",
    "Read the module in the new wheel (`nemoctl upstream source VERSION`); stay on the pin "
    "until it is fixed upstream.", group="symbol")
KEYWORD_REMOVED = _rule(
    "API_KEYWORD_REMOVED", "ERR",
    "A keyword argument the code passes is no longer accepted, and no **kwargs takes it.",
    "The call raises TypeError at run time, on the first request that reaches it.",
    "Drop or rename the argument as the new signature says.",
    "litellm.completion_cost(..., region_name=...)", "call")
REQUIRED_PARAM_ADDED = _rule(
    "API_REQUIRED_PARAM_ADDED", "ERR",
    "A function the code calls gained a required parameter the call does not pass.",
    "The call raises TypeError (missing required argument).",
    "Pass the new argument.", group="call")
LITERAL_NOT_ADMITTED = _rule(
    "API_LITERAL_NOT_ADMITTED", "ERR",
    "A literal the code passes to a Literal- or Enum-annotated parameter is no longer admitted.",
    "The value is rejected by validation or silently takes another branch.",
    "Pass one of the values the new annotation lists.", group="call")
DEFAULT_CHANGED = _rule(
    "API_DEFAULT_CHANGED", "WARN",
    "A parameter the code leaves at its default has a new default.",
    "Behaviour changes without any change in the code.",
    "Pass the old value explicitly to keep the old behaviour, or accept the new default "
    "and acknowledge.", group="call")
HOOK_SIGNATURE_CHANGED = _rule(
    "API_HOOK_SIGNATURE_CHANGED", "ERR",
    "An overridden method's base signature changed so the override no longer binds.",
    "LiteLLM calls the hook with the new arguments; the override raises TypeError, and "
    "callbacks swallow it — the hook silently stops working.",
    "Change the override's parameters to match the new base signature.", group="hook")
HOOK_REMOVED = _rule(
    "API_HOOK_REMOVED", "ERR",
    "A method the code overrides no longer exists on the LiteLLM base class.",
    "Nothing calls the override any more: the hook silently stops being called.",
    "Find the hook that replaced it in the new version and override that.", group="hook")
OVERRIDE_KIND_CHANGED = _rule(
    "API_OVERRIDE_KIND_CHANGED", "ERR",
    "An overridden method changed kind (function/classmethod/staticmethod, sync/async).",
    "An async base awaited on a sync override (or the reverse) fails or never runs.",
    "Make the override the same kind as the new base method.", group="hook")
BASE_CHANGED = _rule(
    "API_BASE_CHANGED", "ERR",
    "A LiteLLM class the code subclasses lost a base class or is no longer a class.",
    "Inherited behaviour and isinstance checks the subclass relies on are gone.",
    "Re-read the new class hierarchy; subclass what now provides the behaviour.",
    group="hook")
GLOBAL_READ_REMOVED = _rule(
    "API_GLOBAL_READ_REMOVED", "ERR",
    "A LiteLLM module global the code reads is gone.",
    "Reading it raises AttributeError.", "Read the setting that replaced it.",
    group="global")
GLOBAL_WRITE_REMOVED = _rule(
    "API_GLOBAL_WRITE_REMOVED", "WARN",
    "A LiteLLM module global the code sets is gone: the write is silently ignored.",
    "The setting no longer does anything; LiteLLM runs with its own default.",
    "Set the setting that replaced it, or delete the line.", group="global")
GLOBAL_DEFAULT_CHANGED = _rule(
    "API_GLOBAL_DEFAULT_CHANGED", "WARN",
    "A LiteLLM module global the code reads has a new default value.",
    "Code that relies on the old value behaves differently.",
    "Set the global explicitly, or acknowledge.", group="global")
RUNTIME_PATCH = _rule(
    "API_RUNTIME_PATCH", "ERR",
    "Code outside tests replaces a function, class or method of a LiteLLM module.",
    "A runtime patch is a fork by other means: the pinned release is no longer what runs, "
    "and the next release silently changes what the patch replaces.",
    "Use a documented extension point (a callback, a hook, a setting); if there is none, "
    "acknowledge with a reason and an expiry.",
    "ps.user_api_key_auth = our_auth", "patch")
CONSUMER_UNPARSEABLE = _rule(
    "API_CONSUMER_UNPARSEABLE", "WARN",
    "A project file could not be read as Python, so its LiteLLM uses are unknown.",
    "Nothing in it is checked: a breakage there would not be reported.",
    "Fix the syntax error (or exclude the file in [tool.nemoctl.impact]).", group="scan")
CANNOT_TELL = _rule(
    "API_CANNOT_TELL", "WARN",
    "A used LiteLLM name is no longer defined statically; the module or class answers "
    "names at run time (__getattr__), so nemoctl cannot tell whether it still resolves.",
    "Static reading stops at run-time lookups; the name may still work, or may not.",
    "Import the name in a throwaway environment of the new version (or run the contract "
    "suite); then acknowledge.", group="symbol")
UNUSED_CHANGE = _rule(
    "API_UNUSED_CHANGE", "INFO",
    "A LiteLLM API change nothing in the project uses (listed with --all).",
    "Counted so the scale of the change is visible; it cannot break this project's code.",
    "Nothing to do.", group="scan")
