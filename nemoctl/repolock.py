"""One writer at a time per repository (``upgrade``, ``init``, ``generate``): a second run
refuses at once, naming the holder.  ``.nemoctl/`` is where every such run keeps state."""

from __future__ import annotations

from pathlib import Path

from nemoctl._filelock import FileLock
from nemoctl.errors import BusyError

#: The per-project state directory (journal, locks, backups), never committed.
STATE_DIR = ".nemoctl"


def state_dir(root: Path) -> Path:
    """``<root>/.nemoctl``, created self-ignoring so it never makes a git tree dirty."""
    path = root / STATE_DIR
    path.mkdir(exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# nemoctl's transaction journal, locks and backups\n*\n")
    return path


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
