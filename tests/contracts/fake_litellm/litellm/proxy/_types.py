from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from litellm._fake import broken


class SpendLogsPayload(TypedDict):
    request_id: str
    call_type: str
    api_key: str
    spend: float
    total_tokens: int
    prompt_tokens: int
    completion_tokens: int
    startTime: datetime | str
    endTime: datetime | str
    model: str
    model_id: str | None
    model_group: str | None
    custom_llm_provider: str | None
    metadata: str
    organization_id: str | None
    status: str


if broken("org_id"):
    # As LiteLLM 1.80 shipped it: no organization_id at all.
    del SpendLogsPayload.__annotations__["organization_id"]
