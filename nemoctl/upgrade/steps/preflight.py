"""``preflight``: what must hold before any slow work (git tree, pins, target version).

Two flavours of one step: an upgrade checks the tree and the requested target
against the pin; verify mode (CI) checks that the pins already name the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from nemoctl.config import Config
from nemoctl.errors import BadInputError, NemoctlError
from nemoctl.pins import pinned_version
from nemoctl.preflight import check_provenance
from nemoctl.upgrade import _git
from nemoctl.upgrade.resolve import project_python
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step


@dataclass(frozen=True, slots=True)
class PreflightResult(Outcome):
    package: str
    #: The version pinned now (upgrade mode: what the upgrade moves from).
    current: str
    #: The normalised target (None for ``latest`` until resolve picks it).
    target: str | None
    python: str
    #: A refusal found after the pin was read (the report still names the pin).
    error: NemoctlError | None = None

    @property
    def detail(self) -> str:
        if self.error is not None:
            return ""
        return f"{self.package} pinned at {self.current}; Python {self.python}"

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def keep(self, sections: Sections) -> None:
        sections.preflight = self


def check_tree(config: Config, *, allow_dirty: bool, need_git: bool) -> None:
    dirty = _git.dirty_paths(config.root)
    if dirty is None:
        if need_git or not allow_dirty:
            raise BadInputError(
                f"{config.root} is not inside a git repository",
                hint="nemoctl upgrade needs git to prove the tree is clean (or pass --allow-dirty)",
            )
        return
    if dirty and not allow_dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise BadInputError(
            f"the git tree has uncommitted changes: {shown}",
            hint="commit or stash them first, or pass --allow-dirty",
        )


def check_target(current: str, requested: str, *, allow_downgrade: bool) -> str | None:
    """The normalised target version (``None`` for ``latest``); BadInputError if refused."""
    if requested == "latest":
        return None
    from nemoctl.upstream import normalize_version

    target = normalize_version(requested)
    if Version(target) == Version(current):
        raise BadInputError(f"already pinned to {target}; nothing to upgrade")
    if Version(target) < Version(current) and not allow_downgrade:
        raise BadInputError(
            f"{target} is older than the pinned {current}",
            hint="pass --allow-downgrade to move the pin backwards",
        )
    return target


def _upgrade(ctx: Context) -> PreflightResult:
    from nemoctl.adopt.protection import require_protection
    from nemoctl.upgrade.lockfile import lock_command

    config, package = ctx.config, ctx.upstream.package
    check_tree(config, allow_dirty=ctx.allow_dirty, need_git=ctx.commit)
    ctx.run.warnings.extend(require_protection(config, allow_unprotected=ctx.allow_unprotected))
    check_provenance(config)
    current = pinned_version(config.root, package)
    try:
        target = check_target(current, ctx.requested, allow_downgrade=ctx.allow_downgrade)
        lock_command(config.root)
        if ctx.branch and not ctx.commit:
            raise BadInputError("--branch needs --commit")
        python = project_python(config)
    except NemoctlError as exc:
        return PreflightResult(package, current, None, "", error=exc)
    return PreflightResult(package, current, target, python)


def _verify(ctx: Context) -> PreflightResult:
    from nemoctl.upstream import normalize_version

    package = ctx.upstream.package
    version = normalize_version(ctx.requested)
    check_provenance(ctx.config, action="verify this bump")
    pinned = pinned_version(ctx.config.root, package)
    if Version(pinned) != Version(version):
        raise BadInputError(f"the pins name {package} {pinned}, not {version}")
    return PreflightResult(package, version, version, project_python(ctx.config))


UPGRADE = Step("preflight", _upgrade)
VERIFY = Step("preflight", _verify)
