"""The run of a step list: timing, progress events, and the report under construction."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nemoctl.errors import ExitCode, NemoctlError
from nemoctl.transaction import RecoveryResult
from nemoctl.upgrade.report import StepResult, UpgradeError, UpgradeReport
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step

ProgressFn = Callable[[str, StepResult | None], None]
"""Called with ``(step, None)`` when a step starts and ``(step, result)`` when it ends."""

#: Test hook: pause after the named step until the file named by
#: ``NEMOCTL_TEST_PAUSE_FILE`` is deleted (lets tests signal a run at a step boundary).
_PAUSE_ENV = "NEMOCTL_TEST_PAUSE_AFTER"
_PAUSE_FILE_ENV = "NEMOCTL_TEST_PAUSE_FILE"


@dataclass
class Run:
    """Step timings and the typed results so far (``done``), plus progress events."""

    mode: str
    upstream: str
    package: str
    requested: str
    dry_run: bool
    progress: ProgressFn | None
    steps: list[StepResult] = field(default_factory=list)
    done: Sections = field(default_factory=Sections)
    warnings: list[str] = field(default_factory=list)
    recovery: RecoveryResult | None = None
    #: Set when a failure rolled the transaction back (every file restored).
    restored: bool = False
    #: Wall clock at the run's start: step offsets and background stamps count from it.
    origin: float = field(default_factory=time.time)

    def offset(self, stamp: float) -> float:
        """Seconds from the run's start to the wall-clock ``stamp``."""
        return stamp - self.origin

    def do(self, step: Step, ctx: Context) -> None:
        """Run ``step``: keep its result, then let it refuse (the report keeps what the
        refusing step saw).  Work that ran in the background (``result.since``) reports
        its own duration, and this step's time as ``waited_s``."""
        if self.progress:
            self.progress(step.name, None)
        started = time.time()
        result: Outcome | None = None
        try:
            result = step.run(ctx)
            result.keep(self.done)
            result.check()
        except BaseException:
            self._end(step.name, "failed", started, result)
            raise
        self._end(step.name, result.status, started, result)
        _test_pause(step.name)

    def background(self, name: str, detail: str) -> None:
        """Announce work started in the background for step ``name`` (not a result yet)."""
        if self.progress:
            self.progress(name, StepResult(name, "background", 0.0, detail))

    def _end(self, name: str, status: str, started: float, result: Outcome | None) -> None:
        ended = time.time()
        detail = result.detail if result is not None else ""
        since = result.since if result is not None else None
        if since is not None and since <= started:
            detail = f"{detail}; waited {ended - started:.1f}s for it".lstrip("; ")
            timing = StepResult(name, status, ended - since, detail, started_s=self.offset(since),
                                background=True, waited_s=ended - started)
        else:
            timing = StepResult(name, status, ended - started, detail,
                                started_s=self.offset(started))
        self.steps.append(timing)
        if self.progress:
            self.progress(name, timing)

    def report(self, exit_code: ExitCode, error: NemoctlError | None = None) -> UpgradeReport:
        d = self.done
        return UpgradeReport(
            mode=self.mode,
            upstream=self.upstream,
            package=self.package,
            requested=self.requested,
            dry_run=self.dry_run,
            exit_code=exit_code,
            steps=tuple(self.steps),
            error=UpgradeError(type(error).__name__, error.message, error.hint) if error else None,
            warnings=tuple(self.warnings),
            wall_s=time.time() - self.origin,
            recovery=self.recovery,
            restored=self.restored,
            preflight=d.preflight,
            resolve=d.resolve,
            supply_chain=d.supply_chain,
            schema=d.schema,
            migrations=d.migrations,
            surfaces=d.surfaces,
            bump=d.bump,
            lockfile=d.lockfile,
            regenerate=d.regenerate,
            typecheck=d.typecheck,
            contracts=d.contracts,
            finish=d.finish,
        )


def _test_pause(step: str) -> None:
    if os.environ.get(_PAUSE_ENV) != step:
        return
    flag = Path(os.environ[_PAUSE_FILE_ENV])
    flag.write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
