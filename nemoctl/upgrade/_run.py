"""Step timing, progress events and the report under construction."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemoctl.errors import ExitCode, NemoctlError
from nemoctl.upgrade.report import StepResult, UpgradeError, UpgradeReport

ProgressFn = Callable[[str, StepResult | None], None]
"""Called with ``(step, None)`` when a step starts and ``(step, result)`` when it ends."""

#: Test hook: pause after the named step until the file named by
#: ``NEMOCTL_TEST_PAUSE_FILE`` is deleted (lets tests signal a run at a step boundary).
_PAUSE_ENV = "NEMOCTL_TEST_PAUSE_AFTER"
_PAUSE_FILE_ENV = "NEMOCTL_TEST_PAUSE_FILE"


@dataclass
class _Run:
    """The report under construction, plus step timing and progress events."""

    mode: str
    upstream: str
    package: str
    requested: str
    dry_run: bool
    progress: ProgressFn | None
    steps: list[StepResult] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Wall clock at the run's start: step offsets and background stamps count from it.
    origin: float = field(default_factory=time.time)

    def offset(self, stamp: float) -> float:
        """Seconds from the run's start to the wall-clock ``stamp``."""
        return stamp - self.origin

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        """Time a step; the yielded dict may set ``detail`` and ``status``, and for work
        that ran in the background ``since`` (its wall-clock start): the step then
        reports that work's duration and its own time as ``waited_s``."""
        if self.progress:
            self.progress(name, None)
        note: dict[str, Any] = {}
        started = time.time()
        try:
            yield note
        except BaseException:
            self._end(name, "failed", started, note)
            raise
        self._end(name, note.get("status", "ok"), started, note)
        _test_pause(name)

    def background(self, name: str, detail: str) -> None:
        """Announce work started in the background for step ``name`` (not a result yet)."""
        if self.progress:
            self.progress(name, StepResult(name, "background", 0.0, detail))

    def skip(self, name: str, detail: str) -> None:
        result = StepResult(name, "skipped", 0.0, detail)
        self.steps.append(result)
        if self.progress:
            self.progress(name, result)

    def _end(self, name: str, status: str, started: float, note: dict[str, Any]) -> None:
        ended = time.time()
        since = note.get("since")
        if isinstance(since, float) and since <= started:
            detail = str(note.get("detail", "")) + f"; waited {ended - started:.1f}s for it"
            result = StepResult(name, status, ended - since, detail.lstrip("; "),
                                started_s=self.offset(since), background=True,
                                waited_s=ended - started)
        else:
            result = StepResult(name, status, ended - started, str(note.get("detail", "")),
                                started_s=self.offset(started))
        self.steps.append(result)
        if self.progress:
            self.progress(name, result)

    def report(self, exit_code: ExitCode, error: NemoctlError | None = None) -> UpgradeReport:
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
            **self.fields,
        )


def _test_pause(step: str) -> None:
    if os.environ.get(_PAUSE_ENV) != step:
        return
    flag = Path(os.environ[_PAUSE_FILE_ENV])
    flag.write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


