"""One gateway per session: LiteLLM's proxy import alone costs seconds, so contracts share it."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nemoctl.contracts.suite import gateway

gateway.prepare_environment()


@pytest.fixture(scope="session", autouse=True)
def _litellm_version(record_testsuite_property: Callable[[str, object], None]) -> str:
    dist = importlib.metadata.distribution("litellm")
    version = dist.version
    record_testsuite_property("litellm_version", version)
    # Which distribution was tested, where: reports name it (the consumer's own or not).
    record_testsuite_property("litellm_distribution",
                              f"litellm {version} at {dist.locate_file('')}")
    return version


@pytest.fixture(scope="session")
def client() -> Iterator[Any]:
    """A TestClient on the parent app; entering it runs the parent's (and so LiteLLM's) lifespan."""
    from fastapi.testclient import TestClient

    with TestClient(gateway.build_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def capture(client: Any) -> gateway.CallCapture:
    # Registered after startup: the proxy's startup resets LiteLLM's callback lists.
    return gateway.install_capture()


@pytest.fixture(scope="session")
def chat_response(client: Any) -> Any:
    """One non-streaming chat completion through the gateway, shared by several contracts."""
    return client.post(
        f"{gateway.PREFIX}/v1/chat/completions", json=gateway.chat_body(), headers=gateway.auth()
    )


@pytest.fixture(scope="session")
def embedding_response(client: Any) -> Any:
    return client.post(
        f"{gateway.PREFIX}/v1/embeddings",
        json={"model": gateway.EMBED_MODEL, "input": ["contract suite"]},
        headers=gateway.auth(),
    )


@pytest.fixture(scope="session")
def stream_response(client: Any) -> Any:
    body = gateway.chat_body(stream=True, stream_options={"include_usage": True})
    return client.post(f"{gateway.PREFIX}/v1/chat/completions", json=body, headers=gateway.auth())


@pytest.fixture(scope="session")
def unknown_model_response(client: Any) -> Any:
    body = gateway.chat_body(model="nemoctl-contracts-no-such-model")
    return client.post(f"{gateway.PREFIX}/v1/chat/completions", json=body, headers=gateway.auth())
