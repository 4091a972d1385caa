"""A fake proxy app: same routes, headers and lifespan shape as LiteLLM's, mock models only."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

import litellm
from litellm._fake import PROMPT_TOKENS, broken, completion_tokens

_models: dict[str, dict[str, Any]] = {}
_settings: dict[str, Any] = {}
_litellm_settings: dict[str, Any] = {}


@contextlib.asynccontextmanager
async def proxy_startup_event(_: FastAPI) -> AsyncIterator[None]:
    with open(os.environ["CONFIG_FILE_PATH"]) as handle:
        config = json.load(handle)
    _models.clear()
    for entry in config["model_list"]:
        _models[entry["model_name"]] = entry["litellm_params"]
    _settings.update(config.get("general_settings", {}))
    _litellm_settings.clear()
    _litellm_settings.update(config.get("litellm_settings") or {})
    litellm.callbacks.clear()  # as the real proxy does on startup
    yield


app = FastAPI(lifespan=proxy_startup_event)


def _refused(request: Request) -> Response | None:
    if not _settings.get("master_key"):  # as LiteLLM: no master key, no auth
        return None
    if request.headers.get("authorization") == f"Bearer {_settings.get('master_key')}":
        return None
    if broken("auth"):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
    if request.headers.get("authorization"):  # not the master key, and there is no database
        error = {"message": "No connected db.", "type": "no_db_connection", "code": "400"}
        return JSONResponse({"error": error}, status_code=400)
    error = {
        "message": "No api key passed in.",
        "type": "auth_error",
        "param": "None",
        "code": "401",
    }
    return JSONResponse({"error": error}, status_code=401)


def _error(request: Request, status: int, kind: str, message: str) -> Response:
    error = {"message": message, "type": kind, "param": None, "code": str(status)}
    if broken("error_type"):
        error.update(type="None", message=repr({"error": message}))
    call_id = request.headers.get("x-litellm-call-id") or str(uuid.uuid4())
    return JSONResponse(
        {"error": error}, status_code=status, headers={"x-litellm-call-id": call_id}
    )


def _routed(request: Request, group: str) -> Response | None:
    """An unknown model or a spent budget: the errors raised after auth."""
    if group not in _models:
        return _error(request, 400, "invalid_request_error", f"Invalid model name {group}")
    if litellm.max_budget and litellm._current_cost > litellm.max_budget:
        return _error(request, 429, "budget_exceeded", "Budget has been exceeded!")
    return None


def _headers(
    request: Request, group: str, cost: float | None, stream: bool = False
) -> dict[str, str]:
    headers = {
        "x-litellm-call-id": request.headers.get("x-litellm-call-id") or str(uuid.uuid4()),
        "x-litellm-model-id": hashlib.sha256(group.encode()).hexdigest(),
    }
    if not (stream and broken("stream_headers")):
        headers.update(
            {
                "x-litellm-model-group": group,
                "x-litellm-model-api-base": "https://mock.invalid",
                "x-litellm-attempted-retries": "0",
                "x-litellm-attempted-fallbacks": "0",
                "x-litellm-response-duration-ms": "1.0",
            }
        )
    if cost is not None and not broken("cost_header"):
        headers["x-litellm-response-cost"] = repr(cost)
    return headers


async def _log(
    headers: dict[str, str], group: str, params: dict[str, Any], usage: Any, cost: float
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    kwargs = {
        "litellm_call_id": headers["x-litellm-call-id"],
        "model": params["model"],
        "call_type": "acompletion",
        "custom_llm_provider": params["model"].split("/", 1)[0],
        "response_cost": cost,
        "litellm_params": {
            "metadata": {"model_group": group, "model_id": headers["x-litellm-model-id"]}
        },
    }
    for callback in list(litellm.callbacks):
        await callback.async_log_success_event(
            kwargs=kwargs, response_obj={"usage": usage}, start_time=now, end_time=now
        )


@app.get("/v1/models")
async def models(request: Request) -> Response:
    return _refused(request) or JSONResponse({"data": [{"id": name} for name in _models]})


@app.post("/v1/chat/completions")
async def chat(request: Request) -> Response:
    refused = _refused(request)
    if refused:
        return refused
    body = await request.json()
    group = body["model"]
    refused = _routed(request, group)
    if refused:
        return refused
    params = _models[group]
    shown = params["model"].split("/", 1)[-1] if broken("body_model") else group
    output = completion_tokens(params["mock_response"])
    usage = {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": output,
        "total_tokens": PROMPT_TOKENS + output,
    }
    cost = PROMPT_TOKENS * params["input_cost_per_token"] + output * params["output_cost_per_token"]
    if body.get("stream"):
        headers = _headers(request, group, None, stream=True)
        await _log(headers, group, params, usage, cost)
        with_cost = not broken("stream_cost_default") or bool(
            _litellm_settings.get("include_cost_in_streaming_usage")
        )

        def chunks() -> Any:
            for word in params["mock_response"].split():
                chunk = {"model": shown, "choices": [{"index": 0, "delta": {"content": word}}]}
                yield "data: " + json.dumps(chunk) + "\n\n"
            if body.get("stream_options", {}).get("include_usage") and not broken("stream_usage"):
                final_usage = {**usage, "cost": cost} if with_cost else usage
                final = {"model": shown, "choices": [], "usage": final_usage}
                yield "data: " + json.dumps(final) + "\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream", headers=headers)
    headers = _headers(request, group, cost)
    await _log(headers, group, params, usage, cost)
    message = {"role": "assistant", "content": params["mock_response"]}
    return JSONResponse(
        {"model": shown, "choices": [{"index": 0, "message": message}], "usage": usage},
        headers=headers,
    )


@app.post("/v1/embeddings")
async def embeddings(request: Request) -> Response:
    refused = _refused(request)
    if refused:
        return refused
    body = await request.json()
    group = body["model"]
    refused = _routed(request, group)
    if refused:
        return refused
    params = _models[group]
    shown = params["model"].split("/", 1)[-1] if broken("body_model") else group
    usage = {"prompt_tokens": PROMPT_TOKENS, "total_tokens": PROMPT_TOKENS}
    cost = PROMPT_TOKENS * params["input_cost_per_token"]
    headers = _headers(request, group, cost)
    await _log(headers, group, params, usage, cost)
    data = [{"object": "embedding", "index": 0, "embedding": params["mock_response"]}]
    return JSONResponse({"model": shown, "data": data, "usage": usage}, headers=headers)
