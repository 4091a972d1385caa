"""The ``surfaces`` step: every gate in ``nemoctl.surfaces.GATES`` judges the move, its
report lands in the upgrade report, and a blocking finding refuses the upgrade (exit 4)
before anything is written.

The gate here is small but real: it parses the consumer's Python with ``ast`` for
``litellm.<name>`` attributes and the target wheel's ``litellm/__init__.py`` for the
names it defines; a used name the target no longer defines is an ERR finding at the
line that uses it.  (Release 1.4.0 of the local index drops ``completion_cost``, which
the consumer's ``backend/billing.py`` calls.)
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

import nemoctl.findings.spec as spec_registry
import nemoctl.surfaces
from nemoctl.ci.run import run_ci
from nemoctl.config import load_config
from nemoctl.errors import ExitCode
from nemoctl.findings import Location, RuleSpec, SurfaceReport, make_finding, register
from nemoctl.findings.surface import SurfaceContext
from nemoctl.render.ci import to_annotations, to_markdown
from nemoctl.render.upgrade import render_human
from nemoctl.upgrade import UpgradeOptions, run_upgrade
from nemoctl.upgrade.bump import plan_bump
from tests.upgrade.conftest import Consumer, git

RULE = RuleSpec(
    id="STEPS_TEST_NAME_REMOVED", surface="api", severity="ERR",
    summary="a litellm name the project uses is gone in the target version",
    rationale="the project's call fails with AttributeError after the upgrade",
    fix="stop using the name, or stay on the current pin",
)


def _defined_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


class RemovedNamesGate:
    """``litellm.X`` used in the project, ``X`` absent from the target's ``__init__``."""

    name = "api"

    def judge(self, ctx: SurfaceContext) -> SurfaceReport:
        from nemoctl.upstream import fetch_wheel, read_member

        assert ctx.target_version is not None
        wheel = fetch_wheel("litellm", ctx.target_version)
        defined = _defined_names(read_member(wheel.path, "litellm/__init__.py").decode())
        findings = []
        for path in sorted(ctx.root.rglob("*.py")):
            rel = path.relative_to(ctx.root).as_posix()
            if rel.startswith((".git/", ".nemoctl/", "generated/")):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "litellm" and node.attr not in defined):
                    findings.append(make_finding(
                        RULE.id, message=f"litellm.{node.attr} is gone in {ctx.target_version}",
                        key_parts=(node.attr,), severities=ctx.severities,
                        location=Location(rel, node.lineno, node.col_offset + 1),
                    ))
        return SurfaceReport("api", tuple(findings),
                             notes=(f"read {wheel.path.name}",))


BILLING = """\
import litellm


def cost(prompt: int, completion: int) -> float:
    return litellm.completion_cost(prompt, completion)
"""


@pytest.fixture
def gate(consumer: Consumer, monkeypatch: pytest.MonkeyPatch) -> Iterator[RemovedNamesGate]:
    """The test gate in GATES, and a consumer whose backend calls litellm.completion_cost."""
    (consumer.root / "backend").mkdir()
    (consumer.root / "backend" / "billing.py").write_text(BILLING)
    git(consumer.root, "add", "-A")
    git(consumer.root, "commit", "-qm", "billing uses litellm.completion_cost")
    # The rule and the gate exist for this test only: its registry entry and GATES are
    # restored afterwards (only that entry: rules other modules register meanwhile stay).
    monkeypatch.setitem(spec_registry._REGISTRY, RULE.id, RULE)
    assert register(RULE) is RULE  # validated like any rule
    g = RemovedNamesGate()
    monkeypatch.setattr(nemoctl.surfaces, "GATES", (g,))
    yield g


def test_blocking_surface_refuses_before_anything_is_written(
    consumer: Consumer, gate: RemovedNamesGate,
) -> None:
    before, head = consumer.hashes(), consumer.head()
    report = run_upgrade(UpgradeOptions(version="1.4.0"), root=consumer.root)

    assert report.exit_code == ExitCode.BLOCKED, report.error
    assert report.error is not None and "STEPS_TEST_NAME_REMOVED" in report.error.message
    assert "backend/billing.py:5" in report.error.message
    assert report.surfaces is not None
    (api,) = report.surfaces.reports
    assert api.blocking and [(f.location.path, f.location.line) for f in api.findings
                             if f.location] == [("backend/billing.py", 5)]
    steps = [(s.name, s.status) for s in report.steps]
    assert steps[-1] == ("surfaces", "failed") and "bump" not in dict(steps)
    data = report.to_dict()
    assert data["surfaces"]["api"]["blocking"] is True
    assert data["surfaces"]["api"]["findings"][0]["rule_id"] == "STEPS_TEST_NAME_REMOVED"
    assert consumer.hashes() == before and consumer.head() == head

    console = Console(record=True, width=200, color_system=None)
    render_human(report, console)
    text = console.export_text()
    assert "api: 1 ERR" in text
    assert "✗ ERR STEPS_TEST_NAME_REMOVED backend/billing.py:5: litellm.completion_cost is gone" \
        in text


def test_passing_surface_is_reported_and_the_upgrade_goes_on(
    consumer: Consumer, gate: RemovedNamesGate,
) -> None:
    report = run_upgrade(UpgradeOptions(version="1.1.0", dry_run=True), root=consumer.root)
    assert report.exit_code == ExitCode.OK, report.error
    step = next(s for s in report.steps if s.name == "surfaces")
    assert step.status == "ok" and step.detail == "api: no findings"
    assert report.to_dict()["surfaces"]["api"]["findings"] == []
    assert report.to_dict()["surfaces"]["api"]["notes"] == [
        "read litellm-1.1.0-py3-none-any.whl"]


def test_ci_shows_surface_findings_in_markdown_and_annotations(
    consumer: Consumer, gate: RemovedNamesGate,
) -> None:
    base = consumer.head()
    git(consumer.root, "checkout", "-qb", "bump-litellm")
    _, files = plan_bump(consumer.root, {"litellm": "1.4.0", "litellm-proxy-extras": "0.1.4"})
    for path, data in files.items():
        path.write_bytes(data)
    git(consumer.root, "commit", "-qam", "bump litellm to 1.4.0")

    result = run_ci(load_config(consumer.root), base=base, contracts=False)

    assert result.exit_code == ExitCode.BLOCKED
    (verification,) = result.verifications
    assert verification.report is not None and verification.report.surfaces is not None
    markdown = to_markdown(result)
    assert "#### api" in markdown
    assert "| STEPS_TEST_NAME_REMOVED | ⛔ ERR | `backend/billing.py:5` |" in markdown
    annotations = to_annotations(result).splitlines()
    assert any(a.startswith("::error file=backend/billing.py,line=5,")
               and "STEPS_TEST_NAME_REMOVED" in a for a in annotations), annotations


def test_cli_json_carries_every_registered_gate(consumer: Consumer) -> None:
    # A separate process: the registered gates (not the test's) judge, each by name.
    from nemoctl.surfaces import GATES as registered

    names = {g.name for g in registered}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "nemoctl"), "upgrade", "1.1.0", "--dry-run",
         "--json"], cwd=consumer.root, env=consumer.env, text=True, capture_output=True)
    data = json.loads(proc.stdout)
    assert set(data["surfaces"]) == names
    assert all(report["surface"] == name for name, report in data["surfaces"].items())
    (step,) = [s for s in data["steps"] if s["name"] == "surfaces"]
    assert step["status"] == ("ok" if names else "skipped")
    blocking = [n for n, r in data["surfaces"].items() if r["blocking"]]
    assert (proc.returncode == 4) == bool(blocking), proc.stderr
