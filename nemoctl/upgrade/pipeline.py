"""The upgrade as a list of steps (``upgrade/steps/``), run inside one file transaction.

``run_upgrade`` is ``nemoctl upgrade``: preflight → resolve → supply-chain → schema →
migrations → surfaces → bump → lockfile → regenerate → (typecheck) → contracts →
finish.  Nothing is written before the judging steps passed; from the bump on, every
write goes through a :class:`~nemoctl.transaction.Transaction`, so any
failure, Ctrl-C or SIGTERM restores every file byte-identical, and a SIGKILL leaves a
journal the next run restores from.

``verify`` is the same steps for CI ("verify mode"): the pull request already moved
the pins, so there is no bump and no lockfile step; the schema is diffed against the
base branch's snapshot, and generated files are only compared (or written in place
with ``write=True``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from nemoctl.config import Config, load_config
from nemoctl.errors import BadInputError, ExitCode, NemoctlError
from nemoctl.pins import requirement_files
from nemoctl.repolock import STATE_DIR, repo_lock
from nemoctl.transaction import (
    RecoveryResult,
    Transaction,
    hold_signals,
    pending_journal,
    recover,
    release_signals,
    sigterm_as_exception,
)
from nemoctl.upgrade import _git
from nemoctl.upgrade._run import ProgressFn, Run
from nemoctl.upgrade.background import BackgroundCall, BackgroundContracts
from nemoctl.upgrade.lockfile import LOCKFILES
from nemoctl.upgrade.report import UpgradeReport
from nemoctl.upgrade.steps import DRY_RUN, UPGRADE, VERIFY, Context, Step
from nemoctl.upgrade.steps.base import need
from nemoctl.upgrade.steps.regenerate import render_generated

__all__ = ["UpgradeOptions", "recover_repo", "run_steps", "run_upgrade", "verify"]


@dataclass(frozen=True, slots=True)
class UpgradeOptions:
    version: str
    upstream: str = "litellm"
    dry_run: bool = False
    allow_dirty: bool = False
    allow_downgrade: bool = False
    allow_yanked: bool = False
    commit: bool = False
    branch: str | None = None
    #: Run the contract gate.  Turning it off is unsafe and is stated in the report and commit.
    contracts: bool = True
    #: Run without a schema snapshot or sacred fields (stated in the report's warnings).
    allow_unprotected: bool = False


def run_upgrade(
    options: UpgradeOptions, *, root: Path | None = None, progress: ProgressFn | None = None,
    ignore_signals_after_commit: bool = False,
) -> UpgradeReport:
    """``nemoctl upgrade``: returns the report; raises only KeyboardInterrupt/Terminated.

    Once the transaction commits, Ctrl-C and SIGTERM are deferred and dropped (the
    report describes the tree); ``ignore_signals_after_commit`` keeps ignoring them
    after the return (the CLI: only the summary and the exit remain).
    """
    run = Run("upgrade", options.upstream, options.upstream, options.version,
              options.dry_run, progress)
    lock = None
    try:
        _check_options(options)  # before any work: no lock, no recovery, no git
        config = load_config(root)
        upstream = config.upstream(options.upstream)
        run.package = upstream.package
        # A dry run takes the lock too: planning over files an upgrade is rewriting
        # would report a half-changed repository ("0 pins would move").  Without a
        # .nemoctl/ no upgrade can hold it, and a dry run creates nothing.
        if not options.dry_run or (config.root / STATE_DIR).is_dir():
            lock = repo_lock(config.root)
        if options.dry_run:
            if pending_journal(config.root):
                raise BadInputError(
                    "an interrupted upgrade left a journal in .nemoctl/txn",
                    hint="run `nemoctl upgrade --recover` (or any upgrade) to restore its files",
                )
        else:
            recovered = recover(config.root)
            if recovered.found:
                _note_recovery(run, recovered)
        ctx = Context(
            config, upstream, run, "upgrade", options.version,
            allow_yanked=options.allow_yanked, contracts=options.contracts,
            allow_dirty=options.allow_dirty, allow_downgrade=options.allow_downgrade,
            allow_unprotected=options.allow_unprotected, commit=options.commit,
            branch=options.branch, dry_run=options.dry_run,
        )
        with sigterm_as_exception():
            run_steps(ctx, DRY_RUN if options.dry_run else UPGRADE)
        return run.report(ExitCode.OK)
    except NemoctlError as exc:
        return run.report(exc.exit_code, exc)
    finally:
        if lock is not None:
            lock.release()
        release_signals(ignore=ignore_signals_after_commit)


def _check_options(options: UpgradeOptions) -> None:
    if options.branch is not None:
        if not options.commit:
            raise BadInputError("--branch needs --commit")
        _git.check_branch_name(options.branch)


def verify(
    config: Config,
    version: str,
    *,
    base_snapshot_text: str | None = None,
    write: bool = False,
    upstream_name: str = "litellm",
    allow_yanked: bool = False,
    contracts: bool = True,
    progress: ProgressFn | None = None,
    base_version: str | None = None,
) -> UpgradeReport:
    """CI's verify mode: the pins already name ``version``; check it like an upgrade would.

    No pin moves.  The schema is diffed against ``base_snapshot_text`` (the base
    branch's snapshot; default: the snapshot on disk).  Generated files are compared
    with what ``version`` produces (``stale_files``), or written in place with
    ``write=True`` (atomically; kept only if every step passed).  ``base_version`` (the
    base branch's pin) is what the migration gate and the surfaces compare with.
    """
    run = Run("verify", upstream_name, upstream_name, version, not write, progress)
    try:
        upstream = config.upstream(upstream_name)
        run.package = upstream.package
        ctx = Context(config, upstream, run, "verify", version, allow_yanked=allow_yanked,
                      contracts=contracts, base_text=base_snapshot_text,
                      base_version=base_version, write=write)
        with sigterm_as_exception():
            run_steps(ctx, VERIFY)
        return run.report(ExitCode.OK)
    except NemoctlError as exc:
        return run.report(exc.exit_code, exc)


def run_steps(ctx: Context, steps: Sequence[Step]) -> None:
    """Run ``steps`` in order; the first one that writes opens the transaction, which
    every later step runs inside (a failure anywhere after it restores every file)."""
    try:
        with ExitStack() as stack:
            for step in steps:
                if not step.applies(ctx):
                    continue
                if step.writes and ctx.may_write and ctx.txn is None:
                    ctx.txn = stack.enter_context(_transaction(ctx))
                try:
                    ctx.run.do(step, ctx)
                except BaseException:
                    ctx.run.restored = ctx.txn is not None
                    raise
                _start_background(ctx)
            if ctx.txn is not None and ctx.mode == "upgrade":
                # The commit point: no interrupt may contradict the tree from here
                # (run_upgrade releases the deferred handlers).
                hold_signals()
    finally:
        if ctx.background is not None:
            ctx.background.cancel()


def _transaction(ctx: Context) -> Transaction:
    config, package = ctx.config, ctx.upstream.package
    version = need(ctx.done.resolve, "resolve").version
    # Rendering needs only the new schema: it runs while bump and lockfile do.
    ctx.rendering = BackgroundCall("nemoctl-render", render_generated, config,
                                   need(ctx.done.schema, "schema"), version)
    dirs = [config.schemas_dir, config.generated_dir]
    if ctx.mode == "verify":
        return Transaction(config.root, files=[], dirs=dirs,
                           label=f"verify {package} {version} --write")
    files = [config.pyproject, *(config.root / n for n in LOCKFILES),
             *requirement_files(config.root)]
    current = need(ctx.done.preflight, "preflight").current
    return Transaction(config.root, files=files, dirs=dirs,
                       label=f"upgrade {package} {current} -> {version}")


def _start_background(ctx: Context) -> None:
    """Start the contract gate as soon as the target version is known (after preflight
    for an explicit version, after resolve for ``latest``): the environment check,
    pytest and LiteLLM's proxy import overlap the steps between.  It installs or imports
    nothing the supply-chain policy has not accepted in this run."""
    if ctx.mode != "upgrade" or not ctx.contracts or ctx.dry_run or ctx.background:
        return
    resolved, pre = ctx.done.resolve, ctx.done.preflight
    version = resolved.version if resolved else pre.target if pre else None
    if version is None:
        return
    config = ctx.config
    ctx.background = BackgroundContracts(
        config, version, upstream=ctx.upstream, models_dir=config.generated_dir / "python",
        allow_yanked=ctx.allow_yanked,
    ).start()
    ctx.run.background("contracts", "started in the background (environment, LiteLLM "
                                    "import) while the next steps run")


def _note_recovery(run: Run, recovered: RecoveryResult) -> None:
    run.recovery = recovered
    run.warnings.append(
        f"restored {len(recovered.restored) + len(recovered.removed)} file(s) left by an "
        f"interrupted upgrade (pid {recovered.pid}, started {recovered.started})"
    )
    if recovered.conflicts:
        raise BadInputError(
            "an interrupted upgrade was rolled back, but "
            f"{', '.join(recovered.conflicts)} had been edited since; "
            "those edits were saved under .nemoctl/recovered/",
            hint="review them, then run the upgrade again",
        )


def recover_repo(root: Path | None = None) -> RecoveryResult:
    """``nemoctl upgrade --recover``: restore from a leftover journal, under the repo lock."""
    config_root = load_config(root).root
    lock = repo_lock(config_root)
    try:
        return recover(config_root)
    finally:
        lock.release()
