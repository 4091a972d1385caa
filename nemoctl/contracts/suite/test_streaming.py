"""Contract: on streams the cost arrives in the final chunk's usage, not in a header."""

from __future__ import annotations

import math
from typing import Any

from nemoctl.contracts.suite import gateway

COST_HEADER = "x-litellm-response-cost"


def test_streaming_usage_cost(stream_response: Any, record_property: Any) -> None:
    """Streaming cost: under the effective proxy config, with ``stream_options.include_usage``
    the final chunk carries usage (prompt_tokens) and ``usage.cost`` consistent with the
    model's prices. Recorded: the config's ``include_cost_in_streaming_usage`` and whether
    the stream carries the cost header (``stream_cost_header``)."""
    assert stream_response.status_code == 200, stream_response.text[:300]
    setting = gateway.litellm_setting("include_cost_in_streaming_usage")
    record_property(
        "include_cost_in_streaming_usage", "default" if setting is None else str(setting).lower()
    )
    header = stream_response.headers.get(COST_HEADER)
    record_property("stream_cost_header", "absent" if header is None else f"present={header}")
    chunks = list(gateway.sse_chunks(stream_response.text))
    assert chunks, "the stream carried no chunks"
    usage = chunks[-1].get("usage")
    record_property("usage_cost", "present" if usage and "cost" in usage else "absent")
    assert usage, f"the final chunk carries no usage: {chunks[-1]}"
    assert usage.get("prompt_tokens", 0) > 0, f"final usage has no prompt_tokens: {usage}"
    assert "cost" in usage, (
        "the final chunk's usage carries no cost under this proxy config "
        f"(include_cost_in_streaming_usage={'unset' if setting is None else setting}): {usage}"
    )
    expected = (
        usage["prompt_tokens"] * gateway.CHAT_INPUT_PRICE
        + usage["completion_tokens"] * gateway.CHAT_OUTPUT_PRICE
    )
    assert math.isclose(float(usage["cost"]), expected, rel_tol=1e-6, abs_tol=1e-12), (
        f"usage.cost={usage['cost']} but usage prices to {expected}"
    )
    if header is not None:
        # A header sent before the first token cannot know the cost; if a version sends one
        # anyway it must be the real figure, or the gateway would log a wrong cost.
        assert math.isclose(float(header), expected, rel_tol=1e-6, abs_tol=1e-12), (
            f"stream sends {COST_HEADER}={header}, which is not the call's cost {expected}"
        )
