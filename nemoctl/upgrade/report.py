"""What an upgrade (or a CI verification) did, as data: rendered by ``nemoctl.render.upgrade``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nemoctl.errors import ExitCode

#: The steps, in order; ``StepResult.name`` is one of these.
STEPS = (
    "preflight", "resolve", "supply-chain", "schema", "migrations", "bump", "lockfile",
    "regenerate", "typecheck", "contracts", "finish",
)


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


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """Everything an upgrade decided; ``exit_code`` is what the CLI exits with."""

    mode: str  # "upgrade" | "verify"
    upstream: str
    package: str
    requested: str
    dry_run: bool
    exit_code: ExitCode
    from_version: str | None = None
    to_version: str | None = None
    steps: tuple[StepResult, ...] = ()
    coupled: dict[str, str] = field(default_factory=dict)
    resolution: dict[str, Any] | None = None
    supply_chain: tuple[dict[str, Any], ...] = ()
    schema: dict[str, Any] | None = None
    pin_edits: tuple[dict[str, Any], ...] = ()
    lockfile: dict[str, Any] | None = None
    files_written: tuple[str, ...] = ()
    files_deleted: tuple[str, ...] = ()
    #: verify mode without --write: generated files that differ from what the version produces.
    stale_files: tuple[str, ...] = ()
    contracts: dict[str, Any] | None = None
    #: The migration gate's report (``nemoctl.migrations``), None when skipped.
    migrations: dict[str, Any] | None = None
    #: ``[tool.nemoctl.impact] typecheck`` results (None when not configured).
    typecheck: dict[str, Any] | None = None
    commit: str | None = None
    branch: str | None = None
    recovery: dict[str, Any] | None = None
    restored: bool = False
    error: UpgradeError | None = None
    warnings: tuple[str, ...] = ()
    #: The diff report object for human rendering (not serialised twice).
    diff_report: Any = field(default=None, compare=False, repr=False)
    #: The MigrationReport object, for rendering (not serialised twice).
    migration_report: Any = field(default=None, compare=False, repr=False)
    #: Wall time of the run (overlapped steps make the sum of durations larger).
    wall_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == ExitCode.OK

    @property
    def total_s(self) -> float:
        """The run's wall time; the sum of the step durations when it was not measured."""
        if self.wall_s is not None:
            return self.wall_s
        return sum(s.duration_s for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
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
            "resolution": self.resolution,
            "supply_chain": list(self.supply_chain),
            "schema": self.schema,
            "pin_edits": list(self.pin_edits),
            "lockfile": self.lockfile,
            "files_written": list(self.files_written),
            "files_deleted": list(self.files_deleted),
            "stale_files": list(self.stale_files),
            "contracts": self.contracts,
            "migrations": self.migrations,
            "typecheck": self.typecheck,
            "commit": self.commit,
            "branch": self.branch,
            "recovery": self.recovery,
            "restored": self.restored,
            "warnings": list(self.warnings),
        }
