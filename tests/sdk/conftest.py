"""Fixtures: a real LiteLLM proxy (the pinned version, a subprocess) and a scripted fault server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.sdk.fault_server import FaultServer

MASTER_KEY = "sk-nemoctl-sdk-tests-9c1e7a4b2d6f8e0a3b5c7d9e1f2a4b6c"
CHAT_MODEL = "gpt-mock"
EMBED_MODEL = "embed-mock"
LIMITED_MODEL = "rate-limited"
TOOL_MODEL = "tool-mock"
JSON_MODEL = "json-mock"
#: A model group whose upstream is a local scripted server (``upstream`` fixture): to count
#: the attempts that reach the provider, and to replay provider stream shapes the mock lacks.
UPSTREAM_MODEL = "upstream"
#: The same local server, spoken to in Anthropic's format (LiteLLM's ``anthropic/`` provider).
UPSTREAM_ANTHROPIC_MODEL = "upstream-anthropic"
CHAT_MOCK = "hello from the mock"
JSON_MOCK = '{"city": "Paris", "temperature_c": 21}'
TOOL_CALL = {
    "id": "call_weather_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
}
INPUT_PRICE = 0.000002
OUTPUT_PRICE = 0.000008
EMBED_PRICE = 0.0000001


def gateway_config(upstream_url: str = "http://127.0.0.1:9") -> dict[str, object]:
    fake = "fake-key-never-sent"
    return {
        "model_list": [
            {
                "model_name": CHAT_MODEL,
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": fake,
                    "mock_response": CHAT_MOCK,
                    "input_cost_per_token": INPUT_PRICE,
                    "output_cost_per_token": OUTPUT_PRICE,
                },
            },
            {
                "model_name": EMBED_MODEL,
                "litellm_params": {
                    "model": "openai/text-embedding-3-small",
                    "api_key": fake,
                    "mock_response": [0.25, 0.5, 0.75],
                    "input_cost_per_token": EMBED_PRICE,
                },
            },
            {
                "model_name": LIMITED_MODEL,
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": fake,
                    "mock_response": "litellm.RateLimitError",
                },
            },
            {
                "model_name": TOOL_MODEL,
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": fake,
                    "mock_response": "",
                    "mock_tool_calls": [TOOL_CALL],
                    "input_cost_per_token": INPUT_PRICE,
                    "output_cost_per_token": OUTPUT_PRICE,
                },
            },
            {
                "model_name": JSON_MODEL,
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": fake,
                    "mock_response": JSON_MOCK,
                    "input_cost_per_token": INPUT_PRICE,
                    "output_cost_per_token": OUTPUT_PRICE,
                },
            },
            {
                "model_name": UPSTREAM_MODEL,
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_key": fake,
                    "api_base": upstream_url + "/v1",
                    "input_cost_per_token": INPUT_PRICE,
                    "output_cost_per_token": OUTPUT_PRICE,
                },
            },
            {
                "model_name": UPSTREAM_ANTHROPIC_MODEL,
                "litellm_params": {
                    "model": "anthropic/claude-3-5-sonnet-20240620",
                    "api_key": fake,
                    "api_base": upstream_url,
                    "input_cost_per_token": INPUT_PRICE,
                    "output_cost_per_token": OUTPUT_PRICE,
                },
            },
        ],
        "general_settings": {"master_key": MASTER_KEY},
    }


@dataclass(frozen=True)
class LiteLLMGateway:
    url: str
    master_key: str
    version: str
    startup_s: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def _upstream_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture
def upstream(_upstream_server: FaultServer, litellm_gateway: LiteLLMGateway) -> FaultServer:
    """The scripted provider behind the ``upstream`` model group (attempts reset per test)."""
    _upstream_server.serve()
    return _upstream_server


@pytest.fixture(scope="session")
def litellm_gateway(
    tmp_path_factory: pytest.TempPathFactory, _upstream_server: FaultServer
) -> Iterator[LiteLLMGateway]:
    """The pinned LiteLLM proxy on 127.0.0.1 with mock models, started once per session."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        litellm_version = version("litellm")
    except PackageNotFoundError:
        pytest.fail(
            "litellm (dependency group 'upstream') is not installed: run `uv sync --frozen`"
        )
    directory = tmp_path_factory.mktemp("litellm-gateway")
    config = directory / "config.yaml"
    config.write_text(json.dumps(gateway_config(_upstream_server.url), indent=2))  # JSON is YAML
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LITELLM_MASTER_KEY")}
    env.update(LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_LOG="ERROR", NO_DOCS="True")
    script = Path(sys.executable).with_name("litellm")
    command = [str(script)] if script.exists() else [shutil.which("litellm") or "litellm"]
    log = (directory / "proxy.log").open("wb")
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=directory,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"LiteLLM exited with {process.returncode}:\n"
                    + (directory / "proxy.log").read_text()[-3000:]
                )
            try:
                if httpx.get(url + "/health/liveliness", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("LiteLLM did not become healthy within 180 s")
            time.sleep(0.25)
        yield LiteLLMGateway(url, MASTER_KEY, litellm_version, time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def _fault_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture
def fault(_fault_server: FaultServer) -> FaultServer:
    _fault_server.serve()
    return _fault_server
