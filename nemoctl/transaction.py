"""A journal-based file transaction: every file an upgrade may touch comes back byte-identical.

Before anything in the repository is written, the current bytes of every file in
scope (single files such as ``pyproject.toml`` and whole directories such as
``schemas/`` and ``generated/``) are copied into ``.nemoctl/txn/`` and a journal is
written atomically.  The journal also lists files that did *not* exist, so files
the upgrade creates are removed on rollback.

The journal exists exactly while the repository may differ from its snapshot: it is
written after the backups are complete and removed only after a commit or a
finished rollback.  A process killed in between (``SIGKILL``, power loss) leaves it
behind, and :func:`recover` restores from it on the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from nemoctl import _proc
from nemoctl._atomic import write_atomic
from nemoctl.errors import BadInputError
from nemoctl.repolock import STATE_DIR, state_dir

_JOURNAL_VERSION = 1
_SKIP_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM so the transaction rolls back like on Ctrl-C."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    # A fixed scratch name: recovery knows it and removes a leftover one.
    write_atomic(path, data, mode=mode, scratch=path.with_name(f".{path.name}.nemoctl-tmp"))


@dataclass(slots=True)
class _Entry:
    path: str  # repo-relative, POSIX
    existed: bool
    sha256: str | None = None
    mode: int | None = None
    backup: str | None = None
    #: Hashes of contents this transaction wrote; recovery uses them to tell our
    #: half-finished writes from edits a person made after a crash.
    written: list[str] = field(default_factory=list)
    #: A tool (``uv lock``) is writing this file for us: whatever is there after a
    #: crash may be its output, not a person's edit.
    external: bool = False


@dataclass(frozen=True, slots=True)
class RecoveryResult:
    """What :func:`recover` found and did."""

    found: bool
    restored: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: Files changed by someone else after the crash; their bytes were kept under
    #: ``.nemoctl/recovered/`` before restoring.
    conflicts: tuple[str, ...] = ()
    pid: int | None = None
    started: str | None = None
    label: str | None = None
    #: Leftover child processes of the dead run that were killed before restoring.
    killed: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "restored": list(self.restored),
            "removed": list(self.removed),
            "conflicts": list(self.conflicts),
            "killed": list(self.killed),
            "pid": self.pid,
            "started": self.started,
            "label": self.label,
        }


class Transaction:
    """Snapshot ``files`` and every file under ``dirs``; restore them all on rollback."""

    def __init__(
        self, root: Path, *, files: Iterable[Path], dirs: Iterable[Path], label: str = ""
    ) -> None:
        self.root = root.resolve()
        self.label = label
        self._dir = state_dir(self.root) / "txn"
        self._files = [self._rel(p) for p in files]
        self._dirs = [self._rel(p) for p in dirs]
        self._entries: dict[str, _Entry] = {}
        #: Child process groups running while the journal exists (see nemoctl._proc).
        self._children: dict[int, dict[str, Any]] = {}
        # Background work (contract preparation) starts children from another thread.
        self._journal_lock = threading.RLock()
        self.active = False

    def _rel(self, path: Path) -> str:
        full = path if path.is_absolute() else self.root / path
        try:
            return full.resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise BadInputError(f"{path} is outside the project {self.root}") from None

    @property
    def journal_path(self) -> Path:
        return self._dir / "journal.json"

    def begin(self) -> None:
        if self.journal_path.exists():
            raise BadInputError(
                "an interrupted upgrade left a journal in .nemoctl/txn",
                hint="run `nemoctl upgrade --recover` to restore the files it changed",
            )
        if self._dir.exists():
            shutil.rmtree(self._dir)  # backups without a journal: nothing was written yet
        backups = self._dir / "files"
        backups.mkdir(parents=True)
        tracked = set(self._files)
        for rel_dir in self._dirs:
            base = self.root / rel_dir
            if base.is_dir():
                tracked.update(self._walk(base))
        for n, rel in enumerate(sorted(tracked)):
            self._entries[rel] = self._snapshot(rel, backups / str(n))
        _fsync_dir(backups)
        for child in _proc.live_children():  # started before the transaction began
            self._children[child.pid] = child.to_dict()
        self._save_journal()
        _proc.add_listener(self._on_child)
        self.active = True

    def _on_child(self, event: str, child: _proc.Child) -> None:
        with self._journal_lock:
            if event == "start":
                self._children[child.pid] = child.to_dict()
            else:
                self._children.pop(child.pid, None)
            if self.journal_path.exists():
                self._save_journal()

    def _walk(self, base: Path) -> Iterator[str]:
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in filenames:
                yield (Path(dirpath) / name).relative_to(self.root).as_posix()

    def _snapshot(self, rel: str, backup: Path) -> _Entry:
        path = self.root / rel
        if not path.is_file():
            return _Entry(rel, existed=False)
        data = path.read_bytes()
        with open(backup, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = path.stat().st_mode & 0o7777
        return _Entry(rel, True, _sha256(data), mode, backup.name)

    def _save_journal(self) -> None:
        with self._journal_lock:
            self._save_journal_locked()

    def _save_journal_locked(self) -> None:
        payload = {
            "version": _JOURNAL_VERSION,
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "label": self.label,
            "dirs": self._dirs,
            "children": sorted(self._children.values(), key=lambda c: c["pid"]),
            "entries": [
                {
                    "path": e.path,
                    "existed": e.existed,
                    "sha256": e.sha256,
                    "mode": e.mode,
                    "backup": e.backup,
                    "written": e.written,
                    "external": e.external,
                }
                for e in self._entries.values()
            ],
        }
        _write_atomic(self.journal_path, json.dumps(payload, indent=1).encode())

    def _entry(self, rel: str) -> _Entry:
        entry = self._entries.get(rel)
        if entry is None:
            if not any(rel == d or rel.startswith(d.rstrip("/") + "/") for d in self._dirs):
                raise RuntimeError(f"{rel} is not in the transaction's scope")
            entry = self._entries[rel] = _Entry(rel, existed=False)
        return entry

    def write_bytes(self, path: Path, data: bytes) -> bool:
        """Write ``data`` to ``path`` (in scope); ``False`` when the bytes are already there."""
        rel = self._rel(path)
        entry = self._entry(rel)
        full = self.root / rel
        if full.is_file() and full.read_bytes() == data:
            return False
        entry.written.append(_sha256(data))
        self._save_journal()  # journal first: a crash mid-write is still recognised as ours
        _write_atomic(full, data, entry.mode)
        return True

    def delete(self, path: Path) -> bool:
        rel = self._rel(path)
        self._entry(rel)
        full = self.root / rel
        if not full.exists():
            return False
        full.unlink()
        return True

    def expect_external(self, path: Path) -> None:
        """A tool is about to write ``path`` for us (journaled before it starts)."""
        entry = self._entry(self._rel(path))
        entry.external = True
        self._save_journal()

    def record_external(self, path: Path) -> None:
        """Note the current bytes of a file a tool (``uv lock``) wrote on our behalf."""
        rel = self._rel(path)
        entry = self._entry(rel)
        full = self.root / rel
        if full.is_file():
            entry.written.append(_sha256(full.read_bytes()))
        entry.external = False
        self._save_journal()

    def changed_paths(self) -> list[str]:
        """Repo-relative paths whose bytes now differ from the snapshot."""
        changed = []
        for rel, entry in sorted(self._entries.items()):
            full = self.root / rel
            now = _sha256(full.read_bytes()) if full.is_file() else None
            if now != entry.sha256:
                changed.append(rel)
        for rel_dir in self._dirs:
            base = self.root / rel_dir
            if base.is_dir():
                changed.extend(r for r in self._walk(base) if r not in self._entries)
        return sorted(set(changed))

    def commit(self) -> None:
        _proc.remove_listener(self._on_child)
        self.journal_path.unlink(missing_ok=True)
        shutil.rmtree(self._dir, ignore_errors=True)
        self.active = False

    def rollback(self) -> RecoveryResult:
        _proc.remove_listener(self._on_child)
        # Our own children first: a lock tool still running would write after the restore.
        _proc.kill_all()
        # Files created by tools (uv lock scratch files) inside tracked dirs are removed too.
        result = _restore(self.root, self._dir, self._load_raw())
        self.active = False
        return result

    def _load_raw(self) -> dict[str, Any]:
        return json.loads(self.journal_path.read_text())  # type: ignore[no-any-return]

    def __enter__(self) -> Transaction:
        self.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.active:
            return
        if exc_type is None:
            self.commit()
        else:
            with _signals_blocked():
                self.rollback()


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """Keep a second Ctrl-C from interrupting the restore itself."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    except (AttributeError, ValueError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _restore(root: Path, txn_dir: Path, journal: dict[str, Any]) -> RecoveryResult:
    # A dead run's children (a lock tool's helpers, a contract env) must be gone
    # before its files are restored, or they could write over the restored bytes.
    killed = _proc.kill_leftovers(journal.get("children", []))
    restored: list[str] = []
    removed: list[str] = []
    conflicts: list[str] = []
    known: set[str] = set()
    for raw in journal["entries"]:
        rel = raw["path"]
        known.add(rel)
        full = root / rel
        full.with_name(f".{full.name}.nemoctl-tmp").unlink(missing_ok=True)
        current = full.read_bytes() if full.is_file() else None
        ours = {raw["sha256"], *raw.get("written", [])}
        if current is not None and _sha256(current) not in ours and not raw.get("external"):
            keep = root / STATE_DIR / "recovered" / rel
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_bytes(current)
            conflicts.append(rel)
        if raw["existed"]:
            data = (txn_dir / "files" / raw["backup"]).read_bytes()
            if current != data:
                _write_atomic(full, data, raw.get("mode"))
                restored.append(rel)
        elif full.exists():
            full.unlink()
            removed.append(rel)
    for rel_dir in journal.get("dirs", []):
        base = root / rel_dir
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, topdown=False):
            for name in filenames:
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                if rel not in known and not any(p in _SKIP_DIRS for p in full.parts):
                    full.unlink()
                    removed.append(rel)
            for name in dirnames:
                sub = Path(dirpath) / name
                if name not in _SKIP_DIRS and sub.is_dir() and not any(sub.iterdir()):
                    sub.rmdir()
    (txn_dir / "journal.json").unlink(missing_ok=True)
    shutil.rmtree(txn_dir, ignore_errors=True)
    return RecoveryResult(
        found=True,
        restored=tuple(sorted(restored)),
        removed=tuple(sorted(removed)),
        conflicts=tuple(sorted(conflicts)),
        pid=journal.get("pid"),
        started=journal.get("started"),
        label=journal.get("label"),
        killed=tuple(killed),
    )


def pending_journal(root: Path) -> Path | None:
    path = root / STATE_DIR / "txn" / "journal.json"
    return path if path.is_file() else None


def recover(root: Path) -> RecoveryResult:
    """Restore every file from a journal an interrupted run left behind (no-op without one)."""
    journal_path = pending_journal(root)
    if journal_path is None:
        return RecoveryResult(found=False)
    try:
        journal = json.loads(journal_path.read_text())
    except (OSError, ValueError) as exc:
        raise BadInputError(
            f"the upgrade journal {journal_path} is unreadable ({exc})",
            hint="inspect .nemoctl/txn/files by hand; `git status` shows what changed",
        ) from None
    with _signals_blocked():
        return _restore(root.resolve(), journal_path.parent, journal)


@contextmanager
def sigterm_as_exception() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` (main thread only) for the duration."""
    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        if signal.SIGTERM in _held:  # past the commit point: stay deferred until release
            _held[signal.SIGTERM] = previous
        else:
            signal.signal(signal.SIGTERM, previous)


#: Handlers replaced by :func:`hold_signals` (signal -> previous handler).
_held: dict[int, Any] = {}
#: Signals that arrived while held (reported by :func:`release_signals`).
_arrived: list[int] = []


def _defer(signum: int, frame: FrameType | None) -> None:
    _arrived.append(signum)


def hold_signals() -> None:
    """The commit point: from here, Ctrl-C and SIGTERM no longer interrupt the run.

    Called just before a transaction commits.  After it, the tree holds the new state
    and the report says so; an interrupt that raised now (while the journal is removed,
    while the summary prints, while the interpreter exits) would end the run with exit
    130 and "every file was restored" over an applied upgrade.  Python runs signal
    handlers in the main thread only, so replacing the handlers (not masking one
    thread) defers them whichever thread the kernel picks.
    """
    if _held:
        return
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            _held[signum] = signal.signal(signum, _defer)
    except ValueError:  # not the main thread: nothing to defer
        _held.clear()


def release_signals(*, ignore: bool = False) -> tuple[int, ...]:
    """End :func:`hold_signals`; returns the signals that arrived meanwhile (dropped).

    ``ignore``: keep ignoring them for the rest of the process (the CLI, which only
    prints the report and exits); else the previous handlers come back.
    """
    arrived = tuple(_arrived)
    _arrived.clear()
    for signum, previous in list(_held.items()):
        signal.signal(signum, signal.SIG_IGN if ignore else previous)
    _held.clear()
    return arrived
