"""The gateway the suite talks to: LiteLLM's proxy app mounted in-process, mock models only.

The shape is the production one (a parent FastAPI app owning the lifespan, LiteLLM
mounted under a prefix); only the models are mocks, so nothing leaves the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

PREFIX = "/litellm"
#: Recent LiteLLM refuses to start with a known-weak master key; this one is long and random.
MASTER_KEY = "sk-nemoctl-contracts-5f1d2c9a7b3e4d6f8a0b1c2d3e4f5a6b"
CHAT_MODEL = "contract-chat"
EMBED_MODEL = "contract-embed"
CHAT_MOCK = "hello from the nemoctl contract suite"
EMBED_MOCK = [0.25, 0.5, 0.75]
#: Custom prices make the expected cost exact and independent of LiteLLM's bundled price map.
CHAT_INPUT_PRICE = 0.000002
CHAT_OUTPUT_PRICE = 0.000008
EMBED_INPUT_PRICE = 0.0000001


def config() -> dict[str, Any]:
    return {
        "model_list": [
            {
                "model_name": CHAT_MODEL,
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": "fake-key-never-sent",
                    "mock_response": CHAT_MOCK,
                    "input_cost_per_token": CHAT_INPUT_PRICE,
                    "output_cost_per_token": CHAT_OUTPUT_PRICE,
                },
            },
            {
                "model_name": EMBED_MODEL,
                "litellm_params": {
                    "model": "openai/text-embedding-3-small",
                    "api_key": "fake-key-never-sent",
                    "mock_response": EMBED_MOCK,
                    "input_cost_per_token": EMBED_INPUT_PRICE,
                },
            },
        ],
        "general_settings": {"master_key": MASTER_KEY},
    }


#: Set by the runner: the effective proxy config (JSON) the suite must run under.  Unset
#: (``python -m pytest --pyargs nemoctl.contracts.suite``), the suite runs under
#: :func:`config`: its two mock models, its master key, and LiteLLM's defaults otherwise.
CONFIG_ENV = "NEMOCTL_CONTRACTS_CONFIG"
#: Set by the runner: the generated models' package name (``nemoctl_models`` by default).
MODELS_PACKAGE_ENV = "NEMOCTL_MODELS_PACKAGE"

_loaded: dict[str, Any] = {}


def loaded_config() -> dict[str, Any]:
    """The proxy config this session runs under (after :func:`prepare_environment`)."""
    return _loaded


def configured_master_key() -> str | None:
    """The master key the proxy runs with (None: the consumer's config resolves none)."""
    key = (loaded_config().get("general_settings") or {}).get("master_key")
    return str(key) if key else None


def master_key() -> str:
    return configured_master_key() or MASTER_KEY


def litellm_setting(name: str) -> Any:
    return (loaded_config().get("litellm_settings") or {}).get(name)


def prepare_environment() -> Path:
    """Offline switches and the config file; must run before LiteLLM is imported."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    os.environ.setdefault("LITELLM_LOG", "ERROR")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("LITELLM_MASTER_KEY", None)
    given = os.environ.get(CONFIG_ENV)
    if given:
        path = Path(given)
        _loaded.update(json.loads(path.read_text(encoding="utf-8")))
    else:
        directory = Path(tempfile.mkdtemp(prefix="nemoctl-contracts-"))
        path = directory / "config.yaml"
        _loaded.update(config())
        # JSON is YAML, and keeps the suite free of a YAML writer.
        path.write_text(json.dumps(_loaded, indent=2))
    os.environ["CONFIG_FILE_PATH"] = str(path)
    return path


def models_package() -> str:
    return os.environ.get(MODELS_PACKAGE_ENV) or "nemoctl_models"


def build_app() -> Any:
    """A parent FastAPI app mounting LiteLLM's proxy app under ``PREFIX``.

    Starlette does not run a mounted app's lifespan, so the parent's lifespan enters
    LiteLLM's: without it LiteLLM never loads its config and knows no models.
    """
    from fastapi import FastAPI
    from litellm.proxy.proxy_server import app as litellm_app

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with litellm_app.router.lifespan_context(litellm_app):
            yield

    parent = FastAPI(lifespan=lifespan)
    parent.mount(PREFIX, litellm_app)
    return parent


def auth() -> dict[str, str]:
    key = configured_master_key()
    return {"Authorization": f"Bearer {key}"} if key else {}


def chat_body(**extra: Any) -> dict[str, Any]:
    return {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Say hello to the contract suite."}],
        **extra,
    }


class CallCapture:
    """Collects what LiteLLM hands its success callbacks, keyed by call id."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple[dict[str, Any], Any, Any, Any]] = {}
        self._lock = threading.Lock()

    def record(self, kwargs: dict[str, Any], response: Any, start: Any, end: Any) -> None:
        call_id = str(kwargs.get("litellm_call_id") or "")
        with self._lock:
            self.calls[call_id] = (kwargs, response, start, end)

    def wait_for(self, call_id: str, timeout: float = 10.0) -> tuple[dict[str, Any], Any, Any, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if call_id in self.calls:
                    return self.calls[call_id]
            time.sleep(0.02)
        raise AssertionError(
            f"LiteLLM never reported call {call_id!r} to a success callback within {timeout:.0f} s"
        )


def install_capture() -> CallCapture:
    """Register a LiteLLM ``CustomLogger`` that records every successful call."""
    import litellm
    from litellm.integrations.custom_logger import CustomLogger

    capture = CallCapture()

    class _Recorder(CustomLogger):
        # LiteLLM calls these with keyword arguments: the names are part of its interface.
        def log_success_event(
            self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
        ) -> None:
            capture.record(kwargs, response_obj, start_time, end_time)

        async def async_log_success_event(
            self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
        ) -> None:
            capture.record(kwargs, response_obj, start_time, end_time)

    litellm.callbacks.append(_Recorder())
    return capture


def sse_chunks(text: str) -> Iterator[dict[str, Any]]:
    for line in text.splitlines():
        if line.startswith("data:"):
            data = line[len("data:") :].strip()
            if data and data != "[DONE]":
                yield json.loads(data)
