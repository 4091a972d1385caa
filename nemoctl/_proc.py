"""Child processes that die with nemoctl: ``run`` is ``subprocess.run`` with hygiene.

Every tool nemoctl starts (the lock tool, the resolver, node, pip, the contract
environment's Python) goes through :func:`run`, which

- starts the child as the leader of its own process group, so the child *and
  everything it starts* can be killed together (a terminal's Ctrl-C no longer
  reaches it directly: nemoctl kills the group itself);
- asks Linux to SIGKILL the child when nemoctl dies (``PR_SET_PDEATHSIG``, set in
  the child before exec), so a SIGKILLed nemoctl leaves no lock tool running that
  would later overwrite a restored ``uv.lock``;
- kills the whole group on a timeout, on Ctrl-C, on SIGTERM or on any error while
  waiting, and at interpreter exit for anything still running;
- reports each start to registered listeners (the upgrade journal records the
  group, so recovery after a SIGKILL can kill a grandchild that outlived it:
  :func:`kill_leftovers`).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class Child:
    """One started child: its pid (= its process group id) and kernel start time."""

    pid: int
    start_ticks: int | None
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "pgid": self.pid, "start_ticks": self.start_ticks,
                "command": self.command}


Listener = Callable[[str, Child], None]
"""Called with ``("start", child)`` and ``("end", child)``."""

_lock = threading.Lock()
_live: dict[int, Child] = {}
_listeners: list[Listener] = []


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


# Resolved once, in the parent: the child between fork and exec only makes the call.
_prctl = _load_prctl()


_HELD = {signal.SIGINT, signal.SIGTERM}


def _child_setup() -> None:
    # The child inherits the parent's signal mask: give it the default one back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _hold_signals() -> set[int | signal.Signals] | None:
    if threading.current_thread() is not threading.main_thread():
        return None  # signals are only ever handled in the main thread
    try:
        return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    except (AttributeError, OSError, ValueError):
        return None


def _release_signals(previous: set[int | signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux), to spot pid reuse."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def add_listener(listener: Listener) -> None:
    with _lock:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def live_children() -> list[Child]:
    with _lock:
        return list(_live.values())


def _notify(event: str, child: Child) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        with contextlib.suppress(Exception):  # a listener must never break the child's run
            listener(event, child)


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (the child and all it started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def kill_all() -> None:
    """Kill every child group still running (background work on failure, and at exit)."""
    for child in live_children():
        kill_group(child.pid)


def run(
    cmd: Sequence[str],
    *,
    input: str | bytes | None = None,
    capture_output: bool = False,
    text: bool = False,
    timeout: float | None = None,
    check: bool = False,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[Any]:
    """``subprocess.run`` for nemoctl's children (see the module docstring)."""
    pipe = subprocess.PIPE if capture_output else None
    # Ctrl-C / SIGTERM are held back until the child is registered: an interrupt that
    # landed between the start and the registration would leave it running unkilled.
    held = _hold_signals()
    try:
        proc = subprocess.Popen(
            list(cmd), stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=pipe, stderr=pipe, text=text, cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True, preexec_fn=_child_setup,
        )
        child = Child(proc.pid, start_ticks(proc.pid), Path(cmd[0]).name)
        with _lock:
            _live[proc.pid] = child
    finally:
        _release_signals(held)
    try:
        try:
            # In here: an interrupt while the journal records the child kills it too.
            _notify("start", child)
            _test_pause(child, list(cmd)[1:2])
            stdout, stderr = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            proc.communicate()
            raise subprocess.TimeoutExpired(proc.args, timeout or 0) from None
        except BaseException:
            kill_group(proc.pid)
            with contextlib.suppress(Exception):
                proc.communicate(timeout=10)
            raise
    finally:
        with _lock:
            _live.pop(proc.pid, None)
        _notify("end", child)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if check:
        result.check_returncode()
    return result


def _group_members(pgid: int) -> list[tuple[int, int | None]]:
    """(pid, start ticks) of every live process in process group ``pgid`` (Linux /proc)."""
    members: list[tuple[int, int | None]] = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        # fields[0] is the state (field 3): zombies are already dead.
        if len(fields) > 19 and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append((int(entry.name), int(fields[19])))
    return members


def kill_leftovers(children: Iterable[Mapping[str, Any]], *, wait_s: float = 10.0) -> list[int]:
    """Kill what is left of a dead run's child groups; return the pids killed.

    A recorded group is ours only while its members started no earlier than its
    recorded leader and, if a process holds the leader's pid, it is the same
    process (same start time): a recycled pid is left alone.
    """
    killed: list[int] = []
    for raw in children:
        try:
            pgid = int(raw["pgid"])
            leader_start = raw.get("start_ticks")
        except (KeyError, TypeError, ValueError):
            continue
        if pgid <= 1 or pgid == os.getpgrp():
            continue
        leader_now = start_ticks(pgid)
        if leader_now is not None and leader_start is not None and leader_now != leader_start:
            continue  # the pid now belongs to another process
        members = [pid for pid, ticks in _group_members(pgid)
                   if leader_start is None or ticks is None or ticks >= int(leader_start)]
        if not members:
            continue
        kill_group(pgid)
        killed += members
    deadline = time.monotonic() + wait_s
    while killed and time.monotonic() < deadline:
        if not any(start_ticks(pid) is not None and not _is_zombie(pid) for pid in killed):
            break
        time.sleep(0.02)
    return sorted(killed)


def _is_zombie(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return True
    return bool(fields) and fields[0] in ("Z", "X")


#: Test hook: ``NEMOCTL_TEST_PAUSE_ON_SPAWN=<thread name>:<command name>[ <first arg>]``
#: (``MainThread:uv lock``, ``nemoctl-contracts:uv``) stops a
#: matching child with SIGSTOP right after it started (so it cannot finish on its own)
#: and pauses the starting thread until the file named by ``NEMOCTL_TEST_PAUSE_FILE``
#: is deleted; the file holds "<nemoctl pid> <child pid>".  Kill tests use it to have
#: a child provably still running when nemoctl dies.
_PAUSE_ENV = "NEMOCTL_TEST_PAUSE_ON_SPAWN"
_PAUSE_FILE_ENV = "NEMOCTL_TEST_PAUSE_FILE"


def _test_pause(child: Child, first_args: list[str]) -> None:
    wanted = os.environ.get(_PAUSE_ENV)
    if not wanted:
        return
    thread = threading.current_thread().name
    if wanted not in (f"{thread}:{child.command}",
                      f"{thread}:{' '.join([child.command, *first_args])}"):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGSTOP)
    flag = Path(os.environ[_PAUSE_FILE_ENV])
    flag.write_text(f"{os.getpid()} {child.pid}")
    deadline = time.monotonic() + 120
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGCONT)


# Whatever is still running when nemoctl exits (an error path that skipped a wait,
# a background thread's child) goes with it.
atexit.register(kill_all)
