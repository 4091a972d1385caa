"""What every upgrade step sees (:class:`Context`), is (:class:`Step`) and gives back.

A step's ``run(ctx)`` returns a frozen result (an :class:`Outcome`) holding the real
objects it produced; the runner (``Run.do`` in ``upgrade/_run.py``) keeps it in
:class:`Sections` *before* calling its ``check()``, so a refused upgrade still reports
what the refusing step saw (the blocking diff, the failed contracts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from nemoctl.config import Config, UpstreamConfig

if TYPE_CHECKING:
    from nemoctl.transaction import Transaction
    from nemoctl.upgrade._run import Run
    from nemoctl.upgrade.background import BackgroundCall, BackgroundContracts
    from nemoctl.upgrade.steps.bump import BumpResult
    from nemoctl.upgrade.steps.contracts import ContractsResult
    from nemoctl.upgrade.steps.finish import FinishResult
    from nemoctl.upgrade.steps.lockfile import LockfileResult
    from nemoctl.upgrade.steps.migrations import MigrationsResult
    from nemoctl.upgrade.steps.preflight import PreflightResult
    from nemoctl.upgrade.steps.regenerate import RegenerateResult
    from nemoctl.upgrade.steps.resolution import ResolveResult
    from nemoctl.upgrade.steps.schema import SchemaResult
    from nemoctl.upgrade.steps.supply_chain import SupplyChainResult
    from nemoctl.upgrade.steps.surfaces import SurfacesResult
    from nemoctl.upgrade.steps.typecheck import TypecheckStepResult

Mode = Literal["upgrade", "verify"]
T = TypeVar("T")


class Outcome:
    """Base of every step result (frozen slotted dataclasses): its one-line detail,
    status, background start, and the refusal it stands for."""

    __slots__ = ()

    @property
    def detail(self) -> str:
        raise NotImplementedError

    @property
    def status(self) -> str:
        """``ok`` or ``skipped`` (a failure is an exception, recorded by the runner)."""
        return "ok"

    @property
    def since(self) -> float | None:
        """Wall-clock start of work that ran in the background (its duration counts)."""
        return None

    def check(self) -> None:
        """Raise the step's refusal (a NemoctlError), if it refuses."""

    def keep(self, sections: Sections) -> None:
        """Store this result in its section of the report under construction."""
        raise NotImplementedError


@dataclass(slots=True)
class Sections:
    """One typed result per step that ran (None: did not run or did not get that far)."""

    preflight: PreflightResult | None = None
    resolve: ResolveResult | None = None
    supply_chain: SupplyChainResult | None = None
    schema: SchemaResult | None = None
    migrations: MigrationsResult | None = None
    surfaces: SurfacesResult | None = None
    bump: BumpResult | None = None
    lockfile: LockfileResult | None = None
    regenerate: RegenerateResult | None = None
    typecheck: TypecheckStepResult | None = None
    contracts: ContractsResult | None = None
    finish: FinishResult | None = None


@dataclass(slots=True)
class Context:
    """The run's inputs, its live resources (transaction, background work) and the
    results so far (``ctx.done``).  One instance per run; steps read it."""

    config: Config
    upstream: UpstreamConfig
    run: Run
    mode: Mode
    requested: str
    allow_yanked: bool = False
    contracts: bool = True
    # upgrade mode
    allow_dirty: bool = False
    allow_downgrade: bool = False
    allow_unprotected: bool = False
    commit: bool = False
    branch: str | None = None
    dry_run: bool = False
    # verify mode: the base branch's snapshot and pin; --write
    base_text: str | None = None
    base_version: str | None = None
    write: bool = False
    # live resources
    txn: Transaction | None = None
    background: BackgroundContracts | None = None
    rendering: BackgroundCall[dict[Path, bytes]] | None = None

    @property
    def done(self) -> Sections:
        return self.run.done

    @property
    def may_write(self) -> bool:
        """Steps that write run in a transaction: an upgrade, or verify with ``--write``."""
        return not self.dry_run if self.mode == "upgrade" else self.write


def always(ctx: Context) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Step:
    """One named step: ``run(ctx)`` returns its result; ``writes``: it (and every step
    after it) runs inside the run's file transaction; ``applies``: whether it is part
    of this run at all (a step that does not apply leaves no line in the report)."""

    name: str
    run: Callable[[Context], Outcome]
    writes: bool = False
    applies: Callable[[Context], bool] = field(default=always)


def need(value: T | None, what: str) -> T:
    """The result of an earlier step; its absence is a bug in a step list (exit 70)."""
    if value is None:
        raise AssertionError(f"step order: the {what} step has not run")
    return value
