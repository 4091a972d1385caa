"""The contract gate, started early: prepared in the background while the upgrade writes.

The contract step used to start after every other step: build (or reuse) the
isolated environment, start pytest, import LiteLLM's proxy (~7 s), then test.  Only
the contracts that validate against them need the regenerated models.
:class:`BackgroundContracts` starts as soon as the target version is known (after
preflight for an explicit version, after resolve for ``latest``), in a thread whose
children go through :mod:`nemoctl._proc`.

Nothing runs or is installed from a release the supply-chain policy has not accepted
in this run — not even an interpreter in its environment, which would execute the
installed packages' ``.pth`` files and pytest plugins at start.  When an environment
for the version already exists (nothing to install), this thread evaluates the policy
for the releases it holds (the upstream and its coupled packages, read from their
metadata) while the foreground resolves, and starts pytest in it as soon as they
pass.  Otherwise (a refusal, the index unreachable, no environment yet) nothing
starts before :meth:`vetted`, which the pipeline calls once its own supply-chain step
accepted the resolved set; then the environment is built if needed.  A project's own
contract command always waits for :meth:`vetted` (its environment's requirements come
from the resolution).

The suite runs every contract that does not import the models at once and then
waits on a gate file (:mod:`nemoctl._contracts_warmup`) that :meth:`release` opens
once the regenerated models are written.  :meth:`cancel` (any failure, Ctrl-C,
SIGTERM) writes "stop" to the gate and kills the background children, so nothing
outlives the run; the thread is a daemon and is joined briefly.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from nemoctl import _proc
from nemoctl._atomic import write_atomic
from nemoctl.config import Config, UpstreamConfig
from nemoctl.errors import ContractsFailedError, NemoctlError
from nemoctl.upgrade.contracts_gate import (
    ContractOutcome,
    configured_command,
    isolated_env,
    outcome_of,
    run_command_gate,
    suite_options,
)

if TYPE_CHECKING:
    from nemoctl.contracts.envs import ContractEnv

T = TypeVar("T")


class BackgroundContracts:
    """One contract gate run, started now, vetted and released later, awaited at the end."""

    def __init__(self, config: Config, version: str, *, upstream: UpstreamConfig,
                 models_dir: Path, allow_yanked: bool = False) -> None:
        self.config = config
        self.version = version
        self.upstream = upstream
        self.allow_yanked = allow_yanked
        self.requirements: list[str] = []
        self.models_dir = models_dir
        self._command = configured_command(config)
        self._scratch = Path(tempfile.mkdtemp(prefix="nemoctl-gate-"))
        self._gate = self._scratch / "gate"
        self._vetted = threading.Event()
        self._released = threading.Event()
        self._cancelled = False
        self._outcome: ContractOutcome | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="nemoctl-contracts",
                                        daemon=True)
        #: Wall-clock stamps (``time.time()``) of the background's progress.
        self.started_at = 0.0
        #: When the suite was allowed to start (policy accepted), and by whom.
        self.vetted_at: float | None = None
        self.vetted_by: str | None = None
        #: Why the existing environment was not accepted early (None: it was, or none).
        self.early_vet: str | None = None
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
                if not self._wait_vetted():
                    return
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

                env = self._existing_env()
                # An existing environment vetted here, beside resolve, starts the suite
                # early; anything else waits for the pipeline's supply-chain step.
                if not (env is not None and self._vet_env(env)) and not self._wait_vetted():
                    return
                if self._cancelled:
                    return
                started = time.time()
                run = run_contracts(
                    self.version, models_dir=self.models_dir, **suite_options(self.config),
                    extra_env={GATE_ENV: str(self._gate)},
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

    def _wait_vetted(self) -> bool:
        """Wait for :meth:`vetted`; False when the run was cancelled instead."""
        self._vetted.wait()
        return not self._cancelled

    def _existing_env(self) -> ContractEnv | None:
        from nemoctl.contracts.envs import existing_env

        try:
            return existing_env(self.version)
        except Exception:  # e.g. an unreadable pip configuration: build later, vetted
            return None

    def _vet_env(self, env: ContractEnv) -> bool:
        """Does the policy accept the releases ``env`` holds (upstream and coupled)?

        Evaluated here so the suite need not wait for resolve.  Any doubt (the
        upstream's version not the one asked for, a refusal, an error reaching the
        index) answers False: the pipeline's own supply-chain step decides then.
        """
        from nemoctl.contracts.envs import installed_versions
        from nemoctl.supply_chain import evaluate

        try:
            held = installed_versions(env, [self.upstream.package, *self.upstream.coupled])
            if held.get(self.upstream.package) != self.version:
                self.early_vet = f"the environment holds {held} (not {self.version})"
                return False
            for name, version in held.items():
                if self._cancelled:
                    return False
                report = evaluate(name, version, self.config, allow_yanked=self.allow_yanked)
                if not report.ok:
                    self.early_vet = f"the policy refused {name} {version}"
                    return False
        except Exception as exc:  # the pipeline's supply-chain step decides (and reports)
            self.early_vet = f"not evaluated: {type(exc).__name__}: {exc}"
            return False
        if self._cancelled:
            return False
        self.vetted_at, self.vetted_by = time.time(), "environment"
        return True

    # -- the main thread ----------------------------------------------------------------

    def vetted(self, requirements: list[str]) -> None:
        """The supply-chain step accepted ``requirements`` (``name==version``): build, run."""
        self.requirements = list(requirements)
        if self.vetted_at is None:
            self.vetted_at, self.vetted_by = time.time(), "supply-chain step"
        self._vetted.set()

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
        self._vetted.set()  # a thread waiting for the verdict sees the cancellation
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
        shutil.rmtree(self._scratch, ignore_errors=True)

    def timeline(self, origin: float | None = None) -> dict[str, float | str | None]:
        """Seconds from ``origin`` (default: the background's start) to each stamp."""
        base = self.started_at if origin is None else origin

        def rel(t: float | None) -> float | None:
            return round(t - base, 3) if t is not None else None

        return {"started_s": rel(self.started_at), "vetted_s": rel(self.vetted_at),
                "vetted_by": self.vetted_by, "early_vet": self.early_vet,
                "ready_s": rel(self.ready_at),
                "released_s": rel(self.released_at), "finished_s": rel(self.finished_at)}


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
