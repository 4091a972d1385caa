"""Write a file atomically, with the mode the user's umask gives (or an explicit one).

``tempfile.mkstemp`` creates files with mode 0600 whatever the umask; renamed into
place, that made generated and schema files private (0600 under umask 022).  Here
the scratch file is created like ``open()`` creates a file (0666 minus the umask),
written and fsynced, then renamed over the target, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, mode: int | None = None,
                 scratch: Path | None = None) -> None:
    """Replace ``path`` with ``data``; ``mode`` keeps a known mode (e.g. the old file's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = scratch or path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
