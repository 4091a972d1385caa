"""A small advisory file lock (``fcntl.flock``) used for caches and repo-level runs.

The lock is held by an open file descriptor, so the kernel releases it when the
process dies for any reason: a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType


class FileLock:
    def __init__(self, path: Path, *, timeout: float | None = None, poll: float = 0.1,
                 label: str = "") -> None:
        """``timeout=None`` waits forever; ``0`` fails at once; otherwise waits that long.

        ``label`` (e.g. the command) is written after the pid, so a refused run can
        say who holds the lock.
        """
        self.path = path
        self.label = label
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(self.poll)
                continue
            self._fd = fd
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {self.label}".rstrip().encode() + b"\n")
            return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FileLock:
        if not self.acquire():
            raise TimeoutError(f"could not lock {self.path}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
