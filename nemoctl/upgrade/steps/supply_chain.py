"""``supply-chain``: every release the upgrade would install passes the policy (yanked,
withdrawn, too new, hash, advisories); the reports are kept even when one is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need

if TYPE_CHECKING:
    from nemoctl.supply_chain import SupplyChainReport


@dataclass(frozen=True, slots=True)
class SupplyChainResult(Outcome):
    reports: tuple[SupplyChainReport, ...]

    @property
    def refused(self) -> tuple[SupplyChainReport, ...]:
        return tuple(r for r in self.reports if not r.ok)

    @property
    def detail(self) -> str:
        if self.refused:
            return f"{len(self.refused)} of {len(self.reports)} release(s) refused"
        return f"{len(self.reports)} release(s) accepted"

    def check(self) -> None:
        """SupplyChainError (exit 3) for the first refusal."""
        from nemoctl.supply_chain import enforce

        for report in self.reports:
            enforce(report)

    def keep(self, sections: Sections) -> None:
        sections.supply_chain = self


def _run(ctx: Context) -> SupplyChainResult:
    from nemoctl.supply_chain import evaluate

    resolved = need(ctx.done.resolve, "resolve")
    packages = {ctx.upstream.package: resolved.version, **resolved.coupled}
    result = SupplyChainResult(tuple(
        evaluate(package, version, ctx.config, allow_yanked=ctx.allow_yanked)
        for package, version in packages.items()
    ))
    if ctx.background is not None and not result.refused:
        # The background contracts may now build and import what the policy accepted.
        ctx.background.vetted(resolved.requirements())
    return result


STEP = Step("supply-chain", _run)
