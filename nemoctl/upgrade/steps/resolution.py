"""``resolve``: does the target version's whole dependency set resolve (and, for
``latest``, which version is that)?  Names the coupled pins it moves with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nemoctl.config import Config, UpstreamConfig
from nemoctl.errors import ResolutionError
from nemoctl.upgrade.resolve import MAX_CANDIDATES, Resolution, resolve
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need


@dataclass(frozen=True, slots=True)
class ResolveResult(Outcome):
    requirement: str
    version: str
    resolution: Resolution
    #: The coupled packages (``[tool.nemoctl.upstream.*] coupled``) and their versions.
    coupled: dict[str, str] = field(default_factory=dict)
    #: ``latest``: the newer versions the supply-chain policy refused first.
    attempts: tuple[dict[str, Any], ...] = ()
    error: ResolutionError | None = None

    @property
    def detail(self) -> str:
        if self.error is not None:
            return ""
        return f"{self.requirement} resolves " + (
            f"({', '.join(f'{k}=={v}' for k, v in self.coupled.items())})" if self.coupled else ""
        )

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def keep(self, sections: Sections) -> None:
        sections.resolve = self

    def to_dict(self) -> dict[str, Any]:
        data = self.resolution.to_dict()
        if self.attempts:
            data["latest_attempts"] = list(self.attempts)
        return data

    def requirements(self) -> list[str]:
        """``name==version`` of the upstream and its coupled pins (what the gate installs)."""
        return [self.requirement, *(f"{k}=={v}" for k, v in self.coupled.items())]


def requirement_for(upstream: UpstreamConfig, version: str) -> str:
    extras = f"[{','.join(upstream.extras)}]" if upstream.extras else ""
    return f"{upstream.package}{extras}=={version}"


def requirement_range(upstream: UpstreamConfig, spec: str) -> str:
    extras = f"[{','.join(upstream.extras)}]" if upstream.extras else ""
    return f"{upstream.package}{extras}{spec}"


def newest_below(upstream: UpstreamConfig, current: str, target: str, *, python: str) -> str | None:
    """The newest version in (current, target) that resolves, for the error's hint."""
    result = resolve([requirement_range(upstream, f">{current},<{target}")], python=python)
    return result.resolved.get(upstream.package.lower()) if result.ok else None


def _latest(config: Config, upstream: UpstreamConfig, current: str, *, python: str,
            allow_yanked: bool) -> tuple[str, Resolution, list[dict[str, Any]]]:
    """``latest``: the newest version above the pin whose whole set resolves and the
    supply-chain policy accepts (uv backtracks through releases, so one call replaces a
    walk over dozens of patch releases; a refused version is excluded and the question
    asked again, a bounded number of times)."""
    from nemoctl.supply_chain import evaluate

    excluded: list[str] = []
    skipped: list[dict[str, Any]] = []
    for _ in range(MAX_CANDIDATES):
        spec = requirement_range(upstream, f">{current}" + "".join(f",!={v}" for v in excluded))
        result = resolve([spec], python=python)
        if not result.ok:
            raise ResolutionError(
                f"no release of {upstream.package} newer than {current} resolves for "
                f"Python {python}: {result.reason}",
                hint="stay on the current pin; try again when the missing package is published",
            )
        found = result.resolved[upstream.package.lower()]
        verdict = evaluate(upstream.package, found, config, allow_yanked=allow_yanked)
        if verdict.ok:
            return found, result, skipped
        skipped.append({"version": found, "refused_by": "supply-chain",
                        "refusals": verdict.to_dict().get("refusals")})
        excluded.append(found)
    raise ResolutionError(
        f"the newest {MAX_CANDIDATES} resolvable releases of {upstream.package} were all "
        "refused by the supply-chain policy",
    )


def _run(ctx: Context) -> ResolveResult:
    pre = need(ctx.done.preflight, "preflight")
    upstream = ctx.upstream
    attempts: list[dict[str, Any]] = []
    if pre.target is None:
        version, result, attempts = _latest(ctx.config, upstream, pre.current,
                                            python=pre.python, allow_yanked=ctx.allow_yanked)
    else:
        version = pre.target
        result = resolve([requirement_for(upstream, version)], python=pre.python)
    requirement = requirement_for(upstream, version)
    if not result.ok:
        # Upgrade: the current pin bounds the suggestion; verify: the base branch's pin.
        below = pre.current if ctx.mode == "upgrade" else ctx.base_version
        suggestion = newest_below(upstream, below, version, python=pre.python) if below else None
        hint = (
            f"the newest version that resolves is {suggestion}: "
            f"nemoctl upgrade {upstream.name} {suggestion}"
            if suggestion else
            f"no version between {below} and {version} resolves either" if below else None
        )
        error = ResolutionError(
            f"{requirement} does not resolve for Python {pre.python}: {result.reason}", hint=hint)
        return ResolveResult(requirement, version, result, error=error)
    coupled = {c: result.resolved[c.lower()] for c in upstream.coupled
               if c.lower() in result.resolved}
    return ResolveResult(requirement, version, result, coupled, tuple(attempts))


STEP = Step("resolve", _run)
