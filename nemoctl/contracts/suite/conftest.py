"""One gateway per session: LiteLLM's proxy import alone costs seconds, so contracts share it."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nemoctl.contracts.suite import _gateway

_gateway.prepare_environment()


@pytest.fixture(scope="session", autouse=True)
def _litellm_version(record_testsuite_property: Callable[[str, object], None]) -> str:
    version = importlib.metadata.version("litellm")
    record_testsuite_property("litellm_version", version)
    return version


@pytest.fixture(scope="session")
def client() -> Iterator[Any]:
    """A TestClient on the parent app; entering it runs the parent's (and so LiteLLM's) lifespan."""
    from fastapi.testclient import TestClient

    with TestClient(_gateway.build_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def capture(client: Any) -> _gateway.CallCapture:
    # Registered after startup: the proxy's startup resets LiteLLM's callback lists.
    return _gateway.install_capture()


@pytest.fixture(scope="session")
def chat_response(client: Any) -> Any:
    """One non-streaming chat completion through the gateway, shared by several contracts."""
    return client.post(
        f"{_gateway.PREFIX}/v1/chat/completions", json=_gateway.chat_body(), headers=_gateway.auth()
    )


@pytest.fixture(scope="session")
def embedding_response(client: Any) -> Any:
    return client.post(
        f"{_gateway.PREFIX}/v1/embeddings",
        json={"model": _gateway.EMBED_MODEL, "input": ["contract suite"]},
        headers=_gateway.auth(),
    )


@pytest.fixture(scope="session")
def stream_response(client: Any) -> Any:
    body = _gateway.chat_body(stream=True, stream_options={"include_usage": True})
    return client.post(f"{_gateway.PREFIX}/v1/chat/completions", json=body, headers=_gateway.auth())


@pytest.fixture(scope="session")
def unknown_model_response(client: Any) -> Any:
    body = _gateway.chat_body(model="nemoctl-contracts-no-such-model")
    return client.post(f"{_gateway.PREFIX}/v1/chat/completions", json=body, headers=_gateway.auth())
