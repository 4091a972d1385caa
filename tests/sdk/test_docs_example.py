"""docs/sdk.md's streaming-with-cost example runs as written against the local gateway."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.sdk.conftest import CHAT_MOCK, LiteLLMGateway

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"


def example(marker: str) -> str:
    text = DOC.read_text()
    match = re.search(rf"<!-- example: {marker} -->\n```python\n(.*?)```", text, re.S)
    assert match, f"no example {marker!r} in {DOC}"
    return match.group(1)


def test_streaming_with_cost_example_runs_as_written(litellm_gateway: LiteLLMGateway) -> None:
    env = {
        **os.environ,
        "NEMOCTL_GATEWAY_URL": litellm_gateway.url,
        "NEMOCTL_GATEWAY_API_KEY": litellm_gateway.master_key,
    }
    result = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", example("streaming-with-cost")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == CHAT_MOCK
    cost = re.search(r"cost: \$(\d+\.\d+)\s+call id: (\S+)\s+model group: gpt-mock", lines[1])
    assert cost and float(cost.group(1)) > 0, result.stdout
    assert litellm_gateway.master_key not in result.stdout + result.stderr
