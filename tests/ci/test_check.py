"""``nemoctl check`` on a real consumer project: each check passes, then fails for the
reason it exists, and reports that reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.check import run_check
from nemoctl.config import load_config
from nemoctl.errors import ExitCode
from nemoctl.render.check import to_github, to_text
from tests.ci.conftest import CONTRACT, Upstream
from tests.ci.gitrepo import ProjectRepo, pyproject

NEMOCTL = str(Path(sys.executable).parent / "nemoctl")


def _statuses(project: ProjectRepo, **kwargs: object) -> dict[str, str]:
    report = run_check(load_config(project.root), **kwargs)  # type: ignore[arg-type]
    return {item.name: item.status for item in report.items}


def test_a_consistent_project_passes(project: ProjectRepo, upstream: Upstream) -> None:
    report = run_check(load_config(project.root))
    assert report.ok, to_text(report)
    assert report.exit_code == ExitCode.OK
    assert {i.name: i.status for i in report.items} == {
        "lock": "ok", "generated": "ok", "sacred": "ok", "supply-chain": "ok",
        "requirements": "skipped",  # pins only in pyproject.toml
        "provenance": "ok",  # LiteLLM from the index, no patch
        "integrity": "skipped",  # no project environment
    }
    assert to_github(report) == ""


def test_a_hand_edited_generated_file_fails(project: ProjectRepo) -> None:
    target = next((project.root / "generated").rglob("*.py"))
    target.write_text(target.read_text() + "\n# edited by hand\n")
    report = run_check(load_config(project.root), skip=["supply-chain"])
    assert report.exit_code == ExitCode.FINDINGS
    rel = target.relative_to(project.root).as_posix()
    assert f"generated: {rel} differs from what the pinned schema generates" in report.problems
    assert _statuses(project, skip=["supply-chain"])["lock"] == "ok"


def test_a_leftover_generated_file_fails(project: ProjectRepo) -> None:
    some = next((project.root / "generated").rglob("*.py"))
    leftover = some.parent / "litellm_removedmodel.py"
    leftover.write_text("# a model upstream removed\n")
    report = run_check(load_config(project.root), skip=["supply-chain"])
    assert any("is no longer generated" in p and leftover.name in p for p in report.problems)


def test_a_pin_moved_without_regenerating_fails_the_lock(project: ProjectRepo) -> None:
    (project.root / "pyproject.toml").write_text(
        pyproject("1.106.0", "0.4.105", extra_toml=CONTRACT)
    )
    report = run_check(load_config(project.root), skip=["supply-chain", "generated"])
    assert report.exit_code == ExitCode.FINDINGS
    (problem,) = [p for p in report.problems if p.startswith("lock:")]
    assert "records litellm 1.102.4 but the pins name 1.106.0" in problem


def test_a_sacred_field_missing_from_the_snapshot_fails(project: ProjectRepo) -> None:
    sacred = project.root / "schemas" / "sacred_fields.toml"
    sacred.write_text(sacred.read_text() + (
        '\n[[field]]\nmodel = "LiteLLM_SpendLogs"\nfield = "invoice_id"\ntype = "String"\n'
        'owner = "billing"\nreason = "not in this schema"\n'
    ))
    report = run_check(load_config(project.root), skip=["supply-chain"])
    (problem,) = [p for p in report.problems if p.startswith("sacred:")]
    assert "LiteLLM_SpendLogs.invoice_id" in problem


def test_a_replaced_cached_wheel_and_an_advisory_fail_supply_chain(
    project: ProjectRepo, upstream: Upstream
) -> None:
    assert run_check(load_config(project.root)).ok  # warms the wheel cache
    advisories = project.root / "schemas" / "advisories.json"
    advisories.write_text(json.dumps({"vulns": [{
        "id": "GHSA-test-0001", "summary": "spend logs leak keys",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "litellm"},
                      "versions": ["1.102.4"]}],
    }]}))
    pyproject_path = project.root / "pyproject.toml"
    pyproject_path.write_text(pyproject_path.read_text().replace(
        '[tool.nemoctl]\n', '[tool.nemoctl]\nadvisories = "schemas/advisories.json"\n'
    ))
    report = run_check(load_config(project.root), offline=True)
    supply = [p for p in report.problems if p.startswith("supply-chain:")]
    assert any("GHSA-test-0001" in p and "1.102.4" in p for p in supply), supply


def test_cli_exit_codes_and_no_network_needed_offline(project: ProjectRepo) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    ok = subprocess.run([NEMOCTL, "check", "--skip", "supply-chain"], cwd=project.root,
                        capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK" in ok.stdout
    (project.root / "schemas" / "lock.json").unlink()
    bad = subprocess.run([NEMOCTL, "check", "--offline", "--format", "json"], cwd=project.root,
                         capture_output=True, text=True, env=env)
    assert bad.returncode == int(ExitCode.FINDINGS)
    data = json.loads(bad.stdout)
    assert any("lock.json is missing" in p for p in data["problems"])
    usage = subprocess.run([NEMOCTL, "check", "--skip", "nope"], cwd=project.root,
                           capture_output=True, text=True, env=env)
    assert usage.returncode == int(ExitCode.BAD_INPUT)
    assert "unknown check" in usage.stderr


def test_generated_bytes_do_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `nemoctl check` runs from a consumer's root (pre-commit, CI), whose pyproject.toml
    # may configure formatters; the generated bytes must not change with it.
    from tests.ci.conftest import SCHEMA_OLD, render_fresh

    consumer = tmp_path / "consumer"
    consumer.mkdir()
    (consumer / "pyproject.toml").write_text(
        '[project]\nname = "c"\nversion = "0"\n[tool.ruff]\nline-length = 100\n'
    )
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    here = render_fresh("1.102.4", SCHEMA_OLD, "0" * 64)
    monkeypatch.chdir(consumer)
    there = render_fresh("1.102.4", SCHEMA_OLD, "0" * 64)
    differing = sorted(k for k in here if here[k] != there[k])
    assert differing == [], (
        "codegen output depends on the current directory's pyproject.toml (the builtin "
        "formatter of datamodel-code-generator reads line-length from the cwd; pass a fixed "
        f"settings_path / line length): {differing}"
    )


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
