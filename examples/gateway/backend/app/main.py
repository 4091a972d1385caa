"""The FastAPI backend: the team's own routes, with LiteLLM's proxy app mounted in-process.

LiteLLM runs inside this process (never forked, never patched): its ASGI app is mounted
under ``/llm``, configured by ``litellm/config.yaml`` and the same PostgreSQL database
the team's own tables live in.  Every response from the proxy carries the call's cost in
the ``x-litellm-response-cost`` header; the middleware below books it per organization.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

os.environ.setdefault("CONFIG_FILE_PATH", os.path.join(os.path.dirname(__file__), "..", "..",
                                                       "litellm", "config.yaml"))

from litellm.proxy.proxy_server import app as litellm_app  # noqa: E402

from backend.app.billing import router as billing_router  # noqa: E402

COST_HEADER = "x-litellm-response-cost"

app = FastAPI(title="gateway")
app.include_router(billing_router)
app.mount("/llm", litellm_app)


@app.middleware("http")
async def book_cost(request: Request,
                    call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    cost = response.headers.get(COST_HEADER)
    if cost is not None:
        request.state.cost_usd = float(cost)
    return response
