"""Contracts: the gateway reads LiteLLM's cost from ``x-litellm-response-cost``.

It never prices calls itself, so the header must exist and agree with the model's prices."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from nemoctl.contracts.suite import gateway

COST_HEADER = "x-litellm-response-cost"
#: Breakdown headers that, when a version sends them, must add up to the cost.
PARTS = ("x-litellm-response-cost-input", "x-litellm-response-cost-output")
OPTIONAL_PARTS = ("x-litellm-response-cost-tool-usage",)


def decimal_header(headers: Any, name: str) -> float:
    raw = headers.get(name)
    assert raw is not None, f"header {name} is missing"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise AssertionError(f"header {name} is not a decimal: {raw!r}") from None
    assert value.is_finite() and value >= 0, f"header {name} is not a non-negative decimal: {raw!r}"
    return float(value)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def test_cost_header_chat(chat_response: Any) -> None:
    """Cost header (chat): a non-streaming chat completion carries ``x-litellm-response-cost``
    equal to prompt_tokens x input price + completion_tokens x output price."""
    assert chat_response.status_code == 200, chat_response.text[:300]
    cost = decimal_header(chat_response.headers, COST_HEADER)
    usage = chat_response.json()["usage"]
    expected = (
        usage["prompt_tokens"] * gateway.CHAT_INPUT_PRICE
        + usage["completion_tokens"] * gateway.CHAT_OUTPUT_PRICE
    )
    assert expected > 0, f"mock usage has no tokens: {usage}"
    assert close(cost, expected), f"{COST_HEADER}={cost} but usage {usage} prices to {expected}"


def test_cost_header_embedding(embedding_response: Any) -> None:
    """Cost header (embedding): an embedding carries ``x-litellm-response-cost`` equal to
    prompt_tokens x input price."""
    assert embedding_response.status_code == 200, embedding_response.text[:300]
    cost = decimal_header(embedding_response.headers, COST_HEADER)
    usage = embedding_response.json()["usage"]
    expected = usage["prompt_tokens"] * gateway.EMBED_INPUT_PRICE
    assert expected > 0, f"mock usage has no tokens: {usage}"
    assert close(cost, expected), f"{COST_HEADER}={cost} but usage {usage} prices to {expected}"


def test_cost_breakdown_headers(chat_response: Any, record_property: Any) -> None:
    """Cost breakdown: when a version sends the input/output breakdown headers, they add up
    to ``x-litellm-response-cost`` (absent breakdown headers are recorded, not failed)."""
    assert chat_response.status_code == 200, chat_response.text[:300]
    headers = chat_response.headers
    present = [name for name in (*PARTS, *OPTIONAL_PARTS) if name in headers]
    short = [name.removeprefix(COST_HEADER + "-") for name in present]
    record_property("breakdown_headers", ",".join(short) or "none")
    if not all(name in headers for name in PARTS):
        return
    cost = decimal_header(headers, COST_HEADER)
    total = sum(decimal_header(headers, name) for name in present)
    assert close(total, cost), f"breakdown {present} adds up to {total}, cost header says {cost}"
