"""The whole upgrade against a local index of fake releases, for every failure mode.

Each failure asserts the repository is byte-identical afterwards (every file hashed,
HEAD unchanged, `git status` clean); the happy paths commit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from nemoctl.errors import ExitCode
from nemoctl.upgrade import UpgradeOptions, UpgradeReport, run_upgrade
from tests.support.pkgindex import LocalIndex
from tests.upgrade.conftest import Consumer, git, make_consumer


def upgrade(consumer: Consumer, version: str, **kwargs: Any) -> UpgradeReport:
    return run_upgrade(UpgradeOptions(version=version, **kwargs), root=consumer.root)


def assert_untouched(consumer: Consumer, before: dict[str, str], head: str) -> None:
    assert consumer.hashes() == before
    assert consumer.head() == head
    assert consumer.status() == ""
    assert not (consumer.root / ".nemoctl" / "txn").exists()


@pytest.fixture
def snapshot(consumer: Consumer) -> tuple[dict[str, str], str]:
    return consumer.hashes(), consumer.head()


# -- refused before anything is written -----------------------------------------------


def test_invalid_version_exits_2(consumer: Consumer, snapshot: tuple[dict[str, str], str]) -> None:
    proc = consumer.cli("litellm", "1.x.y")
    assert proc.returncode == ExitCode.BAD_INPUT, proc.stderr
    assert "'1.x.y' is not a valid version" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert_untouched(consumer, *snapshot)


def test_not_newer_exits_2(consumer: Consumer, snapshot: tuple[dict[str, str], str]) -> None:
    report = upgrade(consumer, "0.9.0")
    assert report.exit_code == ExitCode.BAD_INPUT
    assert "older than the pinned 1.0.0" in report.error.message
    assert_untouched(consumer, *snapshot)


def test_dirty_tree_exits_2(consumer: Consumer) -> None:
    (consumer.root / "contracts" / "check.py").write_text("# local edit\n")
    before, head = consumer.hashes(), consumer.head()
    report = upgrade(consumer, "1.1.0")
    assert report.exit_code == ExitCode.BAD_INPUT
    assert "contracts/check.py" in report.error.message
    assert consumer.hashes() == before and consumer.head() == head


def test_malformed_pyproject_exits_2(consumer: Consumer) -> None:
    path = consumer.root / "pyproject.toml"
    path.write_text(path.read_text() + "\n[broken\n")
    git(consumer.root, "commit", "-qam", "break pyproject")
    before, head = consumer.hashes(), consumer.head()
    proc = consumer.cli("1.1.0", "--json")
    assert proc.returncode == ExitCode.BAD_INPUT
    assert "is not valid TOML" in json.loads(proc.stdout)["error"]["message"]
    assert_untouched(consumer, before, head)


def test_unresolvable_names_the_missing_coupled_package(
    consumer: Consumer, snapshot: tuple[dict[str, str], str]
) -> None:
    proc = consumer.cli("litellm", "1.5.0")
    assert proc.returncode == ExitCode.UNRESOLVABLE, proc.stderr
    assert "litellm-proxy-extras==0.1.5" in proc.stderr
    # The newest release that does resolve is suggested (1.4.0; 1.5.0 is the newest).
    assert "nemoctl upgrade litellm 1.4.0" in " ".join(proc.stderr.split())
    assert_untouched(consumer, *snapshot)


def test_latest_is_the_newest_release_that_resolves(consumer: Consumer) -> None:
    report = upgrade(consumer, "latest", dry_run=True)
    assert report.to_version == "1.4.0", report.error


def test_sacred_break_blocks_with_the_report(
    consumer: Consumer, snapshot: tuple[dict[str, str], str]
) -> None:
    proc = consumer.cli("1.2.0", "--json")
    assert proc.returncode == ExitCode.BLOCKED, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"]["blocking"] is True
    broken = [s for s in data["schema"]["sacred"] if s["blocking"]]
    assert [(s["model"], s["field"]) for s in broken] == [("LiteLLM_SpendLogs", "prompt_tokens")]
    assert "sacred" in data["error"]["message"]
    assert_untouched(consumer, *snapshot)


def test_yanked_release_is_refused_unless_allowed(
    consumer: Consumer, local_index: LocalIndex, snapshot: tuple[dict[str, str], str]
) -> None:
    local_index.yanked["litellm-1.1.0-py3-none-any.whl"] = "broken build"
    from nemoctl.upstream.index import clear_memo

    clear_memo()
    refused = upgrade(consumer, "1.1.0")
    assert refused.exit_code == ExitCode.UNRESOLVABLE, refused.error
    assert "yanked" in refused.error.message
    assert refused.supply_chain
    assert_untouched(consumer, *snapshot)
    allowed = upgrade(consumer, "1.1.0", allow_yanked=True, dry_run=True)
    assert allowed.exit_code == ExitCode.OK, allowed.error


def test_concurrent_run_refuses_naming_the_holder(
    consumer: Consumer, snapshot: tuple[dict[str, str], str]
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from nemoctl.repolock import repo_lock;"
         "lock = repo_lock(Path(sys.argv[1])); print('held', flush=True); time.sleep(60)",
         str(consumer.root)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        proc = consumer.cli("1.1.0")
        assert proc.returncode == ExitCode.BUSY
        assert f"pid {holder.pid}" in proc.stderr
    finally:
        holder.kill()
        holder.wait()
    assert_untouched(consumer, *snapshot)


def test_a_used_api_removal_blocks_before_any_write_and_can_be_acknowledged(
    consumer: Consumer, snapshot: tuple[dict[str, str], str]
) -> None:
    # 1.4.0 drops litellm.completion_cost, which the consumer's own Python reads: the
    # api surface (read from the wheels, never imported) blocks before the bump.
    proc = consumer.cli("1.4.0", "--json")
    assert proc.returncode == ExitCode.BLOCKED, proc.stderr
    data = json.loads(proc.stdout)
    api = data["surfaces"]["api"]
    assert api["blocking"] is True
    removed = [f for f in api["findings"] if f["rule_id"] == "API_SYMBOL_REMOVED"]
    assert removed and all(f["usage"] == "used" for f in removed)
    assert removed[0]["location"]["path"].endswith(".py") and removed[0]["location"]["line"]
    steps = {s["name"]: s["status"] for s in data["steps"]}
    assert steps["surfaces"] == "failed" and "bump" not in steps
    assert_untouched(consumer, *snapshot)
    # Acknowledged by fingerprint, the same finding no longer blocks the API gate.
    acks = consumer.root / "schemas" / "acknowledged.toml"
    acks.write_text((acks.read_text() if acks.exists() else "") + "".join(
        f'\n[[ack]]\nfingerprint = "{f["fingerprint"]}"\nrule = "API_SYMBOL_REMOVED"\n'
        'reason = "the billing job moves to the cost header in the same change"\n'
        for f in removed))
    git(consumer.root, "add", "-A")
    git(consumer.root, "commit", "-qm", "ack")
    again = json.loads(consumer.cli("1.4.0", "--json", "--dry-run").stdout)
    assert again["surfaces"]["api"]["blocking"] is False
    assert {a["state"] for a in again["acknowledgements"]
            if a["fingerprint"] in {f["fingerprint"] for f in removed}} == {"used"}


# -- failures after files were written: rolled back -------------------------------------


def test_contract_failure_rolls_back_and_names_the_contract(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1.4.0 drops litellm.completion_cost, which the contract script reads: the api
    # surface refuses that before anything is written (tests/upgrade/test_surfaces_step.py).
    # Without the gates, the contract gate catches it after the writes, and rolls back.
    import nemoctl.surfaces

    monkeypatch.setattr(nemoctl.surfaces, "GATES", ())
    report = upgrade(consumer, "1.4.0")
    assert report.exit_code == ExitCode.CONTRACTS_FAILED, report.error
    assert report.contracts is not None and report.contracts.outcome is not None
    assert report.contracts.outcome.failed == ("contract_completion_cost_exists",)
    assert "contract_completion_cost_exists" in report.error.message
    assert report.restored
    steps = {s.name: s.status for s in report.steps}
    assert steps["bump"] == steps["regenerate"] == "ok" and steps["contracts"] == "failed"
    assert_untouched(consumer, *snapshot)


def pause_at(consumer: Consumer, step: str, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    flag = tmp_path / f"pause-{step}"
    proc = consumer.cli("1.1.0", wait=False, extra_env={
        "NEMOCTL_TEST_PAUSE_AFTER": step, "NEMOCTL_TEST_PAUSE_FILE": str(flag)})
    assert isinstance(proc, subprocess.Popen)
    deadline = time.monotonic() + 120
    while not flag.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            _, err = proc.communicate()
            pytest.fail(f"never paused after {step}: {err}")
        time.sleep(0.05)
    return proc, flag


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_between_steps_restores(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path, sig: int
) -> None:
    proc, _ = pause_at(consumer, "regenerate", tmp_path)
    assert consumer.hashes() != snapshot[0]  # pins and generated files were written
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "restored" in err
    assert_untouched(consumer, *snapshot)


def test_sigkill_leaves_a_journal_that_recover_restores(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    proc, _ = pause_at(consumer, "bump", tmp_path)
    proc.kill()
    proc.communicate()
    assert consumer.hashes() != snapshot[0]
    assert (consumer.root / ".nemoctl" / "txn" / "journal.json").is_file()
    # A dry run refuses to plan over it; --recover restores it.
    dry = consumer.cli("1.1.0", "--dry-run")
    assert dry.returncode == ExitCode.BAD_INPUT and "--recover" in dry.stderr
    rec = consumer.cli("--recover")
    assert rec.returncode == 0, rec.stderr
    assert "restored an interrupted upgrade" in rec.stdout
    assert_untouched(consumer, *snapshot)


def test_next_upgrade_restores_a_killed_run_before_anything_else(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    proc, _ = pause_at(consumer, "regenerate", tmp_path)
    proc.kill()
    proc.communicate()
    report = upgrade(consumer, "0.9.0")  # fails in preflight, after the recovery
    assert report.recovery is not None and report.recovery.found
    assert any("interrupted upgrade" in w for w in report.warnings)
    assert_untouched(consumer, *snapshot)


# -- success ----------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_shows_the_plan(
    consumer: Consumer, snapshot: tuple[dict[str, str], str]
) -> None:
    proc = consumer.cli("1.1.0", "--dry-run", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["resolution"]["ok"] and data["coupled"] == {"litellm-proxy-extras": "0.1.1"}
    assert {e["new_text"] for e in data["pin_edits"]} == {
        "litellm[proxy]==1.1.0", "litellm-proxy-extras==0.1.1"}
    assert data["schema"]["changes"] and not data["schema"]["blocking"]
    assert_untouched(consumer, *snapshot)
    assert not (consumer.root / ".nemoctl").exists()


def changed_pyproject_lines(consumer: Consumer) -> list[str]:
    diff = git(consumer.root, "show", "--format=", "-U0", "HEAD", "--", "pyproject.toml")
    return [line for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize("style", ["uv", "poetry", "requirements"])
def test_happy_path_commits(tmp_path: Path, index_env: dict[str, str], style: str) -> None:
    consumer = make_consumer(tmp_path / style, style, index_env)
    base = consumer.head()
    proc = consumer.cli("litellm", "1.1.0", "--commit", "--json")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    data = json.loads(proc.stdout)
    assert data["ok"] and data["commit"] == consumer.head() != base
    assert consumer.status() == ""
    message = git(consumer.root, "log", "-1", "--format=%B")
    assert message.startswith("Upgrade litellm 1.0.0 → 1.1.0 (nemoctl)")
    assert "litellm-proxy-extras 0.1.1" in message
    assert "contracts: passed" in message
    changed = set(git(consumer.root, "diff", "--name-only", base, "HEAD").split())
    assert {"schemas/schema.prisma", "schemas/lock.json"} <= changed
    assert "custom_llm_provider" in (consumer.root / "schemas" / "schema.prisma").read_text()
    if style == "uv":
        assert "uv.lock" in changed
        assert 'name = "litellm"\nversion = "1.1.0"' in (consumer.root / "uv.lock").read_text()
        assert changed_pyproject_lines(consumer) == [
            '-    "litellm[proxy]==1.0.0",  # exact',
            '-    "litellm-proxy-extras==0.1.0",',
            '+    "litellm[proxy]==1.1.0",  # exact',
            '+    "litellm-proxy-extras==0.1.1",',
        ]
    elif style == "poetry":
        assert changed_pyproject_lines(consumer) == [
            '-litellm = {version = "1.0.0", extras = ["proxy"]}   # exact',
            '-litellm-proxy-extras = "==0.1.0"',
            '+litellm = {version = "1.1.0", extras = ["proxy"]}   # exact',
            '+litellm-proxy-extras = "==0.1.1"',
        ]
    else:
        assert "pyproject.toml" not in changed
        assert (consumer.root / "requirements.txt").read_text() == (
            "# pinned by hand\nlitellm[proxy]==1.1.0\nlitellm-proxy-extras==0.1.1\n")
    steps = [s["name"] for s in data["steps"]]
    assert steps == ["preflight", "resolve", "supply-chain", "schema", "migrations", "surfaces",
                     "bump", "lockfile", "regenerate", "contracts", "finish"]


def test_commit_on_a_new_branch(consumer: Consumer) -> None:
    report = upgrade(consumer, "1.1.0", commit=True, branch="litellm-1.1.0")
    assert report.ok, report.error
    assert git(consumer.root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "litellm-1.1.0"
    assert git(consumer.root, "log", "-1", "--format=%s", "main").startswith("consumer at")


def test_quiet_prints_nothing_on_success(consumer: Consumer) -> None:
    proc = consumer.cli("1.1.0", "--quiet", extra_env={"NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    assert os.path.exists(consumer.root / "pyproject.toml")
