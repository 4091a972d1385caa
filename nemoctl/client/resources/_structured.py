"""Structured outputs: a pydantic model as ``response_format``, the answer parsed back into it.

The JSON schema sent is the model's, made *strict* as OpenAI's structured outputs require
(every object closed with ``additionalProperties: false``, every property required) —
the transformation openai-python applies in ``to_strict_json_schema``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _strict(v) for k, v in node.items()}
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        # Defaults are not part of a strict schema; the model fills them in on parsing.
        node.pop("default", None)
        return node
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def response_format_for(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": model.__name__,
            "schema": _strict(model.model_json_schema()),
            "strict": True,
        },
    }


def is_model_type(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)
