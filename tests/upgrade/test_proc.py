"""nemoctl._proc and nemoctl._atomic on real processes and files (fast, no network)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nemoctl import _proc
from nemoctl._atomic import write_atomic
from tests.upgrade.processes import alive


def _wait(predicate: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_run_is_subprocess_run_in_its_own_group() -> None:
    proc = _proc.run([sys.executable, "-c", "import os; print(os.getpgrp() == os.getpid())"],
                     capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "True"
    assert _proc.run([sys.executable, "-c", "import sys; sys.exit(3)"]).returncode == 3
    echoed = _proc.run([sys.executable, "-c", "import sys; print(sys.stdin.read()[::-1])"],
                       input="abc", capture_output=True, text=True)
    assert echoed.stdout.strip() == "cba"


def test_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild"
    script = (f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', "
              f"'import time; time.sleep(60)']); open({str(pidfile)!r}, 'w').write(str(p.pid)); "
              "time.sleep(60)")
    with pytest.raises(subprocess.TimeoutExpired):
        _proc.run([sys.executable, "-c", script], timeout=3)
    grandchild = int(pidfile.read_text())
    assert _wait(lambda: not alive(grandchild)), "the grandchild survived the timeout"
    assert _proc.live_children() == []


def test_listeners_see_start_and_end() -> None:
    events: list[tuple[str, int]] = []

    def listener(event: str, child: _proc.Child) -> None:
        events.append((event, child.pid))

    _proc.add_listener(listener)
    try:
        _proc.run([sys.executable, "-c", "pass"])
    finally:
        _proc.remove_listener(listener)
    assert [e for e, _ in events] == ["start", "end"] and events[0][1] == events[1][1]


def test_kill_leftovers_kills_a_dead_runs_group_but_not_a_reused_pid(tmp_path: Path) -> None:
    # A "dead run's" child group: a leader that exits, leaving a grandchild behind.
    pidfile = tmp_path / "orphan"
    leader = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
         "'import time; time.sleep(60)']); "
         f"open({str(pidfile)!r}, 'w').write(str(p.pid))"],
        start_new_session=True)
    record = {"pgid": leader.pid, "start_ticks": _proc.start_ticks(leader.pid)}
    leader.wait()
    assert _wait(pidfile.exists)
    orphan = int(pidfile.read_text())
    assert alive(orphan)

    # A live process whose pid is recorded with another start time: left alone.
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                 start_new_session=True)
    try:
        ticks = _proc.start_ticks(bystander.pid)
        assert ticks is not None
        reused = {"pgid": bystander.pid, "start_ticks": ticks - 1}
        killed = _proc.kill_leftovers([record, reused])
        assert killed == [orphan]
        assert not alive(orphan)
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_ctrl_c_while_waiting_kills_the_child() -> None:
    started = threading.Event()
    seen: list[int] = []

    def listener(event: str, child: _proc.Child) -> None:
        if event == "start":
            seen.append(child.pid)
            started.set()

    def interrupt() -> None:
        started.wait(10)
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGINT)

    _proc.add_listener(listener)
    threading.Thread(target=interrupt, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            _proc.run([sys.executable, "-c", "import time; time.sleep(60)"])
    finally:
        _proc.remove_listener(listener)
    assert seen and _wait(lambda: not alive(seen[0]))


def test_atomic_writes_get_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "generated" / "models.py"
        write_atomic(target, b"x = 1\n")
        assert target.stat().st_mode & 0o777 == 0o644
        write_atomic(target, b"x = 2\n", mode=0o640)  # an existing file's mode is kept
        assert target.stat().st_mode & 0o777 == 0o640
        assert target.read_bytes() == b"x = 2\n"
        assert sorted(p.name for p in target.parent.iterdir()) == ["models.py"]
    finally:
        os.umask(old)


@pytest.mark.parametrize(("source", "needs"), [
    ("def test_x():\n    import nemoctl_models\n", True),
    ("from nemoctl_models.models import LiteLLM_SpendLogs\n", True),
    ("import importlib\ndef test_x():\n    importlib.import_module(gateway.models_package())\n",
     True),
    ("def test_x():\n    assert 1\n", False),
    ("def broken(:\n", True),  # unreadable: wait for the models rather than guess
])
def test_overlapped_suite_waits_only_where_models_are_loaded(
    tmp_path: Path, source: str, needs: bool
) -> None:
    from nemoctl._contracts_warmup import imports_models

    module = tmp_path / "test_mod.py"
    module.write_text(source)
    assert imports_models(str(module)) is needs
