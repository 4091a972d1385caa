"""``bump``: every exact pin of the upstream and its coupled packages moved (journaled);
in a dry run, the same edits planned and listed."""

from __future__ import annotations

from dataclasses import dataclass

from nemoctl.upgrade.bump import PinEdit, plan_bump
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need


@dataclass(frozen=True, slots=True)
class BumpResult(Outcome):
    edits: tuple[PinEdit, ...]
    #: Dry run: planned, nothing written.
    planned: bool = False

    @property
    def detail(self) -> str:
        if self.planned:
            return f"dry run: {len(self.edits)} pin(s) would move"
        return ", ".join(f"{e.location} {e.old}→{e.new}" for e in self.edits)

    @property
    def status(self) -> str:
        return "skipped" if self.planned else "ok"

    def keep(self, sections: Sections) -> None:
        sections.bump = self


def targets(ctx: Context) -> dict[str, str]:
    """The upstream and every coupled package, at the versions the upgrade moves to."""
    schema = need(ctx.done.schema, "schema")
    return {ctx.upstream.package: need(ctx.done.resolve, "resolve").version, **schema.coupled}


def _run(ctx: Context) -> BumpResult:
    edits, new_files = plan_bump(ctx.config.root, targets(ctx))
    if ctx.txn is None:
        return BumpResult(tuple(edits), planned=True)
    for path, data in new_files.items():
        ctx.txn.write_bytes(path, data)
    return BumpResult(tuple(edits))


STEP = Step("bump", _run, writes=True)
