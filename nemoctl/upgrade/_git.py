"""The little git the upgrade needs: is the tree clean, and commit the result (gitpython)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nemoctl.errors import BadInputError
from nemoctl.repolock import STATE_DIR


def _repo(root: Path) -> Any:
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise BadInputError(
            f"{root} is not inside a git repository",
            hint="nemoctl upgrade needs git to prove the tree is clean; pass --allow-dirty to skip",
        ) from None


def dirty_paths(root: Path) -> list[str] | None:
    """Changed or untracked paths (nemoctl's own state excluded); ``None`` outside git."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    out = repo.git.status("--porcelain", "--untracked-files=all", "--", str(root))
    paths = []
    for line in out.splitlines():
        path = line[3:].strip().strip('"')
        if path.split("/")[0] == STATE_DIR or f"/{STATE_DIR}/" in f"/{path}":
            continue
        paths.append(path)
    return paths


def head_sha(root: Path) -> str | None:
    try:
        return str(_repo(root).head.commit.hexsha)
    except (BadInputError, ValueError):
        return None


def commit(root: Path, paths: Iterable[str], message: str, *, branch: str | None = None) -> str:
    """Commit exactly ``paths`` (repo-relative to ``root``), on a new ``branch`` if given."""
    import git

    repo = _repo(root)
    if branch:
        if branch in repo.heads:
            raise BadInputError(f"branch {branch!r} already exists")
        repo.git.checkout("-b", branch)
    work = Path(repo.working_tree_dir or root).resolve()
    rel = [str((root.resolve() / p).relative_to(work)) for p in paths]
    try:
        repo.git.add("-A", "--", *rel)
        repo.git.commit("-m", message, "--", *rel)
    except git.GitCommandError as exc:
        raise BadInputError(f"git commit failed: {' '.join(str(exc.stderr).split())}") from None
    return str(repo.head.commit.hexsha)


def check_branch_name(name: str) -> None:
    """Refuse a ``--branch`` git would refuse (``git check-ref-format --branch``): exit 2.

    Checked before the upgrade does any work, not when it reaches the commit.
    """
    import subprocess

    from nemoctl.sanitize import escape_controls

    shown = escape_controls(name if len(name) <= 60 else name[:40] + "...")
    bad = (not name or len(name) > 250 or name.startswith("-") or "@{" in name
           or any(ord(c) < 32 or ord(c) == 127 for c in name))
    if not bad:
        proc = subprocess.run(["git", "check-ref-format", "--branch", name],
                              capture_output=True, text=True, check=False)
        bad = proc.returncode != 0
    if bad:
        raise BadInputError(
            f"--branch {shown!r} is not a valid git branch name",
            hint="no '..', spaces, '~^:?*[\\', control characters, a leading '-' or a "
            "trailing '.lock' (see `git check-ref-format`)",
        )
