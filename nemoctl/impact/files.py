"""Which files the usage scan reads: tracked files under the configured paths.

Never reads outside the project: paths are project-relative, a symlink whose target
leaves the tree is skipped (and listed), and files over the size cap are listed
instead of read.  The order is sorted, so every report is deterministic.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath

from nemoctl.impact.model import SkippedFile

#: Suffix → language of the scanner that reads it.
LANGUAGES = {
    ".py": "python", ".pyi": "python",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".js": "typescript", ".jsx": "typescript", ".mjs": "typescript", ".cjs": "typescript",
    ".sql": "sql",
    ".md": "text", ".markdown": "text", ".yaml": "text", ".yml": "text",
}
#: Any other file that is text is read by the text scanner too: a table named in a
#: shell script, a config file or a notebook reaches it (docs/impact.md, "Soundness").
OTHER = "text"
#: Bytes looked at to tell a binary file (a NUL among them) from text.
_SNIFF = 8192
#: Directory names never scanned (virtualenvs, dependencies, caches, VCS).
SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", ".tox", ".nox", "node_modules",
                       "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
                       ".next", "dist", "build", ".nemoctl", "site-packages"})


class SourceFile:
    """One file to scan.  Its bytes are read on first use: a warm scan whose stat index
    proves a file unchanged (size, mtime, ctime, inode) never reads it."""

    __slots__ = ("_data", "full", "language", "path", "stamp")

    def __init__(self, path: str, language: str, data: bytes | None = None, *,
                 full: str = "", stamp: tuple[int, int, int, int] = (0, 0, 0, 0)) -> None:
        self.path = path  # project-relative, POSIX
        self.language = language
        self.full = full
        #: (size, mtime_ns, ctime_ns, inode) when discovered
        self.stamp = stamp
        self._data = data

    @property
    def data(self) -> bytes:
        if self._data is None:
            with open(self.full, "rb") as handle:
                self._data = handle.read()
        return self._data


def discover(root: Path, *, paths: Iterable[str], exclude: Iterable[str],
             max_size: int) -> tuple[list[SourceFile], list[SkippedFile], list[str]]:
    """The files to scan (read), the ones skipped with why, and the tsconfig files
    (their content is part of what a TypeScript result depends on)."""
    root = root.resolve()
    include = [_norm(p) for p in paths]
    excluded = [_norm(p) for p in exclude]
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    configs: list[str] = []
    base = str(root)
    for rel in sorted(set(_candidates(root))):
        if rel.rsplit("/", 1)[-1].startswith("tsconfig") and rel.endswith(".json") \
                and _selected(rel, [], excluded):
            configs.append(rel)
        language = _language(rel)
        if not _selected(rel, include, excluded):
            continue
        full = os.path.join(base, rel)
        try:
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                if not Path(full).resolve().is_relative_to(root):
                    skipped.append(SkippedFile(rel, "symlink out of the project tree"))
                    continue
                info = os.stat(full)
            if not stat.S_ISREG(info.st_mode):
                continue
            if info.st_size > max_size:
                skipped.append(SkippedFile(rel, f"{info.st_size} bytes is over max-file-size "
                                                f"({max_size})"))
                continue
            data: bytes | None = None
            if language == OTHER:
                with open(full, "rb") as handle:
                    head = handle.read(_SNIFF)
                    if b"\0" in head:
                        continue  # binary: no name can be read from it
                    data = head + handle.read()
        except OSError as exc:
            skipped.append(SkippedFile(rel, f"unreadable: {exc.strerror}"))
            continue
        files.append(SourceFile(rel, language, data, full=full, stamp=(
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)))
    return files, skipped, configs


@lru_cache(maxsize=4096)
def _skipped_dir(directory: str) -> bool:
    # Per directory, not per file: a tree of 5,000 files has a few hundred directories.
    return any(part in SKIP_DIRS for part in directory.split("/"))


def _norm(pattern: str) -> str:
    text = PurePosixPath(pattern.replace("\\", "/")).as_posix()
    return "" if text in (".", "") else text.rstrip("/")


def _language(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return LANGUAGES.get(suffix.lower(), OTHER)


def _under(rel: str, prefix: str) -> bool:
    if not prefix:
        return True
    if any(ch in prefix for ch in "*?["):
        return fnmatch(rel, prefix) or fnmatch(rel, prefix + "/*")
    return rel == prefix or rel.startswith(prefix + "/")


def _selected(rel: str, include: list[str], excluded: list[str]) -> bool:
    directory = rel.rpartition("/")[0]
    if directory and _skipped_dir(directory):
        return False
    if include and not any(_under(rel, p) for p in include):
        return False
    return not any(_under(rel, p) for p in excluded)


def _candidates(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files (git), else a walk of the tree."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=False, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        proc = None
    if proc is not None and proc.returncode == 0:
        # ls-files answers relative to cwd (= root), even when root is a sub-directory.
        return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        base = Path(dirpath).relative_to(root)
        for name in filenames:
            found.append((base / name).as_posix())
    return found
