"""The bundled contract suite started early, in a real (uv-built) contract environment.

The environment holds the contract tests' fake LiteLLM (``tests/contracts/fake_litellm``)
under the metadata of ``litellm 1.1.0`` and ``litellm-proxy-extras 0.1.1`` (releases the
local index serves), and the dev environment's pytest through a ``.pth`` file; its
``litellm/__init__.py`` appends to the file named by ``NEMOCTL_TEST_IMPORT_LOG`` when
imported, so a test sees whether (and when) the suite imported "LiteLLM".

- The policy accepts the environment's releases: the suite runs before the
  pipeline's own supply-chain step (``vetted_by == "environment"``).
- It refuses them (yanked): no interpreter starts in the environment (its ``.pth``
  files and pytest plugins would run) until :meth:`vetted`; a cancel then leaves no
  child and no import.
- End to end: Ctrl-C while the early suite runs (paused after resolve) restores the
  repository and leaves no child; a resolve failure with the suite started does too.
"""

from __future__ import annotations

import json
import shutil
import signal
import site
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl import _proc
from nemoctl.config import load_config
from nemoctl.errors import ExitCode
from nemoctl.upgrade.background import BackgroundContracts
from tests.support.pkgindex import LocalIndex
from tests.upgrade.conftest import Consumer, git
from tests.upgrade.processes import alive
from tests.upgrade.test_flow import assert_untouched

FAKE = Path(__file__).resolve().parents[1] / "contracts" / "fake_litellm" / "litellm"
REPO_MODELS = Path(__file__).resolve().parents[2] / "generated" / "python"
IMPORT_HOOK = """\
import os as _os
if _os.environ.get("NEMOCTL_TEST_IMPORT_LOG"):
    with open(_os.environ["NEMOCTL_TEST_IMPORT_LOG"], "a") as _log:
        _log.write("imported\\n")
"""


def _dist_info(site_packages: Path, name: str, version: str) -> None:
    info = site_packages / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def build_fake_contract_env(version: str, extras: str) -> Path:
    """Where ``ensure_env(version)`` looks (``$NEMOCTL_CACHE_DIR``), built with uv."""
    from uv import find_uv_bin

    from nemoctl.contracts import envs

    final = envs.env_path(version)
    subprocess.run([str(find_uv_bin()), "venv", "--quiet", "--python", sys.executable,
                    str(final)], check=True, capture_output=True)
    site_packages = next(final.glob("lib/python*/site-packages"))
    shutil.copytree(FAKE, site_packages / "litellm")
    init = site_packages / "litellm" / "__init__.py"
    init.write_text(init.read_text() + "\n" + IMPORT_HOOK)
    _dist_info(site_packages, "litellm", version)
    _dist_info(site_packages, "litellm-proxy-extras", extras)
    # pytest (and what the suite imports besides LiteLLM) from the dev environment.
    (site_packages / "dev-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (final / ".nemoctl-complete").write_text("{}\n")
    return final


@pytest.fixture
def suite_consumer(consumer: Consumer, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Consumer]:
    """The consumer on nemoctl's own suite (no contract command), with a fake 1.1.0 env."""
    pyproject = consumer.root / "pyproject.toml"
    text = pyproject.read_text()
    table = '\n[tool.nemoctl.contracts]\ncommand = ["python", "contracts/check.py"]\n'
    assert table in text
    pyproject.write_text(text.replace(table, "\n"))
    git(consumer.root, "commit", "-q", "-am", "use nemoctl's contract suite")
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(cache))
    monkeypatch.setenv("NEMOCTL_TEST_IMPORT_LOG", str(tmp_path / "imports.log"))
    consumer.env = {**consumer.env, "NEMOCTL_CACHE_DIR": str(cache),
                    "NEMOCTL_TEST_IMPORT_LOG": str(tmp_path / "imports.log")}
    build_fake_contract_env("1.1.0", "0.1.1")
    yield consumer


def _imported(consumer: Consumer) -> bool:
    return Path(consumer.env["NEMOCTL_TEST_IMPORT_LOG"]).exists()


def _python_child() -> bool:
    """The suite's interpreter is running (not the policy's own ``pip download``)."""
    for child in _proc.live_children():
        try:
            argv = Path(f"/proc/{child.pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"pytest" in argv:
            return True
    return False


def _wait(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _background(consumer: Consumer) -> BackgroundContracts:
    config = load_config(consumer.root)
    return BackgroundContracts(config, "1.1.0", upstream=config.upstream("litellm"),
                               models_dir=REPO_MODELS)


def _yank(local_index: LocalIndex) -> None:
    from nemoctl.upstream.index import clear_memo

    local_index.yanked["litellm-1.1.0-py3-none-any.whl"] = "broken build"
    clear_memo()


def test_accepted_environment_runs_the_suite_before_the_supply_chain_step(
    suite_consumer: Consumer,
) -> None:
    background = _background(suite_consumer).start()
    try:
        assert _wait(lambda: _imported(suite_consumer), 60), background.timeline()
        assert background.vetted_by == "environment"
        background.vetted(["litellm[proxy]==1.1.0", "litellm-proxy-extras==0.1.1"])
        background.release()
        outcome = background.result()
    finally:
        background.cancel()
    assert outcome.passed, outcome.failed
    timeline = background.timeline()
    assert timeline["vetted_by"] == "environment"
    assert timeline["vetted_s"] is not None and timeline["ready_s"] is not None
    assert timeline["vetted_s"] <= timeline["ready_s"] <= timeline["finished_s"]  # type: ignore[operator]


def test_refused_environment_imports_nothing_until_the_step_accepts(
    suite_consumer: Consumer, local_index: LocalIndex,
) -> None:
    _yank(local_index)
    background = _background(suite_consumer).start()
    try:
        # The verdict takes well under a second; an unvetted start would show by now.
        assert not _wait(_python_child, 5), "an interpreter started in a refused release"
        assert not _imported(suite_consumer) and background.vetted_at is None
        assert background.early_vet == "the policy refused litellm 1.1.0"
        background.vetted(["litellm[proxy]==1.1.0", "litellm-proxy-extras==0.1.1"])
        assert _wait(_python_child, 60)  # now it starts (the probe does see a suite)
        assert _wait(lambda: _imported(suite_consumer), 60)
        background.release()
        outcome = background.result()
    finally:
        background.cancel()
    assert outcome.passed, outcome.failed
    assert background.vetted_by == "supply-chain step"


def test_cancel_while_waiting_for_the_verdict_leaves_no_child_and_no_import(
    suite_consumer: Consumer, local_index: LocalIndex,
) -> None:
    _yank(local_index)
    background = _background(suite_consumer).start()
    assert _wait(lambda: background.early_vet is not None, 30)  # refused: now it waits
    background.cancel()
    assert not _wait(_python_child, 2), "a suite started after the cancel"
    assert not _imported(suite_consumer)
    assert not [t for t in threading.enumerate() if t.name.startswith("nemoctl-contracts")]


def test_interrupt_while_the_early_suite_runs_restores_and_kills_it(
    suite_consumer: Consumer, tmp_path: Path,
) -> None:
    snapshot = suite_consumer.hashes(), suite_consumer.head()
    flag = tmp_path / "pause"
    proc = suite_consumer.cli("1.1.0", "--json", wait=False, extra_env={
        "NEMOCTL_TEST_PAUSE_AFTER": "resolve", "NEMOCTL_TEST_PAUSE_FILE": str(flag)})
    assert isinstance(proc, subprocess.Popen)
    assert _wait(lambda: flag.exists() or proc.poll() is not None, 120)
    assert proc.poll() is None, proc.communicate()
    assert _wait(lambda: _imported(suite_consumer), 60), "the suite did not start early"
    children = _children(proc.pid)
    assert children, "no background child while paused after resolve"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    for pid in children:
        assert _wait(lambda pid=pid: not alive(pid), 10), "a background child outlived nemoctl"
    assert_untouched(suite_consumer, *snapshot)


def test_a_resolve_failure_with_the_suite_started_stops_it(suite_consumer: Consumer) -> None:
    snapshot = suite_consumer.hashes(), suite_consumer.head()
    build_fake_contract_env("1.5.0", "0.1.5")  # 1.5.0's extras are not on the index
    proc = suite_consumer.cli("1.5.0", "--json")
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == ExitCode.UNRESOLVABLE, proc.stderr
    report = json.loads(proc.stdout)
    assert [s["name"] for s in report["steps"]] == ["preflight", "resolve"]
    # The suite had started, but the policy never accepted 0.1.5 (not on the index).
    assert not _imported(suite_consumer)
    assert_untouched(suite_consumer, *snapshot)


def test_overlapped_steps_are_reported_as_such(suite_consumer: Consumer) -> None:
    # The fake LiteLLM's spend-log payload carries more keys than this consumer's tiny
    # schema has columns: exactly one contract fails, after everything overlapped.
    snapshot = suite_consumer.hashes(), suite_consumer.head()
    proc = suite_consumer.cli("1.1.0", "--json")
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == ExitCode.CONTRACTS_FAILED, proc.stderr + proc.stdout[-2000:]
    report = json.loads(proc.stdout)
    assert report["contracts"]["failed"] == ["test_spend_log_payload_validates"]
    assert report["restored"]
    assert_untouched(suite_consumer, *snapshot)
    steps = {s["name"]: s for s in report["steps"]}
    contracts = steps["contracts"]
    assert contracts["background"] is True
    # It started by the time resolve did, and its duration is its own, not the wait for it.
    assert contracts["started_s"] <= steps["resolve"]["started_s"]
    assert contracts["duration_s"] >= contracts["waited_s"]
    assert report["total_s"] < sum(s["duration_s"] for s in report["steps"])
    assert "in the background from" in contracts["detail"]
    timeline = report["contracts"]["background"]
    assert timeline["vetted_by"] == "environment"
    assert timeline["vetted_s"] < timeline["ready_s"] < timeline["finished_s"]
    human = suite_consumer.cli("1.1.0")
    assert isinstance(human, subprocess.CompletedProcess)
    assert human.returncode == ExitCode.CONTRACTS_FAILED, human.stderr
    assert "(in the background from" in human.stdout


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
