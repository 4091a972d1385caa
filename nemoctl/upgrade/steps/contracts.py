"""``contracts``: the consumer's contract suite against the new version, in an isolated
environment (``upgrade/contracts_gate.py``); in an upgrade it was started in the
background (``upgrade/background.py``) and this step waits for it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from nemoctl.errors import ContractsFailedError
from nemoctl.upgrade.contracts_gate import ContractOutcome, run_gate
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need


@dataclass(frozen=True, slots=True)
class ContractsResult(Outcome):
    package: str
    version: str
    #: None: not run (``--no-contracts``), which the report and commit state.
    outcome: ContractOutcome | None
    started_at: float | None = None

    @property
    def detail(self) -> str:
        o = self.outcome
        if o is None:
            return "--no-contracts: NOT RUN (unsafe)"
        return (f"passed via {o.runner}" if o.passed else f"{len(o.failed)} failed") + \
            _overlap_note(o)

    @property
    def status(self) -> str:
        return "skipped" if self.outcome is None else "ok"

    @property
    def since(self) -> float | None:
        return self.started_at

    def check(self) -> None:
        o = self.outcome
        if o is not None and not o.passed:
            raise ContractsFailedError(
                f"{len(o.failed)} contract(s) failed against {self.package} "
                f"{self.version}: {', '.join(o.failed)}",
                hint=_last_line(o.output_tail),
            )

    def keep(self, sections: Sections) -> None:
        sections.contracts = self


def _run(ctx: Context) -> ContractsResult:
    package, resolved = ctx.upstream.package, need(ctx.done.resolve, "resolve")
    if not ctx.contracts:
        ctx.run.warnings.append("the contract suite was not run (--no-contracts)")
        return ContractsResult(package, resolved.version, None)
    if ctx.background is not None:
        outcome = replace(ctx.background.result(),
                          background=ctx.background.timeline(ctx.run.origin))
        return ContractsResult(package, resolved.version, outcome, ctx.background.started_at)
    coupled = need(ctx.done.schema, "schema").coupled
    outcome = run_gate(
        ctx.config, resolved.version,
        requirements=[resolved.requirement, *(f"{k}=={v}" for k, v in coupled.items())],
        models_dir=ctx.config.generated_dir / "python",
    )
    return ContractsResult(package, resolved.version, outcome)


def _overlap_note(outcome: ContractOutcome) -> str:
    """What the background did when (seconds from the run's start), in time order."""
    t = outcome.background
    if not t:
        return ""
    events = [(t.get("vetted_s"), f"policy accepted (by the {t.get('vetted_by')})"),
              (t.get("ready_s"), "LiteLLM imported"),
              (t.get("released_s"), "models written"),
              (t.get("finished_s"), "done")]
    known = sorted((at, what) for at, what in events if isinstance(at, float))
    started = t.get("started_s")
    head = f"; in the background from {started:.1f}s" if isinstance(started, float) else ""
    return head + ": " + ", ".join(f"{what} {at:.1f}s" for at, what in known)


def _last_line(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else None


def _wanted(ctx: Context) -> bool:
    # An upgrade always has the step (skipped: stated as unsafe); verify only when run.
    return ctx.mode == "upgrade" or ctx.contracts


STEP = Step("contracts", _run, writes=True, applies=_wanted)
