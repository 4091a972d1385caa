"""Runtime patches of LiteLLM (issue 25's "no runtime patches") against a real release,
told apart from LiteLLM's documented module-level settings; and bad wheel sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.apisurface.inventory import Inventory, build_inventory
from nemoctl.apisurface.judge import judge
from tests.apisurface.conftest import subset_inventory, usage_of

FILES = ("litellm/__init__.py", "litellm/utils.py", "litellm/proxy/auth/user_api_key_auth.py")

PATCHING = b'''\
import litellm
import litellm.utils
from litellm.proxy.auth import user_api_key_auth as auth
from unittest import mock


async def our_auth(request, api_key):
    return None


litellm.drop_params = True
litellm.num_retries = 0
litellm.success_callback = ["langfuse"]
setattr(litellm, "drop_params", True)
auth.user_api_key_auth = our_auth
litellm.utils.get_llm_provider = lambda model, **kw: ("gpt-4o", "openai", None, None)
setattr(litellm.utils, "token_counter", our_auth)
del litellm.utils.completion_cost
mock.patch("litellm.utils.supports_function_calling", return_value=True).start()
'''


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    return subset_inventory("1.106.0", FILES, tmp_path_factory.mktemp("patches"))


def test_patches_are_errors_and_settings_are_configuration(current: Inventory) -> None:
    report = judge(usage_of(PATCHING, "backend/auth.py"), current, None)
    got = sorted((f.rule_id, f.subject, f.used_at[0].line, f.severity)
                 for f in report.findings)
    lines = PATCHING.decode().splitlines()

    def line(text: str) -> int:
        return next(i for i, s in enumerate(lines, 1) if s.startswith(text))

    assert got == sorted([
        ("API_RUNTIME_PATCH", "litellm.proxy.auth.user_api_key_auth.user_api_key_auth",
         line("auth.user_api_key_auth ="), "ERR"),
        ("API_RUNTIME_PATCH", "litellm.utils.get_llm_provider",
         line("litellm.utils.get_llm_provider ="), "ERR"),
        ("API_RUNTIME_PATCH", "litellm.utils.token_counter", line("setattr(litellm.utils"),
         "ERR"),
        ("API_RUNTIME_PATCH", "litellm.utils.completion_cost", line("del litellm"), "ERR"),
        ("API_RUNTIME_PATCH", "litellm.utils.supports_function_calling", line("mock.patch"),
         "ERR"),
    ])
    assert report.blocking


def test_patches_in_tests_are_not_findings(current: Inventory) -> None:
    report = judge(usage_of(PATCHING, "tests/test_auth.py"), current, None)
    assert report.findings == ()


def test_a_patch_can_be_acknowledged(current: Inventory) -> None:
    from datetime import date

    from nemoctl.findings import apply_acknowledgements, parse_acknowledgements

    report = judge(usage_of(PATCHING, "backend/auth.py"), current, None)
    target = next(f for f in report.findings if f.subject.endswith("get_llm_provider"))
    acks = parse_acknowledgements({"ack": [{"fingerprint": target.fingerprint,
                                            "rule": "API_RUNTIME_PATCH",
                                            "reason": "provider routing; upstream PR open"}]})
    judged, _statuses = apply_acknowledgements(report.findings, acks, today=date(2026, 12, 6),
                                               surfaces=("api",))
    assert [f.subject for f in judged if f.acknowledged] == ["litellm.utils.get_llm_provider"]
    assert any(f.blocking for f in judged)  # the other patches still block


def test_a_severity_override_relevels_the_patch_rule(current: Inventory) -> None:
    report = judge(usage_of(PATCHING, "backend/auth.py"), current, None,
                   severities={"API_RUNTIME_PATCH": "WARN"})
    assert {f.severity for f in report.findings} == {"WARN"} and not report.blocking


def test_wheel_sources_that_do_not_parse_are_reported(tmp_path: Path) -> None:
    from tests.apisurface.conftest import real_tree

    tree = tmp_path / "wheel"
    (tree / "litellm" / "caching").mkdir(parents=True)
    real = real_tree("1.106.0") / "litellm" / "caching" / "disk_cache.py"
    (tree / "litellm" / "caching" / "disk_cache.py").write_bytes(real.read_bytes())
    # The same module, truncated mid-definition: a wheel whose source does not parse.
    broken = real.read_bytes().split(b"def ", 2)
    (tree / "litellm" / "caching" / "broken.py").write_bytes(broken[0] + b"def (")
    inv = build_inventory(tree, "litellm", "9.9.9")
    assert inv.unloaded.keys() == {"litellm.caching.broken"}
    assert inv.unloaded["litellm.caching.broken"].startswith("syntax error at line")
    old = subset_inventory("1.106.0", ("litellm/caching/disk_cache.py",
                                       "litellm/caching/caching.py"), tmp_path / "old")
    (tree / "litellm" / "caching" / "caching.py").write_bytes(b"def (")
    new = build_inventory(tree, "litellm", "9.9.9")
    report = judge(usage_of(b"from litellm.caching.caching import Cache\n"), old, new)
    (f,) = report.findings
    assert f.rule_id == "API_MODULE_UNREADABLE" and f.severity == "ERR"
    assert "syntax error" in f.message
    assert any("could not be read" in n for n in report.notes)
