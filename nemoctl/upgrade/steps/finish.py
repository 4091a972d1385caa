"""``finish``: commit the changed files (``--commit``), with a message read from the
report's sections; without ``--commit`` the files stay changed in the working tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nemoctl.errors import ExitCode
from nemoctl.upgrade import _git
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need

if TYPE_CHECKING:
    from nemoctl.upgrade.report import UpgradeReport


@dataclass(frozen=True, slots=True)
class FinishResult(Outcome):
    changed: int
    commit: str | None = None
    branch: str | None = None

    @property
    def detail(self) -> str:
        if self.commit is not None:
            return f"committed {self.commit[:12]}"
        return f"{self.changed} file(s) changed, not committed"

    def keep(self, sections: Sections) -> None:
        sections.finish = self


def commit_message(report: UpgradeReport) -> str:
    """The upgrade commit's message: versions, schema, sacred fields, files, contracts,
    step timings (all read from the report's sections)."""
    lines = [f"Upgrade {report.package} {report.from_version} → {report.to_version} (nemoctl)",
             ""]
    for name, version in report.coupled.items():
        lines.append(f"- coupled: {name} {version}")
    if report.schema is not None:
        lines.append(f"- schema: {report.schema.summary()}")
        lines.append(f"- sacred fields: {report.schema.sacred_summary()}")
    lines.append(f"- regenerated: {len(report.files_written)} file(s) written, "
                 f"{len(report.files_deleted)} removed")
    outcome = report.contracts.outcome if report.contracts is not None else None
    if outcome is None:
        lines.append("- contracts: NOT RUN (--no-contracts)")
    else:
        total = f" ({outcome.total} contracts)" if outcome.total else ""
        lines.append(f"- contracts: passed{total} via {outcome.runner}")
    lines.append("- steps: " + ", ".join(s.timing() for s in report.steps))
    return "\n".join(lines) + "\n"


def _run(ctx: Context) -> FinishResult:
    txn = need(ctx.txn, "transaction")
    changed = txn.changed_paths()
    if not ctx.commit:
        return FinishResult(len(changed))
    message = commit_message(ctx.run.report(ExitCode.OK))
    sha = _git.commit(ctx.config.root, changed, message, branch=ctx.branch)
    return FinishResult(len(changed), sha, ctx.branch)


def _upgrading(ctx: Context) -> bool:
    return ctx.mode == "upgrade"


STEP = Step("finish", _run, writes=True, applies=_upgrading)
