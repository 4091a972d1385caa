"""A fake ``litellm``: just enough of LiteLLM's surface for the contract suite to run.

It exists to prove the suite can fail.  Healthy, every contract holds; the comma list
in ``FAKE_LITELLM_BREAK`` removes one behaviour each (see ``_fake.BREAKS``), and the
test checks that exactly the contracts guarding that behaviour fail, by name.
"""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace
from typing import Any

from litellm._fake import PROMPT_TOKENS, broken, completion_tokens

callbacks: list[Any] = []
success_callback = callbacks
__version__ = "0.0.1"
#: LiteLLM's SDK budget (``litellm_settings.max_budget``) and what has been spent.
max_budget = 0.0
_current_cost = 0.0


def completion(
    model: str,
    messages: list[dict[str, Any]],
    mock_response: str = "",
    metadata: dict[str, Any] | None = None,
    litellm_call_id: str | None = None,
    **_: Any,
) -> Any:
    started = datetime.datetime.now(datetime.UTC)
    output = completion_tokens(mock_response)
    cost = PROMPT_TOKENS * 0.0000025 + output * 0.00001
    usage = SimpleNamespace(
        prompt_tokens=PROMPT_TOKENS, completion_tokens=output, total_tokens=PROMPT_TOKENS + output
    )
    response = SimpleNamespace(usage=usage, _hidden_params={"response_cost": cost})
    if broken("sdk_cost"):
        response._hidden_params = {}
    kwargs = {
        "litellm_call_id": litellm_call_id or str(uuid.uuid4()),
        "model": model,
        "call_type": "completion",
        "custom_llm_provider": model.split("/", 1)[0],
        "response_cost": cost,
        "litellm_params": {"metadata": {"model_group": None, **(metadata or {})}},
    }
    for callback in callbacks:
        callback.log_success_event(
            kwargs=kwargs,
            response_obj={"usage": vars(usage)},
            start_time=started,
            end_time=datetime.datetime.now(datetime.UTC),
        )
    return response
