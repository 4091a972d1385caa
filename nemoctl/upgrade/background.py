"""The contract gate, started early: prepared in the background while the upgrade writes.

The contract step used to start after every other step: build (or reuse) the
isolated environment, start pytest, import LiteLLM's proxy (~12 s), then test.  Only
the contracts that validate against them need the regenerated models.
:class:`BackgroundContracts` starts the suite as soon as the target version passed
the supply-chain policy (nothing is installed from a release the policy refused), in
a thread whose children go through :mod:`nemoctl._proc`; the suite runs every
contract that does not import the models at once and then waits on a gate file
(:mod:`nemoctl._contracts_warmup`) that :meth:`release` opens once the regenerated
models are written.  :meth:`cancel` (any failure, Ctrl-C, SIGTERM)
writes "stop" to the gate and kills the background children, so nothing outlives
the run; the thread is a daemon and is joined briefly.

A project's own contract command (``[tool.nemoctl.contracts] command``) gets the same
overlap for its environment build; the command itself runs after the release.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from nemoctl import _proc
from nemoctl._atomic import write_atomic
from nemoctl.config import Config
from nemoctl.errors import ContractsFailedError, NemoctlError
from nemoctl.upgrade.contracts_gate import (
    ContractOutcome,
    configured_command,
    isolated_env,
    outcome_of,
    run_command_gate,
    suite_options,
)

T = TypeVar("T")


class BackgroundContracts:
    """One contract gate run, started now, released later, awaited in the contracts step."""

    def __init__(self, config: Config, version: str, *, requirements: list[str],
                 models_dir: Path) -> None:
        self.config = config
        self.version = version
        self.requirements = requirements
        self.models_dir = models_dir
        self._command = configured_command(config)
        self._scratch = Path(tempfile.mkdtemp(prefix="nemoctl-gate-"))
        self._gate = self._scratch / "gate"
        self._released = threading.Event()
        self._cancelled = False
        self._outcome: ContractOutcome | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="nemoctl-contracts",
                                        daemon=True)
        self.started_at = 0.0
        #: When the background reached the point where only the models were missing.
        self.ready_at: float | None = None
        self.released_at: float | None = None
        self.finished_at: float | None = None

    def start(self) -> BackgroundContracts:
        self.started_at = time.time()
        self._thread.start()
        return self

    # -- the thread ------------------------------------------------------------------

    def _work(self) -> None:
        try:
            if self._command is not None:
                isolated_env(self.requirements)
                self.ready_at = time.time()
                self._released.wait()
                if self._cancelled:
                    return
                self._outcome = run_command_gate(
                    self._command, root=self.config.root, version=self.version,
                    requirements=self.requirements, models_dir=self.models_dir,
                )
            else:
                from nemoctl._contracts_warmup import GATE_ENV
                from nemoctl.contracts import run_contracts

                started = time.time()
                run = run_contracts(
                    self.version, models_dir=self.models_dir, **suite_options(self.config),
                    extra_env={"PYTEST_PLUGINS": "nemoctl._contracts_warmup",
                               GATE_ENV: str(self._gate)},
                )
                self._outcome = outcome_of(run, time.time() - started)
        except NemoctlError as exc:  # handed to the main thread by result()
            self._error = exc
        except Exception as exc:  # an unclassified failure is still "could not run"
            self._error = ContractsFailedError(
                f"the contract gate could not be prepared: {type(exc).__name__}: {exc}"
            )
        except BaseException as exc:
            self._error = exc
        finally:
            self.finished_at = time.time()

    # -- the main thread ----------------------------------------------------------------

    def release(self) -> None:
        """The regenerated models are written: let the tests run."""
        self.released_at = time.time()
        self._note_ready()
        write_atomic(self._gate, b"go")
        self._released.set()

    def result(self) -> ContractOutcome:
        """Wait for the outcome; re-raises what the background work raised."""
        while self._thread.is_alive():
            self._thread.join(0.1)  # short joins: Ctrl-C stays responsive
        self._note_ready()
        self._cleanup()
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome

    def cancel(self) -> None:
        """Stop the background work and its children; idempotent."""
        if self._cancelled:
            return
        self._cancelled = True
        if not self._released.is_set():
            with contextlib.suppress(OSError):
                write_atomic(self._gate, b"stop")
            self._released.set()
        _proc.kill_all()
        self._thread.join(10)
        self._cleanup()

    def _note_ready(self) -> None:
        # The warm-up plugin stamps the moment LiteLLM's proxy was imported.
        from nemoctl._contracts_warmup import ready_path

        if self.ready_at is None:
            with contextlib.suppress(OSError):
                self.ready_at = ready_path(self._gate).stat().st_mtime

    def _cleanup(self) -> None:
        for name in os.listdir(self._scratch) if self._scratch.is_dir() else ():
            (self._scratch / name).unlink(missing_ok=True)
        if self._scratch.is_dir():
            self._scratch.rmdir()

    def timeline(self) -> dict[str, float | None]:
        """Seconds from the background start: when ready, released, finished."""
        def rel(t: float | None) -> float | None:
            return round(t - self.started_at, 3) if t is not None else None

        return {"ready_s": rel(self.ready_at), "released_s": rel(self.released_at),
                "finished_s": rel(self.finished_at)}



class BackgroundCall(Generic[T]):
    """``fn(*args)`` in a daemon thread (its children die with nemoctl like any other).

    Used to render the regenerated files while the lock tool runs: rendering needs
    only the new schema.  A daemon thread never holds up the exit of a failed run.
    """

    def __init__(self, name: str, fn: Callable[..., T], *args: Any) -> None:
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, args=(fn, args), name=name,
                                        daemon=True)
        self._thread.start()

    def _work(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._result = fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._error = exc

    def result(self) -> T:
        while self._thread.is_alive():
            self._thread.join(0.1)  # short joins: Ctrl-C stays responsive
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
