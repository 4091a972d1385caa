"""The gateway backend's LiteLLM hooks: where this backend is a LiteLLM *library* user.

The backend mounts LiteLLM's proxy app in-process, logs every call's spend through a
``CustomLogger``, screens prompts with a ``CustomGuardrail`` and keeps a local disk
cache for development.  ``nemoctl impact`` maps every line here that touches LiteLLM's
Python API, and ``nemoctl impact --to VERSION`` says which of them a bump would break
(docs/api-surface.md shows its real report).  This is the file after the team read
that report for 1.102.4 → 1.106.0: the version written against 1.102.4 imported
``all_litellm_params`` from ``litellm.caching.caching``, passed ``telemetry=`` to
``initialize`` and polled LiteLLM's ``Scheduler`` by keyword, all of which 1.106.0
breaks (``tests/fixtures/apisurface/hooks_1_102_4.py`` keeps it).
"""

from __future__ import annotations

from typing import Any

import litellm
from fastapi import FastAPI
from litellm.caching.disk_cache import DiskCache
from litellm.integrations.custom_guardrail import CustomGuardrail
from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import UserAPIKeyAuth
from litellm.proxy.proxy_server import app as litellm_app
from litellm.proxy.proxy_server import initialize

#: Documented module-level settings: configuration, not patches.
litellm.drop_params = True
litellm.request_timeout = 120

BLOCKED_TERMS = ("internal-only", "do-not-send")


class SpendLogger(CustomLogger):
    """Forward each successful call's spend to the backend's ledger."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
        payload = kwargs.get("standard_logging_object") or {}
        self.entries.append({"model_group": payload.get("model_group"),
                             "response_cost": payload.get("response_cost")})

    async def async_post_call_success_hook(self, data, user_api_key_dict: UserAPIKeyAuth,
                                           response):
        return response


class BlockedTermsGuardrail(CustomGuardrail):
    """Refuse prompts that carry a blocked term, before any provider sees them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(guardrail_name="blocked-terms", default_on=True, **kwargs)

    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        text = str(data.get("messages", ""))
        if any(term in text for term in BLOCKED_TERMS):
            raise ValueError("prompt carries a blocked term")
        self.mark_pre_call_hook_ran(data)
        return data

    def mark_pre_call_hook_ran(self, data):
        data.setdefault("metadata", {})["blocked_terms_checked"] = True

    def uses_apply_guardrail_interface(self) -> bool:
        return False


spend_logger = SpendLogger()
litellm.callbacks = [spend_logger, BlockedTermsGuardrail()]

dev_cache = DiskCache(disk_cache_dir=".cache/litellm")


def mount(app: FastAPI) -> None:
    """Mount LiteLLM's proxy app under /llm (its lifespan is entered by the parent's)."""
    app.mount("/llm", litellm_app)


async def start_proxy(config_path: str) -> None:
    await initialize(config=config_path)


async def health(model: str) -> dict[str, Any]:
    return await litellm.ahealth_check(model_params={"model": model})


def cost_of(response: Any) -> float:
    return float(litellm.completion_cost(completion_response=response))
