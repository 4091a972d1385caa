from __future__ import annotations

import json
from typing import Any

from litellm.proxy._types import SpendLogsPayload


def get_logging_payload(kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> Any:
    metadata = kwargs.get("litellm_params", {}).get("metadata", {})
    usage = response_obj.get("usage", {})
    payload: dict[str, Any] = {
        "request_id": kwargs["litellm_call_id"],
        "call_type": kwargs.get("call_type", ""),
        "api_key": "",
        "spend": kwargs.get("response_cost", 0.0),
        "total_tokens": usage.get("total_tokens", 0),
        "prompt_tokens": usage.get("prompt_tokens", 0),
        "completion_tokens": usage.get("completion_tokens", 0),
        "startTime": start_time,
        "endTime": end_time,
        "model": kwargs.get("model", ""),
        "model_id": metadata.get("model_id", ""),
        "model_group": metadata.get("model_group") or "",
        "custom_llm_provider": kwargs.get("custom_llm_provider"),
        "metadata": json.dumps({"fake": True}),
        "organization_id": metadata.get("user_api_key_org_id") or "",
        "status": "success",
    }
    return {key: value for key, value in payload.items() if key in SpendLogsPayload.__annotations__}
