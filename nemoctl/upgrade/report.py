"""What an upgrade (or a CI verification) did, as data: rendered by ``nemoctl.render.upgrade``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nemoctl.errors import ExitCode

if TYPE_CHECKING:
    from nemoctl.findings.acks import AckStatus
    from nemoctl.transaction import RecoveryResult
    from nemoctl.upgrade.bump import PinEdit
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


@dataclass(frozen=True, slots=True)
class StepResult:
    name: str
    #: ok | failed | skipped | planned (dry run)
    status: str
    duration_s: float
    detail: str = ""
    #: Seconds from the run's start to when this step's work began.
    started_s: float | None = None
    #: The work ran in the background, overlapping the steps after ``started_s``;
    #: ``waited_s`` is what the run spent waiting for it (its share of the wall time).
    background: bool = False
    waited_s: float | None = None

    def timing(self) -> str:
        """``lockfile 3.02s``, or for overlapped work ``contracts 7.10s (in the background
        from 0.52s; waited 1.20s)``."""
        text = f"{self.name} {self.duration_s:.2f}s"
        if self.background and self.started_s is not None:
            text += f" (in the background from {self.started_s:.2f}s"
            text += f"; waited {self.waited_s:.2f}s)" if self.waited_s is not None else ")"
        return text

    def to_dict(self) -> dict[str, Any]:
        def r(value: float | None) -> float | None:
            return round(value, 3) if value is not None else None

        return {
            "name": self.name,
            "status": self.status,
            "duration_s": round(self.duration_s, 3),
            "detail": self.detail,
            "started_s": r(self.started_s),
            "background": self.background,
            "waited_s": r(self.waited_s),
        }


@dataclass(frozen=True, slots=True)
class UpgradeError:
    type: str
    message: str
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message, "hint": self.hint}


@dataclass(frozen=True, slots=True, kw_only=True)
class UpgradeReport:
    """Everything an upgrade decided: one typed section per step that ran (``None``:
    not run, or the run stopped before it); ``exit_code`` is what the CLI exits with."""

    mode: str  # "upgrade" | "verify"
    upstream: str
    package: str
    requested: str
    dry_run: bool
    exit_code: ExitCode
    steps: tuple[StepResult, ...] = ()
    error: UpgradeError | None = None
    warnings: tuple[str, ...] = ()
    #: Wall time of the run (overlapped steps make the sum of durations larger).
    wall_s: float | None = None
    #: A journal an interrupted upgrade left, restored before this run.
    recovery: RecoveryResult | None = None
    #: A failure rolled the transaction back: every file is byte-identical again.
    restored: bool = False
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

    @property
    def ok(self) -> bool:
        return self.exit_code == ExitCode.OK

    @property
    def total_s(self) -> float:
        """The run's wall time; the sum of the step durations when it was not measured."""
        if self.wall_s is not None:
            return self.wall_s
        return sum(s.duration_s for s in self.steps)

    @property
    def from_version(self) -> str | None:
        """The pin an upgrade moves from (verify mode: None, the PR moved it)."""
        return self.preflight.current if self.preflight and self.mode == "upgrade" else None

    @property
    def to_version(self) -> str | None:
        if self.resolve is not None:
            return self.resolve.version
        return self.preflight.target if self.preflight else None

    @property
    def coupled(self) -> dict[str, str]:
        """The coupled pins that move with the upstream (the wheel's own included)."""
        if self.schema is not None:
            return self.schema.coupled
        return self.resolve.coupled if self.resolve is not None else {}

    @property
    def files_written(self) -> tuple[str, ...]:
        return self.regenerate.written if self.regenerate else ()

    @property
    def files_deleted(self) -> tuple[str, ...]:
        return self.regenerate.deleted if self.regenerate else ()

    @property
    def stale_files(self) -> tuple[str, ...]:
        """Verify mode without --write: generated files that differ from what the
        version produces."""
        return self.regenerate.stale if self.regenerate else ()

    @property
    def pin_edits(self) -> tuple[PinEdit, ...]:
        """Every moved pin: the bump's, then the requirements files' other pins."""
        synced = self.lockfile.requirements if self.lockfile else None
        return (*(self.bump.edits if self.bump else ()), *(synced.edits if synced else ()))

    @property
    def acknowledgements(self) -> tuple[AckStatus, ...]:
        """Every acknowledgement's status across the schema, migrations and surfaces the
        run judged (an ack no section matched is unused only if every surface ran)."""
        from nemoctl.findings.acks import combine_ack_statuses

        sections: list[tuple[tuple[str, ...], tuple[AckStatus, ...]]] = []
        if self.schema is not None:
            sections.append((("schema",), self.schema.report.acknowledgements))
        if self.migrations is not None and self.migrations.gate.report is not None:
            sections.append((("migrations",), self.migrations.gate.report.acknowledgements))
        if self.surfaces is not None:
            sections += [((r.surface,), r.acknowledgements) for r in self.surfaces.reports]
        return combine_ack_statuses(sections)

    @property
    def commit(self) -> str | None:
        return self.finish.commit if self.finish else None

    @property
    def branch(self) -> str | None:
        return self.finish.branch if self.finish else None

    def to_dict(self) -> dict[str, Any]:
        contracts = self.contracts.outcome if self.contracts else None
        return {
            "mode": self.mode,
            "upstream": self.upstream,
            "package": self.package,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "requested": self.requested,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "exit_code": int(self.exit_code),
            "error": self.error.to_dict() if self.error else None,
            "steps": [s.to_dict() for s in self.steps],
            "total_s": round(self.total_s, 3),
            "coupled": dict(self.coupled),
            "resolution": self.resolve.to_dict() if self.resolve else None,
            "supply_chain": [r.to_dict() for r in self.supply_chain.reports]
            if self.supply_chain else [],
            "schema": self.schema.report.to_dict() if self.schema else None,
            "surfaces": self.surfaces.to_dict() if self.surfaces else {},
            "acknowledgements": [a.to_dict() for a in self.acknowledgements],
            "pin_edits": [e.to_dict() for e in self.pin_edits],
            "lockfile": self.lockfile.refresh.to_dict() if self.lockfile else None,
            "files_written": list(self.files_written),
            "files_deleted": list(self.files_deleted),
            "stale_files": list(self.stale_files),
            "contracts": contracts.to_dict() if contracts else None,
            "migrations": self.migrations.gate.to_dict() if self.migrations else None,
            "typecheck": self.typecheck.result.to_dict() if self.typecheck else None,
            "commit": self.commit,
            "branch": self.branch,
            "recovery": self.recovery.to_dict() if self.recovery else None,
            "restored": self.restored,
            "warnings": list(self.warnings),
        }
