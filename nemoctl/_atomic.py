"""Write a file atomically, with the mode the user's umask gives (or an explicit one),
under one rule for symbolic links (docs/security.md, "Writes and links").

``tempfile.mkstemp`` creates files with mode 0600 whatever the umask; renamed into
place, that made generated and schema files private (0600 under umask 022).  Here
the scratch file is created like ``open()`` creates a file (0666 minus the umask),
written and fsynced, then renamed over the target, so a reader never sees half a file.

The link rule, for every writer: a write never replaces a symbolic link with a
regular file.  A path that is a link (or lies under a linked directory) is written
at the link's resolved target, so the link stays a link -- when that target is inside
the project.  A target outside the project is refused (exit 2) before anything is
written: a link must not turn a project command into a write elsewhere on the machine.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from nemoctl.errors import BadInputError


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def write_target(path: Path, root: Path) -> Path:
    """The file a write to ``path`` lands on under the link rule; raises when refused.

    ``root`` is the project (or repository) directory the command may write in.  The
    returned path has no link left in it; it is ``path`` itself when no link is involved.
    Refused (:class:`BadInputError`, exit 2): a resolved target outside ``root``, and an
    existing target that is not a regular file (a directory, FIFO, socket, device).
    """
    real_root = root.resolve()
    full = path if path.is_absolute() else root / path
    target = full.resolve()  # follows every link on the way, also a dangling last one
    if not _inside(target, real_root):
        raise BadInputError(
            f"{full} resolves to {target}, outside the project {real_root}; "
            "nemoctl does not write through a link that leaves the project",
            hint="replace the link with a regular file (or a link inside the project)",
        )
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise BadInputError(f"cannot inspect {full}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise BadInputError(f"{full} is {describe_kind(mode)}, not a regular file; "
                            "nemoctl writes only regular files")
    return target


def describe_kind(mode: int) -> str:
    """``a directory``, ``a FIFO``, ... for an ``st_mode`` (for messages)."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def write_atomic(path: Path, data: bytes, *, mode: int | None = None,
                 scratch: Path | None = None, root: Path | None = None) -> None:
    """Replace ``path`` with ``data``; ``mode`` keeps a known mode (e.g. the old file's).

    With ``root``, the link rule is enforced (:func:`write_target`).  Without it, a
    link is still never replaced: the write goes to the link's target.
    """
    if root is not None:
        path = write_target(path, root)
    elif path.is_symlink() or path.parent.resolve() != path.parent.absolute():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = scratch or path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if scratch is not None and scratch.parent != path.parent:
        tmp = path.with_name(scratch.name)  # the rename must stay in one directory
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
