"""``surfaces``: every registered surface gate (``nemoctl.surfaces.GATES``: LiteLLM's
Python API, its proxy configuration, the never-fork guard, ...) judges the move from
the current to the target version; any blocking finding refuses the upgrade (exit 4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nemoctl.errors import BlockedError
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need

if TYPE_CHECKING:
    from nemoctl.findings import SurfaceReport


@dataclass(frozen=True, slots=True)
class SurfacesResult(Outcome):
    reports: tuple[SurfaceReport, ...]

    @property
    def blocking(self) -> tuple[SurfaceReport, ...]:
        return tuple(r for r in self.reports if r.blocking)

    @property
    def detail(self) -> str:
        if not self.reports:
            return "no surface gates registered"
        parts = []
        for report in self.reports:
            counts = report.counts()
            found = ", ".join(f"{counts[s]} {s}" for s in ("ERR", "WARN", "INFO")
                              if counts.get(s))
            parts.append(f"{report.surface}: {found or 'no findings'}")
        return "; ".join(parts)

    @property
    def status(self) -> str:
        return "ok" if self.reports else "skipped"

    def check(self) -> None:
        blocking = self.blocking
        if not blocking:
            return
        first = next(f for f in blocking[0].findings if f.blocking)
        where = f" ({first.location.path}:{first.location.line})" if first.location else ""
        total = sum(1 for r in blocking for f in r.findings if f.blocking)
        raise BlockedError(
            f"{total} blocking finding(s) on {', '.join(r.surface for r in blocking)}: "
            f"{first.rule_id} {first.message}{where}",
            hint="see `nemoctl rules explain " + first.rule_id + "`; acknowledge reviewed "
            "findings by fingerprint in schemas/acknowledged.toml",
        )

    def keep(self, sections: Sections) -> None:
        sections.surfaces = self

    def to_dict(self) -> dict[str, object]:
        return {r.surface: r.to_dict() for r in self.reports}


def _run(ctx: Context) -> SurfacesResult:
    from nemoctl.findings import load_acknowledgements
    from nemoctl.findings.surface import SurfaceContext
    from nemoctl.surfaces import run_gates

    config = ctx.config
    version = need(ctx.done.resolve, "resolve").version
    current = need(ctx.done.preflight, "preflight").current if ctx.mode == "upgrade" \
        else ctx.base_version
    surface_ctx = SurfaceContext(
        root=config.root, config=config, current_version=current, target_version=version,
        severities=config.rule_severities,
        acknowledgements=load_acknowledgements(config.acknowledgements_file),
    )
    return SurfacesResult(run_gates(surface_ctx))


STEP = Step("surfaces", _run)
