"""Process hygiene and the overlapped contract gate, end to end on a real uv consumer.

- SIGKILL of the nemoctl process alone, with its `uv lock` child provably still
  running (stopped right after it started, so it cannot finish on its own): the
  child dies with nemoctl (PR_SET_PDEATHSIG), the journal named it, and
  ``--recover`` leaves the repository byte-identical with ``uv lock --check`` passing.
- The background contract preparation: a failure there, and Ctrl-C while it is still
  preparing, both restore every file and leave no child running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from nemoctl.errors import ExitCode
from tests.upgrade.conftest import Consumer
from tests.upgrade.processes import alive
from tests.upgrade.test_flow import assert_untouched


@pytest.fixture
def snapshot(consumer: Consumer) -> tuple[dict[str, str], str]:
    return consumer.hashes(), consumer.head()


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not alive(pid)


def _start_paused(consumer: Consumer, tmp_path: Path, env: dict[str, str],
                  *args: str) -> tuple[subprocess.Popen[str], int]:
    """Start an upgrade that pauses at the hook in ``env``; return it and the child pid."""
    flag = tmp_path / "pause"
    proc = consumer.cli("1.1.0", *args, wait=False,
                        extra_env={**env, "NEMOCTL_TEST_PAUSE_FILE": str(flag)})
    assert isinstance(proc, subprocess.Popen)
    deadline = time.monotonic() + 120
    while not (flag.exists() and flag.read_text().strip()):
        if proc.poll() is not None or time.monotonic() > deadline:
            _, err = proc.communicate()
            pytest.fail(f"never reached the pause: {err}")
        time.sleep(0.02)
    parts = flag.read_text().split()
    return proc, int(parts[1]) if len(parts) > 1 else 0


def _uv_lock_check(consumer: Consumer) -> subprocess.CompletedProcess[str]:
    from uv import find_uv_bin

    return subprocess.run([str(find_uv_bin()), "lock", "--check"], cwd=consumer.root,
                          env=consumer.env, capture_output=True, text=True, timeout=120)


def _recover(consumer: Consumer) -> dict[str, object]:
    proc = consumer.cli("--recover", "--json")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_sigkill_with_the_lock_tool_running_recovers_consistently(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    proc, child = _start_paused(consumer, tmp_path, {
        "NEMOCTL_TEST_PAUSE_ON_SPAWN": "MainThread:uv lock"}, "--no-contracts")
    journal = json.loads((consumer.root / ".nemoctl" / "txn" / "journal.json").read_text())
    assert child in [c["pid"] for c in journal["children"]], "the journal names the child"
    assert alive(child)
    proc.send_signal(signal.SIGKILL)  # only nemoctl: its child is stopped, mid-lock
    proc.communicate()
    assert _wait_dead(child), "the lock tool outlived nemoctl"

    result = _recover(consumer)
    assert result["found"] and result["conflicts"] == []
    assert_untouched(consumer, *snapshot)
    check = _uv_lock_check(consumer)
    assert check.returncode == 0, check.stderr


@pytest.mark.slow  # ~12 s; the lock-tool kill above is the default-run case
@pytest.mark.parametrize("step", ["bump", "lockfile", "regenerate"])
def test_sigkill_at_a_step_boundary_recovers(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path, step: str
) -> None:
    proc, _ = _start_paused(consumer, tmp_path, {"NEMOCTL_TEST_PAUSE_AFTER": step})
    assert consumer.hashes() != snapshot[0]
    running = json.loads((consumer.root / ".nemoctl" / "txn" / "journal.json").read_text())
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    for child in running["children"]:  # background contract preparation, if any
        assert _wait_dead(child["pid"]), f"{child['command']} outlived nemoctl"
    result = _recover(consumer)
    assert result["found"] and result["conflicts"] == []
    assert_untouched(consumer, *snapshot)
    check = _uv_lock_check(consumer)
    assert check.returncode == 0, check.stderr


def test_interrupt_while_contracts_prepare_in_background_restores(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    # Each consumer gets a fresh environment key: the background really builds one.
    pyproject = consumer.root / "pyproject.toml"
    proc, child = _start_paused(consumer, tmp_path, {
        "NEMOCTL_TEST_PAUSE_ON_SPAWN": "nemoctl-contracts:uv",
        # a fresh cache for the contract environment only, so its build really starts
        "NEMOCTL_CACHE_DIR": str(_cache_without_envs(consumer, tmp_path))})
    assert alive(child)
    # The foreground goes on writing while the background is stuck preparing.
    deadline = time.monotonic() + 60
    while consumer.hashes() == snapshot[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert consumer.hashes() != snapshot[0], "the foreground did not overlap the background"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert _wait_dead(child), "the background child outlived the interrupted upgrade"
    assert pyproject.read_bytes()  # still there, and:
    assert_untouched(consumer, *snapshot)


def test_failing_background_preparation_restores_and_exits_5(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    cache = _cache_without_envs(consumer, tmp_path)
    (cache / "upgrade-envs").write_text("not a directory: the environment cannot be built")
    proc = consumer.cli("1.1.0", "--json", extra_env={"NEMOCTL_CACHE_DIR": str(cache)})
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == ExitCode.CONTRACTS_FAILED, proc.stderr + proc.stdout
    report = json.loads(proc.stdout)
    assert "could not be prepared" in report["error"]["message"]
    assert report["restored"] is True
    assert [s["name"] for s in report["steps"]][-1] == "contracts"
    assert_untouched(consumer, *snapshot)


def _cache_without_envs(consumer: Consumer, tmp_path: Path) -> Path:
    """A cache sharing the session's wheels, parses and node tools, but no environments."""
    shared = Path(consumer.env["NEMOCTL_CACHE_DIR"])
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in os.listdir(shared):
        if name not in ("upgrade-envs", "envs"):
            (cache / name).symlink_to(shared / name)
    return cache


def test_dry_run_is_locked_out_and_recover_with_hand_edits_exits_2(
    consumer: Consumer, snapshot: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    proc, _ = _start_paused(consumer, tmp_path, {"NEMOCTL_TEST_PAUSE_AFTER": "bump"},
                            "--no-contracts")
    dry = consumer.cli("1.1.0", "--dry-run")
    assert isinstance(dry, subprocess.CompletedProcess)
    assert dry.returncode == ExitCode.BUSY, dry.stderr
    assert f"(pid {proc.pid})" in dry.stderr
    proc.send_signal(signal.SIGKILL)
    proc.communicate()

    pyproject = consumer.root / "pyproject.toml"
    edited = pyproject.read_text() + "# edited by hand after the crash\n"
    pyproject.write_text(edited)
    recovered = consumer.cli("--recover")
    assert isinstance(recovered, subprocess.CompletedProcess)
    assert recovered.returncode == ExitCode.BAD_INPUT, recovered.stderr
    assert "pyproject.toml had been edited after the crash" in recovered.stderr
    assert (consumer.root / ".nemoctl" / "recovered" / "pyproject.toml").read_text() == edited
    assert_untouched(consumer, *snapshot)
