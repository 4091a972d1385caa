"""Secret values never appear in any output (issue 29, class 4).

* ``[tool.nemoctl.contracts.test-env]`` values and environment values, planted in every
  place a proxy config can take them (a property test), never appear in any rendering
  of ``contracts run`` (human, Markdown, GitHub, JSON, ``to_dict``, ``repr``), and
  environment values never even enter the config the suite runs under;
* a malformed ``test-env`` (any wrong shape) is named, never echoed;
* the SDK client holds no attribute, however deep a ``vars()`` walk goes, with the key.
"""

from __future__ import annotations

import io
import itertools
import json
import string
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Distinctive: never a substring of anything nemoctl prints by itself.
_secret = st.text(alphabet=string.ascii_letters + string.digits, min_size=10, max_size=24
                  ).map(lambda s: f"zq{s}Q9")
_env_secret = _secret.map(lambda s: f"ev{s}")  # never equal to a test-env value
_name = st.sampled_from(["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LITELLM_MASTER_KEY",
                         "MODEL_ALIAS", "LANGFUSE_SECRET", "AZURE_BASE", "TEAM"])


def _config(names: list[str]) -> dict[str, Any]:
    """A proxy config that references each name in a different kind of place."""
    env = [f"os.environ/{n}" for n in names]
    slot = itertools.cycle(env)
    return {
        "model_list": [
            {"model_name": next(slot), "litellm_params": {"model": "openai/gpt-4o",
                                                          "api_key": next(slot)}},
            {"model_name": "embed", "litellm_params": {"model": "openai/text-embedding-3-small",
                                                       "api_base": next(slot),
                                                       "extra_headers": {"x-team": next(slot)}},
             "model_info": {"mode": "embedding"}},
        ],
        "litellm_settings": {"success_callback": [next(slot)], "drop_params": True},
        "general_settings": {"master_key": next(slot), "database_url": next(slot)},
        "environment_variables": {n: next(slot) for n in names},
    }


def _outputs(run: Any) -> str:
    from rich.console import Console

    from nemoctl.render import contracts as render

    buf = io.StringIO()
    render.render_human(run, Console(file=buf, width=200, no_color=True))
    return "\n".join([buf.getvalue(), render.to_markdown(run), render.to_github(run),
                      render.to_json(run), json.dumps(run.to_dict()), repr(run)])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_name, min_size=1, max_size=5, unique=True),
       values=st.lists(_secret, min_size=5, max_size=5, unique=True),
       env_values=st.lists(_env_secret, min_size=5, max_size=5, unique=True),
       in_test_env=st.lists(st.booleans(), min_size=5, max_size=5))
def test_no_value_from_test_env_or_environment_in_any_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], values: list[str],
        env_values: list[str], in_test_env: list[bool]) -> None:
    from nemoctl.contracts.proxy_config import effective_config
    from nemoctl.contracts.result import ContractResult, ContractRun

    config = tmp_path / "litellm_config.yaml"
    config.write_text(yaml.safe_dump(_config(names)))
    test_env = {n: v for n, v, keep in zip(names, values, in_test_env, strict=False) if keep}
    for name, value in zip(names, env_values, strict=False):
        monkeypatch.setenv(name, value)  # the real environment: never read for these
    effective = effective_config(config, test_env)
    # Environment values never enter the config the suite runs under.
    assert not any(v in json.dumps(effective.config) for v in env_values)
    run = ContractRun(
        results=(ContractResult("test_in_process_mount", "passed", "", "suite", 0.1,
                                (("model_groups", str(len(effective.config["model_list"]))),)),),
        litellm_version="1.2.0", duration_s=1.0, settings=effective.settings,
        proxy_config=str(config),
    )
    shown = _outputs(run) + repr(effective) + repr(effective.settings)
    for value in [*test_env.values(), *env_values]:
        assert value not in shown


@pytest.mark.parametrize("table", [
    'test-env = ["zqSECRETarray0001Q9"]',
    'test-env = "zqSECRETstring001Q9"',
    "[tool.nemoctl.contracts.test-env]\nA = [\"zqSECRETinarray01Q9\"]",
    "[tool.nemoctl.contracts.test-env]\nA = { B = \"zqSECRETnested001Q9\" }",
    "[tool.nemoctl.contracts.test-env]\nA = 990000000000001",
])
def test_a_malformed_test_env_is_named_not_echoed(cli, project: Path, table: str) -> None:  # type: ignore[no-untyped-def]
    body = table if table.startswith("[") else f"[tool.nemoctl.contracts]\n{table}"
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write(f"\n{body}\n")
    for args in (["contracts", "run"], ["check"]):
        result = cli(args, cwd=project)
        assert result.code == 2, result.text
        assert "test-env" in result.text
        assert "zqSECRET" not in result.text and "990000000000001" not in result.text


def _walk(obj: Any, seen: set[int], depth: int = 0) -> list[str]:
    """Every str/bytes reachable through attributes, slots, dicts and sequences."""
    if id(obj) in seen or depth > 12:
        return []
    seen.add(id(obj))
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, bytes | bytearray):
        return [bytes(obj).decode("latin-1")]
    found: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            found += _walk(k, seen, depth + 1) + _walk(v, seen, depth + 1)
        return found
    if isinstance(obj, list | tuple | set | frozenset):
        for v in obj:
            found += _walk(v, seen, depth + 1)
        return found
    if isinstance(obj, httpx.Headers):
        return [f"{k}: {v}" for k, v in obj.multi_items()]
    if isinstance(obj, int | float | bool | type(None)):
        return []
    attrs = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot):
                attrs[slot] = getattr(obj, slot)
    for v in attrs.values():
        found += _walk(v, seen, depth + 1)
    return found


@pytest.mark.parametrize("key", ["sk-zqRAWKEYq1w2e3r4t5y6", "plain-token-zq77aa88bb99"])
def test_no_attribute_of_the_sdk_client_holds_the_key(key: str) -> None:
    from nemoctl.client import AsyncGateway, Gateway

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {key}"  # it is still sent
        return httpx.Response(200, json={"object": "list", "data": []})

    with Gateway(base_url="http://gw.test", api_key=key, max_retries=0,
                 http_client=httpx.Client(transport=httpx.MockTransport(answer))) as gw:
        assert not any(key in s for s in _walk(vars(gw), set()))
        gw.models.list()
        assert not any(key in s for s in _walk(gw, set()))
        assert key not in repr(vars(gw)) and key not in str(vars(gw))
    agw = AsyncGateway(base_url="http://gw.test", api_key=key)
    assert not any(key in s for s in _walk(agw, set()))


@pytest.mark.slow
def test_contracts_run_prints_no_planted_value_end_to_end(  # type: ignore[no-untyped-def]
        cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real suite (on the fake LiteLLM) under a config taking a value from every place."""
    repo = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("PYTHONPATH", str(repo / "tests" / "contracts" / "fake_litellm"))
    names = ["OPENAI_API_KEY", "LITELLM_MASTER_KEY", "MODEL_ALIAS", "TEAM"]
    test_env = {n: f"zqTESTENV{i}value{n}Q9" for i, n in enumerate(names[:3])}
    env = {n: f"evENVIRON{i}value{n}Q9" for i, n in enumerate(names)}
    (project / "deploy").mkdir()
    (project / "deploy" / "litellm.yaml").write_text(yaml.safe_dump(_config(names)))
    table = "\n".join(f'{k} = "{v}"' for k, v in test_env.items())
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[tool.nemoctl.contracts]\nproxy-config = "deploy/litellm.yaml"\n'
                 f"\n[tool.nemoctl.contracts.test-env]\n{table}\n")
    for fmt in ("human", "json"):
        result = cli(["contracts", "run", "--format", fmt, "--models-dir",
                      str(repo / "generated" / "python")], cwd=project, env=env)
        assert result.code in (0, 5), result.text[-2000:]
        assert "replaced" in result.text or '"replaced"' in result.text
        for value in [*test_env.values(), *env.values()]:
            assert value not in result.text, (fmt, value)
