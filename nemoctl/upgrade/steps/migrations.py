"""``migrations``: the SQL migrations the new release adds, judged statically
(``nemoctl.migrations``); skipped when the release ships none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need

if TYPE_CHECKING:
    from nemoctl.migrations.gate import GateOutcome


@dataclass(frozen=True, slots=True)
class MigrationsResult(Outcome):
    gate: GateOutcome

    @property
    def detail(self) -> str:
        return self.gate.detail

    @property
    def status(self) -> str:
        return self.gate.status

    def check(self) -> None:
        self.gate.raise_if_blocking()

    def keep(self, sections: Sections) -> None:
        sections.migrations = self


def _run(ctx: Context) -> MigrationsResult:
    from nemoctl.migrations.gate import migration_gate

    schema = need(ctx.done.schema, "schema")
    version = need(ctx.done.resolve, "resolve").version
    old = need(ctx.done.preflight, "preflight").current if ctx.mode == "upgrade" \
        else ctx.base_version
    return MigrationsResult(migration_gate(ctx.config, old, version, schema.coupled))


STEP = Step("migrations", _run)
