"""Findings judged by use, on a small real subset of two real release pairs (fast).

The inventories hold only the modules the reference consumer's breaking uses live in,
copied from the real wheels: griffe reads them in well under a second, and every
assertion below is about real LiteLLM code.  tests/apisurface/test_real_pairs.py checks
the same findings against whole-wheel inventories (slow).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.apisurface.inventory import Inventory
from nemoctl.apisurface.judge import judge
from nemoctl.apisurface.model import ApiUsage
from tests.apisurface.conftest import HOOKS_PATH, line_of, subset_inventory

PAIR_A = ("1.102.4", "1.106.0")
PAIR_B = ("1.106.0", "1.110.2")
FILES_A = ("litellm/__init__.py", "litellm/main.py", "litellm/scheduler.py",
           "litellm/caching/caching.py", "litellm/types/utils.py")
FILES_B = ("litellm/integrations/custom_guardrail.py", "litellm/integrations/custom_logger.py",
           "litellm/caching/__init__.py", "litellm/caching/disk_cache.py",
           "litellm/proxy/_types.py", "litellm/types/proxy/auth/user_api_key_auth.py")


def _subset(version: str, files: tuple[str, ...], into: Path) -> Inventory:
    from tests.apisurface.conftest import real_tree

    present = tuple(f for f in files if (real_tree(version) / f).is_file())
    return subset_inventory(version, present, into)


@pytest.fixture(scope="module")
def pair_a(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inventory, Inventory]:
    root = tmp_path_factory.mktemp("pair-a")
    return _subset(PAIR_A[0], FILES_A, root), _subset(PAIR_A[1], FILES_A, root)


@pytest.fixture(scope="module")
def pair_b(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inventory, Inventory]:
    root = tmp_path_factory.mktemp("pair-b")
    return _subset(PAIR_B[0], FILES_B, root), _subset(PAIR_B[1], FILES_B, root)


def found(report_findings: object) -> set[tuple[str, str, tuple[int, ...]]]:
    return {(f.rule_id, f.subject, tuple(p.line for p in f.used_at))
            for f in report_findings}  # type: ignore[attr-defined]


#: (proxy_server.py is left out of the fast subset: its findings are in test_real_pairs.)
EXPECTED_A = {
    ("API_SYMBOL_REMOVED", "litellm.caching.caching.all_litellm_params",
     (line_of("import all_litellm_params"),)),
    ("API_KEYWORD_REMOVED", "litellm.scheduler.Scheduler.poll", (line_of("scheduler.poll("),)),
    ("API_REQUIRED_PARAM_ADDED", "litellm.scheduler.Scheduler.poll",
     (line_of("scheduler.poll("),)),
    ("API_DEFAULT_CHANGED", "litellm.ahealth_check", (line_of("litellm.ahealth_check("),)),
}
EXPECTED_B = {
    ("API_SYMBOL_REMOVED", "litellm.caching.disk_cache.DiskCache",
     (line_of("import DiskCache"), line_of("DiskCache(disk_cache_dir"))),
    ("API_HOOK_SIGNATURE_CHANGED",
     "litellm.integrations.custom_guardrail.CustomGuardrail.mark_pre_call_hook_ran",
     (line_of("def mark_pre_call_hook_ran"),)),
    ("API_OVERRIDE_KIND_CHANGED",
     "litellm.integrations.custom_guardrail.CustomGuardrail.uses_apply_guardrail_interface",
     (line_of("def uses_apply_guardrail_interface"),)),
}


def test_pair_a_findings_at_the_consumers_lines(pair_a: tuple[Inventory, Inventory],
                                                hooks_usage: ApiUsage) -> None:
    report = judge(hooks_usage, *pair_a)
    assert found(report.findings) == EXPECTED_A
    by_rule = {(f.rule_id, f.before or f.after) for f in report.findings}
    assert {("API_KEYWORD_REMOVED", "id"), ("API_KEYWORD_REMOVED", "model_name"),
            ("API_REQUIRED_PARAM_ADDED", "request")} <= by_rule
    (default,) = [f for f in report.findings if f.rule_id == "API_DEFAULT_CHANGED"]
    assert (default.before, default.after) == ("'chat'", "None")
    assert default.severity == "WARN" and not default.blocking
    assert report.blocking and all(f.usage == "used" for f in report.findings)
    assert all(f.location is not None and f.location.path == HOOKS_PATH
               for f in report.findings)


def test_pair_b_findings_and_no_finding_for_a_reexported_move(
        pair_b: tuple[Inventory, Inventory], hooks_usage: ApiUsage) -> None:
    old, new = pair_b
    # The move is real: UserAPIKeyAuth is defined elsewhere in the new release …
    assert old.resolve("litellm.proxy._types.UserAPIKeyAuth").obj.path == \
        "litellm.proxy._types.UserAPIKeyAuth"  # type: ignore[union-attr]
    assert new.resolve("litellm.proxy._types.UserAPIKeyAuth").obj.path == \
        "litellm.types.proxy.auth.user_api_key_auth.UserAPIKeyAuth"  # type: ignore[union-attr]
    report = judge(hooks_usage, old, new)
    # … and still importable from the path the code uses: not a finding.
    assert found(report.findings) == EXPECTED_B
    assert not any("UserAPIKeyAuth" in f.subject for f in report.findings)


def test_unused_breakages_are_counted_not_listed_unless_asked(
        pair_b: tuple[Inventory, Inventory], hooks_usage: ApiUsage) -> None:
    report = judge(hooks_usage, *pair_b)
    assert report.unused_changes > 0
    assert not any(f.rule_id == "API_UNUSED_CHANGE" for f in report.findings)
    listed = judge(hooks_usage, *pair_b, list_unused=True)
    unused = [f for f in listed.findings if f.rule_id == "API_UNUSED_CHANGE"]
    assert len(unused) == report.unused_changes
    assert all(f.usage == "unused" and not f.blocking for f in unused)
    # The removed, unused CustomGuardrail helpers are among them; the used ones are not.
    subjects = {f.subject for f in unused}
    assert "litellm.caching.disk_cache.DiskCache" not in subjects
    assert any(s.startswith("litellm.integrations.custom_guardrail.") for s in subjects)


def test_a_consumer_using_only_unchanged_api_gets_no_findings(
        pair_a: tuple[Inventory, Inventory]) -> None:
    from tests.apisurface.conftest import usage_of

    usage = usage_of(b"import litellm\nfrom litellm.scheduler import Scheduler\n"
                     b"s = Scheduler(polling_interval=0.01)\n")
    report = judge(usage, *pair_a)
    assert report.findings == () and not report.blocking and report.unused_changes > 0


def test_star_import_and_getattr_report_possible_uses_at_their_severity(
        pair_a: tuple[Inventory, Inventory]) -> None:
    from tests.apisurface.conftest import usage_of

    usage = usage_of(b"from litellm.caching.caching import *\n")
    report = judge(usage, *pair_a)
    (f,) = [f for f in report.findings if f.subject.endswith("all_litellm_params")]
    assert f.rule_id == "API_SYMBOL_REMOVED" and f.severity == "ERR"
    assert f.usage == "possibly used" and "star import" in f.usage_reason
    assert f.used_at[0].line == 1
    dynamic = judge(usage_of(b"import litellm.caching.caching as c\nn = 'x'\n"
                             b"getattr(c, n)\n"), *pair_a)
    assert {(f.subject, f.usage, f.used_at[0].line) for f in dynamic.findings} >= {
        ("litellm.caching.caching.all_litellm_params", "possibly used", 3)}
