"""The fake's switches: which LiteLLM behaviours to leave out."""

from __future__ import annotations

import os

BREAKS = frozenset({"cost_header", "auth", "stream_usage", "org_id", "sdk_cost"})
PROMPT_TOKENS = 10


def broken(behaviour: str) -> bool:
    assert behaviour in BREAKS, behaviour
    return behaviour in os.environ.get("FAKE_LITELLM_BREAK", "").split(",")


def completion_tokens(text: str) -> int:
    return max(1, len(text.split()))
