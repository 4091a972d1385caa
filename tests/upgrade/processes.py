"""Process facts the upgrade tests check (children must not outlive nemoctl)."""

from __future__ import annotations

from pathlib import Path


def alive(pid: int) -> bool:
    """Running and not a zombie, from ``/proc/<pid>/stat`` (a reaped pid is gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
