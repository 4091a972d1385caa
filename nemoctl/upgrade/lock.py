"""One upgrade at a time per repository: a second run refuses at once, naming the holder."""

from __future__ import annotations

from pathlib import Path

from nemoctl._filelock import FileLock
from nemoctl.errors import BusyError
from nemoctl.upgrade.transaction import state_dir


def repo_lock(root: Path, command: str = "upgrade") -> FileLock:
    """Acquire ``.nemoctl/upgrade.lock`` or raise :class:`BusyError` (exit 6).

    The lock is an ``flock`` on an open descriptor: the kernel drops it when the
    holder dies, so a killed run never blocks the next one.
    """
    path = state_dir(root) / "upgrade.lock"
    lock = FileLock(path, timeout=0, label=command)
    if not lock.acquire():
        try:
            pid, _, holder = path.read_text().strip().partition(" ")
        except OSError:
            pid, holder = "", ""
        raise BusyError(
            f"another nemoctl {holder or 'run'} (pid {pid or 'unknown'}) is running in {root}",
            hint="wait for it to finish; nothing was changed by this run",
        )
    return lock
