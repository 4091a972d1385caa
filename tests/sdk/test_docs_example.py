"""docs/sdk.md: every ``python`` block runs as written against the pinned LiteLLM proxy, its
output says what the text says, and the exports it names are the package's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nemoctl
import nemoctl.client
from tests.sdk.conftest import CHAT_MOCK, LiteLLMGateway

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"
BLOCK = re.compile(r"(?:<!-- example: ([\w-]+) -->\n)?```python\n(.*?)```", re.S)

# Runs each block in a fresh namespace, in order, in one interpreter (one import of the
# SDK for all of them); prints a JSON line per block with its output or its error.
RUNNER = r"""
import contextlib, io, json, sys, traceback, warnings
warnings.simplefilter("error", UserWarning)
for name, code in json.load(sys.stdin):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, name, "exec"), {"__name__": "__main__"})
        error = None
    except BaseException:
        error = traceback.format_exc()
    print(json.dumps({"name": name, "stdout": out.getvalue(), "error": error}))
"""


def blocks() -> list[tuple[str, str]]:
    found = [
        (name or f"block-{i}", code)
        for i, (name, code) in enumerate(BLOCK.findall(DOC.read_text()))
    ]
    assert len(found) >= 8, found
    return found


@pytest.fixture(scope="module")
def ran(litellm_gateway: LiteLLMGateway) -> dict[str, dict[str, str]]:
    env = {
        **os.environ,
        "NEMOCTL_GATEWAY_URL": litellm_gateway.url,
        "NEMOCTL_GATEWAY_API_KEY": litellm_gateway.master_key,
    }
    result = subprocess.run(
        [sys.executable, "-c", RUNNER], input=json.dumps(blocks()), capture_output=True,
        text=True, env=env, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert litellm_gateway.master_key not in result.stdout + result.stderr
    return {r["name"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_every_python_block_runs_as_written(ran: dict[str, dict[str, str]]) -> None:
    failed = {name: r["error"] for name, r in ran.items() if r["error"]}
    assert not failed, "\n".join(f"{n}:\n{e}" for n, e in failed.items())
    assert set(ran) == {name for name, _ in blocks()}


def test_the_examples_print_what_the_text_says(ran: dict[str, dict[str, str]]) -> None:
    lines = ran["streaming-with-cost"]["stdout"].splitlines()
    assert lines[0] == CHAT_MOCK
    cost = re.search(r"cost: \$(\d+\.\d+)\s+call id: (\S+)\s+model group: gpt-mock", lines[1])
    assert cost and float(cost.group(1)) > 0
    assert ran["quickstart"]["stdout"].startswith(CHAT_MOCK + "\n")
    assert ran["tool-calls"]["stdout"].startswith("get_weather {'city': 'Paris'}\n")
    assert ran["structured"]["stdout"].startswith("Paris 21 ")
    assert (
        "refused: Completions.create() got an unexpected keyword argument 'temprature'"
        in (ran["raw-and-options"]["stdout"])
    )
    assert ran["errors"]["stdout"].splitlines()[1].startswith("UnknownModelError 400")
    assert ran["async"]["stdout"].startswith(CHAT_MOCK + "\n")


def test_exports_match_the_docs() -> None:
    text = DOC.read_text()
    exports = text[text.index("## Exports") :]
    named = set(re.findall(r"`(\w+)`", exports)) - {"nemoctl", "client"}
    public = set(nemoctl.client.__all__) - {"ENV_API_KEY", "ENV_BASE_URL", "NOT_GIVEN"}
    assert named == public
    for name in public:
        assert getattr(nemoctl, name) is getattr(nemoctl.client, name)
        assert name in dir(nemoctl)
    # Every class the error table names is importable from nemoctl.
    table = text[text.index("## Errors") : text.index("## Secrets")]
    for name in re.findall(r"^\| `(\w+)`", table, re.M):
        assert hasattr(nemoctl, name), name
