"""``lockfile``: the project's lockfile refreshed by its own tool (uv, Poetry), and
requirements files kept installable (``upgrade/requirements.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from nemoctl.pins import requirement_files
from nemoctl.upgrade.lockfile import LockRefresh, lock_command, refresh_lockfile
from nemoctl.upgrade.requirements import RequirementsSync, sync_requirements
from nemoctl.upgrade.resolve import project_python
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need
from nemoctl.upgrade.steps.bump import targets


@dataclass(frozen=True, slots=True)
class LockfileResult(Outcome):
    refresh: LockRefresh
    #: requirements*.txt kept installable (None: the project has none).
    requirements: RequirementsSync | None = None

    @property
    def _synced(self) -> bool:
        return self.requirements is not None and bool(
            self.requirements.files or self.requirements.commands)

    @property
    def detail(self) -> str:
        head = self.refresh.path or "no lockfile"
        if self.requirements is None or not self._synced:
            return head
        synced = self.requirements.detail()
        return synced if not self.refresh.path else f"{head}; {synced}"

    @property
    def status(self) -> str:
        return "ok" if self.refresh.path or self._synced else "skipped"

    def keep(self, sections: Sections) -> None:
        sections.lockfile = self


def _run(ctx: Context) -> LockfileResult:
    txn, root = need(ctx.txn, "transaction"), ctx.config.root
    tool = lock_command(root)
    if tool is not None:  # journaled before the tool starts writing it
        txn.expect_external(root / tool[0])
    refreshed = refresh_lockfile(root)
    if refreshed.path:
        txn.record_external(root / refreshed.path)
    synced = None
    if requirement_files(root):
        synced = sync_requirements(root, txn.write_bytes, upstream_packages=targets(ctx),
                                   python=project_python(ctx.config))
    return LockfileResult(refreshed, synced)


STEP = Step("lockfile", _run, writes=True)
