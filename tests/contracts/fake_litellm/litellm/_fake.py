"""The fake's switches: which LiteLLM behaviours to leave out."""

from __future__ import annotations

import os

BREAKS = frozenset(
    {
        "cost_header",
        "auth",
        "stream_usage",
        "org_id",
        "sdk_cost",
        # As 1.80.0: streams lack the routing headers, bodies name the provider's model.
        "stream_headers",
        "body_model",
        # As 1.100.5 and older: usage.cost on streams only with include_cost_in_streaming_usage.
        "stream_cost_default",
        # As 1.100.5 and older: error type "None" and a stringified dict as the message.
        "error_type",
    }
)
PROMPT_TOKENS = 10


def broken(behaviour: str) -> bool:
    assert behaviour in BREAKS, behaviour
    return behaviour in os.environ.get("FAKE_LITELLM_BREAK", "").split(",")


def completion_tokens(text: str) -> int:
    return max(1, len(text.split()))
