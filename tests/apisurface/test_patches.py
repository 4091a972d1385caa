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


def test_a_literal_no_longer_admitted(tmp_path: Path) -> None:
    """No release pair tested here narrows a Literal, so the new side is the real
    1.106.0 module with one Literal narrowed (as the schema rules' tests mutate a real
    schema); the old side is the real module."""
    from tests.apisurface.conftest import real_tree

    rel = "litellm/assistants/main.py"
    old = subset_inventory("1.106.0", (rel,), tmp_path / "old")
    text = (real_tree("1.106.0") / rel).read_text(encoding="utf-8")
    narrowed = text.replace('Literal["openai", "azure"]', 'Literal["openai"]')
    assert narrowed != text
    (tmp_path / "new" / "litellm" / "assistants").mkdir(parents=True)
    (tmp_path / "new" / rel).write_text(narrowed, encoding="utf-8")
    new = build_inventory(tmp_path / "new", "litellm", "9.9.9")
    code = (b"from litellm.assistants.main import create_thread\n"
            b"create_thread(custom_llm_provider='azure')\n"
            b"create_thread(custom_llm_provider=\"openai\")\n")
    report = judge(usage_of(code), old, new)
    (f,) = report.findings
    assert (f.rule_id, f.subject, f.used_at[0].line, f.before) == (
        "API_LITERAL_NOT_ADMITTED", "litellm.assistants.main.create_thread", 2, "'azure'")
    assert judge(usage_of(code), old, old).findings == ()


def _mutated(tmp_path: Path, rel: str, edits: list[tuple[str, str]]) -> Inventory:
    from tests.apisurface.conftest import real_tree

    text = (real_tree("1.106.0") / rel).read_text(encoding="utf-8")
    for before, after in edits:
        assert before in text, before
        text = text.replace(before, after, 1)
    (tmp_path / "new" / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "new" / rel).write_text(text, encoding="utf-8")
    return build_inventory(tmp_path / "new", "litellm", "9.9.9")


def test_hook_removed_and_sync_async_kind_change(tmp_path: Path) -> None:
    rel = "litellm/integrations/custom_logger.py"
    old = subset_inventory("1.106.0", (rel,), tmp_path / "old")
    new = _mutated(tmp_path, rel, [
        ("async def async_log_success_event(", "async def async_log_success_event_v2("),
        ("async def async_post_call_success_hook(", "def async_post_call_success_hook(")])
    code = (b"from litellm.integrations.custom_logger import CustomLogger\n"
            b"class Spend(CustomLogger):\n"
            b"    async def async_log_success_event(self, kwargs, response_obj, s, e):\n"
            b"        pass\n"
            b"    async def async_post_call_success_hook(self, data, user_api_key_dict, r):\n"
            b"        return r\n")
    got = {(f.rule_id, f.used_at[0].line) for f in judge(usage_of(code), old, new).findings}
    assert got == {("API_HOOK_REMOVED", 3), ("API_OVERRIDE_KIND_CHANGED", 5)}
    lost = _mutated(tmp_path / "b", rel, [("class CustomLogger:", "CustomLogger = 1\nclass _X:")])
    got = {(f.rule_id, f.used_at[0].line) for f in judge(usage_of(code), old, lost).findings}
    assert got == {("API_BASE_CHANGED", 2), ("API_HOOK_REMOVED", 3), ("API_HOOK_REMOVED", 5)}


def test_module_globals_read_written_and_defaults(tmp_path: Path) -> None:
    rel = "litellm/constants.py"
    old = subset_inventory("1.106.0", (rel,), tmp_path / "old")
    new = _mutated(tmp_path, rel, [
        ('int(os.getenv("DEFAULT_MAX_RETRIES", 2))', 'int(os.getenv("DEFAULT_MAX_RETRIES", 3))'),
        ("DEFAULT_BATCH_SIZE: Final =", "_DEFAULT_BATCH_SIZE: Final =")])
    code = (b"import litellm.constants as c\n"
            b"retries = c.DEFAULT_MAX_RETRIES\n"
            b"size = c.DEFAULT_BATCH_SIZE\n"
            b"c.DEFAULT_BATCH_SIZE = 64\n")
    got = {(f.rule_id, f.severity, f.used_at[0].line)
           for f in judge(usage_of(code), old, new).findings}
    assert got == {("API_GLOBAL_DEFAULT_CHANGED", "WARN", 2),
                   ("API_GLOBAL_READ_REMOVED", "ERR", 3),
                   ("API_GLOBAL_WRITE_REMOVED", "WARN", 4)}


def test_a_wheel_without_the_package_or_with_a_broken_init_is_unreadable(
        tmp_path: Path) -> None:
    empty = build_inventory(tmp_path / "none", "litellm", "9.9.9")
    assert empty.unloaded == {"litellm": "the wheel has no litellm/ package directory"}
    (tmp_path / "broken" / "litellm").mkdir(parents=True)
    (tmp_path / "broken" / "litellm" / "__init__.py").write_bytes(b"def (\n")
    broken = build_inventory(tmp_path / "broken", "litellm", "9.9.9")
    assert "litellm" in broken.unloaded
    old = subset_inventory("1.106.0", ("litellm/scheduler.py",), tmp_path / "old")
    (f,) = judge(usage_of(b"from litellm.scheduler import Scheduler\n"), old, broken).findings
    assert f.rule_id == "API_MODULE_UNREADABLE"
