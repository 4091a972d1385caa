"""``typecheck``: the project's own type checkers (``[tool.nemoctl.impact] typecheck``)
run against the regenerated types; part of an upgrade only when configured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step

if TYPE_CHECKING:
    from nemoctl.impact.typecheck import TypecheckResult


@dataclass(frozen=True, slots=True)
class TypecheckStepResult(Outcome):
    result: TypecheckResult

    @property
    def detail(self) -> str:
        return self.result.summary()

    def check(self) -> None:
        self.result.raise_if_failed()

    def keep(self, sections: Sections) -> None:
        sections.typecheck = self


def _run(ctx: Context) -> TypecheckStepResult:
    from nemoctl.impact.typecheck import run_typecheck

    return TypecheckStepResult(run_typecheck(ctx.config))


def _configured(ctx: Context) -> bool:
    # Verify mode leaves the generated types as the PR has them: nothing new to check.
    return ctx.mode == "upgrade" and bool(ctx.config.impact.typecheck)


STEP = Step("typecheck", _run, writes=True, applies=_configured)
