"""Which upstream pins a pull request moves: the base and head commits, compared in git.

Pins are read from the committed blobs (``pyproject.toml``, ``requirements*.txt``)
at both commits, never from the working tree, so the answer is the PR's and not
whatever happens to be checked out.  A dependabot commit message's
``updated-dependencies:`` block is read too, as extra evidence: it names the
packages dependabot meant to move and lets the report flag a bump whose coupled
package did not move with it.  Renovate writes no such block; its PRs are recognised by
their branch (``renovate/...``: ``$GITHUB_HEAD_REF`` in a pull-request job, else the
checked-out branch) or by its bot's commits, and are verified the same way -- the pins
at the two commits are the evidence either way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from nemoctl.config import Config
from nemoctl.errors import BadInputError, ConfigError
from nemoctl.pins import Pin, find_pins_in_text

if TYPE_CHECKING:
    import git

#: How far back to look for dependabot messages between base and head.
_MAX_COMMITS = 200
#: Commit author emails of the update bots (GitHub apps, and Renovate's self-hosted default).
_BOT_EMAILS = {
    "dependabot": ("49699333+dependabot[bot]@users.noreply.github.com",),
    "renovate": ("29139614+renovate[bot]@users.noreply.github.com", "bot@renovateapp.com"),
}
_DEPENDABOT_BLOCK = re.compile(r"^updated-dependencies:\s*\n(?P<body>.*?)(?:^\.\.\.\s*$|\Z)",
                               re.M | re.S)


@dataclass(frozen=True, slots=True)
class DependabotUpdate:
    """One entry of a dependabot commit's ``updated-dependencies:`` block."""

    name: str
    version: str | None
    dependency_type: str | None
    update_type: str | None
    commit: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "dependency_type": self.dependency_type,
            "update_type": self.update_type,
            "commit": self.commit,
        }


@dataclass(frozen=True, slots=True)
class PinChange:
    """One package's exact pin at the base and at the head (``None``: not pinned)."""

    package: str
    base_version: str | None
    head_version: str | None
    head_locations: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.base_version != self.head_version

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "base": self.base_version,
            "head": self.head_version,
            "changed": self.changed,
            "locations": list(self.head_locations),
        }


@dataclass(frozen=True, slots=True)
class UpstreamChange:
    """An upstream (``litellm``) and its coupled pins (``litellm-proxy-extras``)."""

    name: str
    pins: tuple[PinChange, ...]

    @property
    def main(self) -> PinChange:
        return self.pins[0]

    @property
    def changed(self) -> bool:
        return any(pin.changed for pin in self.pins)

    @property
    def stuck_coupled(self) -> tuple[str, ...]:
        """Coupled packages left behind while the upstream itself moved."""
        if not self.main.changed:
            return ()
        return tuple(p.package for p in self.pins[1:] if not p.changed and p.head_version)

    def to_dict(self) -> dict[str, Any]:
        return {
            "upstream": self.name,
            "changed": self.changed,
            "pins": [p.to_dict() for p in self.pins],
            "coupled_not_moved": list(self.stuck_coupled),
        }


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What a PR changes, as far as nemoctl cares."""

    base_ref: str
    base_sha: str
    head_ref: str
    head_sha: str
    #: The commit the head is compared with: the merge base when history has it.
    compared_sha: str
    shallow: bool
    upstreams: tuple[UpstreamChange, ...]
    dependabot: tuple[DependabotUpdate, ...]
    #: ``schemas/schema.prisma`` and ``schemas/lock.json`` at the compared commit.
    base_snapshot: str | None = field(default=None, repr=False)
    base_lock: str | None = field(default=None, repr=False)
    #: The bot that opened the PR (``dependabot`` / ``renovate``), if it was one.
    updater: str | None = None
    #: The PR's branch name, when known (``renovate/litellm-1.x``).
    head_branch: str | None = None

    @property
    def changed(self) -> tuple[UpstreamChange, ...]:
        return tuple(u for u in self.upstreams if u.changed)

    def unmanaged_dependabot(self, managed: Iterable[str]) -> tuple[DependabotUpdate, ...]:
        """Dependabot updates of packages nemoctl does not manage."""
        names = {canonicalize_name(n) for n in managed}
        return tuple(u for u in self.dependabot if canonicalize_name(u.name) not in names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": {"ref": self.base_ref, "sha": self.base_sha},
            "head": {"ref": self.head_ref, "sha": self.head_sha},
            "compared_sha": self.compared_sha,
            "shallow": self.shallow,
            "upstreams": [u.to_dict() for u in self.upstreams],
            "dependabot": [u.to_dict() for u in self.dependabot],
            "updater": self.updater,
            "head_branch": self.head_branch,
        }


def default_base_ref() -> str:
    """``origin/$GITHUB_BASE_REF`` inside a GitHub pull-request job, else ``origin/main``."""
    base = os.environ.get("GITHUB_BASE_REF", "").strip()
    return f"origin/{base}" if base else "origin/main"


def parse_dependabot_message(message: str, *, commit: str = "") -> list[DependabotUpdate]:
    """The ``updated-dependencies:`` entries of a dependabot commit message.

    The block is a small, fixed YAML shape (a list of flat string maps between
    ``---`` and ``...``); it is read line by line rather than pulling in a YAML parser.
    """
    match = _DEPENDABOT_BLOCK.search(message)
    if match is None:
        return []
    entries: list[dict[str, str]] = []
    for raw in match.group("body").splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        stripped = line.lstrip()
        if stripped.startswith("- "):
            entries.append({})
            stripped = stripped[2:]
        elif not line.startswith((" ", "\t")):
            break  # the block ended without a "..." marker
        if not entries or ":" not in stripped:
            continue
        key, _, value = stripped.partition(":")
        entries[-1][key.strip()] = value.strip().strip("'\"")
    return [
        DependabotUpdate(
            name=entry["dependency-name"],
            version=entry.get("dependency-version"),
            dependency_type=entry.get("dependency-type"),
            update_type=entry.get("update-type"),
            commit=commit,
        )
        for entry in entries
        if entry.get("dependency-name")
    ]


def detect_changes(
    config: Config, *, base: str | None = None, head: str | None = None
) -> ChangeSet:
    """Compare the pins of every configured upstream between ``base`` and ``head``."""
    import git

    try:
        repo = git.Repo(config.root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise BadInputError(f"{config.root} is not inside a git repository") from None
    base_ref = base or default_base_ref()
    head_ref = head or "HEAD"
    shallow = _is_shallow(repo)
    head_commit = _commit(repo, head_ref, shallow=shallow, role="head")
    base_commit = _commit(repo, base_ref, shallow=shallow, role="base")
    compared = _merge_base(repo, base_commit, head_commit) or base_commit

    work_tree = repo.working_tree_dir
    if work_tree is None:
        raise BadInputError("nemoctl ci needs a repository with a working tree")
    root = config.root.resolve()
    project = PurePosixPath(root.relative_to(os.path.realpath(work_tree)).as_posix())
    base_texts = _pin_texts(compared, project)
    head_texts = _pin_texts(head_commit, project)
    if "pyproject.toml" not in head_texts:
        raise BadInputError(f"{project / 'pyproject.toml'} does not exist at {head_ref}")

    upstreams = []
    for name, upstream in config.upstreams.items():
        pins = []
        for package in (upstream.package, *upstream.coupled):
            head_pins = find_pins_in_text(head_texts, package)
            pins.append(
                PinChange(
                    package=package,
                    base_version=_single_version(
                        find_pins_in_text(base_texts, package), package, base_ref
                    ),
                    head_version=_single_version(head_pins, package, head_ref),
                    head_locations=tuple(p.location for p in head_pins),
                )
            )
        upstreams.append(UpstreamChange(name=name, pins=tuple(pins)))

    schemas_rel = project / config.schemas_dir.resolve().relative_to(root).as_posix()
    dependabot = _dependabot_updates(repo, compared, head_commit)
    branch = _head_branch(repo, head_ref, head_commit)
    return ChangeSet(
        base_ref=base_ref,
        base_sha=base_commit.hexsha,
        head_ref=head_ref,
        head_sha=head_commit.hexsha,
        compared_sha=compared.hexsha,
        shallow=shallow,
        upstreams=tuple(upstreams),
        dependabot=tuple(dependabot),
        base_snapshot=_blob_text(compared, schemas_rel / "schema.prisma"),
        base_lock=_blob_text(compared, schemas_rel / "lock.json"),
        updater=_updater(repo, compared, head_commit, branch, bool(dependabot)),
        head_branch=branch,
    )


def _head_branch(repo: git.Repo, head_ref: str, head: git.Commit) -> str | None:
    """The PR's branch: ``$GITHUB_HEAD_REF`` in a pull-request job, else ``head_ref``
    when it names a branch, else the checked-out branch when it is at the head."""
    env = os.environ.get("GITHUB_HEAD_REF", "").strip()
    if env:
        return env
    name = head_ref.removeprefix("refs/heads/").removeprefix("origin/")
    if name != "HEAD" and any(b.name == name for b in repo.branches):
        return name
    if not repo.head.is_detached and repo.head.commit.hexsha == head.hexsha:
        return str(repo.active_branch.name)
    return None


def _updater(repo: git.Repo, base: git.Commit, head: git.Commit, branch: str | None,
             dependabot_block: bool) -> str | None:
    """``dependabot`` or ``renovate`` when the PR is that bot's, by branch or author."""
    for bot in ("dependabot", "renovate"):
        if branch and branch.startswith(f"{bot}/"):
            return bot
    if dependabot_block:
        return "dependabot"
    import git

    try:
        commits = list(repo.iter_commits(f"{base.hexsha}..{head.hexsha}", max_count=_MAX_COMMITS))
    except git.GitCommandError:
        commits = [head]
    for bot, emails in _BOT_EMAILS.items():
        if any(c.author.email in emails for c in commits):
            return bot
    return None


def _is_shallow(repo: git.Repo) -> bool:
    return bool(repo.git.rev_parse("--is-shallow-repository").strip() == "true")


def _commit(repo: git.Repo, ref: str, *, shallow: bool, role: str) -> git.Commit:
    import git

    try:
        return repo.commit(ref)
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        pass
    remote_branch = ref.removeprefix("origin/")
    hint = (
        f"fetch it first: git fetch --depth=1 origin {remote_branch}"
        if role == "base"
        else "pass --head with a commit that exists in this clone"
    )
    if shallow:
        hint += " (this is a shallow clone, which has only the commits it fetched)"
    raise BadInputError(f"the {role} ref {ref!r} is not in this repository", hint=hint)


def _merge_base(repo: git.Repo, base: git.Commit, head: git.Commit) -> git.Commit | None:
    import git

    try:
        bases = repo.merge_base(base, head)
    except git.GitCommandError:
        return None  # shallow history without a common ancestor
    first = bases[0] if bases else None
    return first if isinstance(first, git.Commit) else None


def _blob_text(commit: git.Commit, path: PurePosixPath) -> str | None:
    try:
        blob = commit.tree / path.as_posix()
    except KeyError:
        return None
    data: bytes = blob.data_stream.read()
    return data.decode("utf-8")


def _pin_texts(commit: git.Commit, project: PurePosixPath) -> dict[str, str]:
    """``pyproject.toml`` and ``requirements*.txt`` / ``.in`` of the project at ``commit``."""
    try:
        tree = commit.tree if str(project) in ("", ".") else commit.tree / project.as_posix()
    except KeyError:
        return {}
    texts: dict[str, str] = {}
    for item in tree.blobs:
        if item.name == "pyproject.toml" or re.fullmatch(r"requirements.*\.(?:txt|in)", item.name):
            try:
                texts[item.name] = item.data_stream.read().decode("utf-8")
            except UnicodeDecodeError:
                raise ConfigError(f"{item.path} at {commit.hexsha[:12]} is not UTF-8") from None
    return texts


def _single_version(pins: list[Pin], package: str, ref: str) -> str | None:
    versions = sorted({p.version for p in pins})
    if len(versions) > 1:
        where = ", ".join(f"{p.location} ({p.version})" for p in pins)
        raise ConfigError(f"at {ref}, {package} is pinned to different versions: {where}")
    return versions[0] if versions else None


def _dependabot_updates(
    repo: git.Repo, base: git.Commit, head: git.Commit
) -> list[DependabotUpdate]:
    import git

    try:
        commits = list(repo.iter_commits(f"{base.hexsha}..{head.hexsha}", max_count=_MAX_COMMITS))
    except git.GitCommandError:
        commits = [head]
    seen: dict[str, DependabotUpdate] = {}
    # Oldest first, so a later commit's entry for the same package wins.
    for commit in reversed(commits):
        message = commit.message if isinstance(commit.message, str) else commit.message.decode()
        for update in parse_dependabot_message(message, commit=commit.hexsha):
            seen[canonicalize_name(update.name)] = update
    return list(seen.values())
