"""Request parameters: openai-python's names, so a typo is a type error and a ``TypeError``.

Each TypedDict lists the keyword arguments a ``create`` accepts besides its required
ones; the SDK refuses any other name at run time (as openai-python does).  Parameters
LiteLLM adds (``mock_response``, ``metadata`` tags, ``fallbacks``...) go in
``extra_body``, which is merged into the JSON body as sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict


class ChatCompletionParseParams(TypedDict, total=False):
    """``chat.completions.parse``: ``create``'s parameters but ``response_format`` (a model)."""

    audio: Any
    frequency_penalty: float | None
    function_call: Any
    functions: Iterable[Mapping[str, Any]]
    logit_bias: dict[str, int] | None
    logprobs: bool | None
    max_completion_tokens: int | None
    max_tokens: int | None
    metadata: dict[str, str] | None
    modalities: list[str] | None
    moderation: Any
    n: int | None
    parallel_tool_calls: bool
    prediction: Any
    presence_penalty: float | None
    prompt_cache_key: str
    prompt_cache_options: Any
    prompt_cache_retention: Any
    reasoning_effort: str | None
    safety_identifier: str
    seed: int | None
    service_tier: str | None
    stop: str | list[str] | None
    store: bool | None
    stream_options: Mapping[str, Any] | None
    temperature: float | None
    tool_choice: Any
    tools: Iterable[Mapping[str, Any]]
    top_logprobs: int | None
    top_p: float | None
    user: str
    verbosity: str | None
    web_search_options: Mapping[str, Any]


class ChatCompletionCreateParams(ChatCompletionParseParams, total=False):
    response_format: Any


class EmbeddingCreateParams(TypedDict, total=False):
    dimensions: int
    encoding_format: str
    user: str


class ResponseCreateParams(TypedDict, total=False):
    background: bool | None
    context_management: Any
    conversation: Any
    include: list[str] | None
    instructions: str | None
    max_output_tokens: int | None
    max_tool_calls: int | None
    metadata: dict[str, str] | None
    moderation: Any
    parallel_tool_calls: bool | None
    previous_response_id: str | None
    prompt: Any
    prompt_cache_key: str
    prompt_cache_options: Any
    prompt_cache_retention: Any
    reasoning: Mapping[str, Any] | None
    safety_identifier: str
    service_tier: str | None
    store: bool | None
    stream_options: Mapping[str, Any] | None
    temperature: float | None
    text: Mapping[str, Any]
    tool_choice: Any
    tools: Iterable[Mapping[str, Any]]
    top_logprobs: int | None
    top_p: float | None
    truncation: str | None
    user: str


class MessageCreateParams(TypedDict, total=False):
    """Anthropic Messages parameters (``max_tokens``, ``messages``, ``model`` are required)."""

    metadata: Mapping[str, Any]
    stop_sequences: list[str]
    system: str | Iterable[Mapping[str, Any]]
    temperature: float
    thinking: Mapping[str, Any]
    tool_choice: Mapping[str, Any]
    tools: Iterable[Mapping[str, Any]]
    top_k: int
    top_p: float


def names(params: Any) -> frozenset[str]:
    """Every key of a TypedDict, inherited ones included."""
    return frozenset(params.__optional_keys__ | params.__required_keys__)
