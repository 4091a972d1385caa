"""The upgrade as a sequence of steps, each returning data, run inside one file transaction.

``run_upgrade`` is ``nemoctl upgrade``: preflight → resolve → supply-chain → schema →
bump → lockfile → regenerate → contracts → finish.  Nothing is written before the
schema step passed; from the bump on, every write goes through a
:class:`~nemoctl.upgrade.transaction.Transaction`, so any failure, Ctrl-C or SIGTERM
restores every file byte-identical, and a SIGKILL leaves a journal the next run
restores from.

``verify`` is the same pipeline for CI ("verify mode"): the pull request already
moved the pins, so there is no bump and no lockfile step; the schema is diffed
against the base branch's snapshot, and generated files are only compared (or
written in place with ``write=True``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from nemoctl.adopt.protection import require_protection
from nemoctl.config import Config, UpstreamConfig, load_config
from nemoctl.errors import (
    BadInputError,
    ContractsFailedError,
    ExitCode,
    NemoctlError,
    ResolutionError,
)
from nemoctl.migrations.gate import migration_gate
from nemoctl.pins import pinned_version, requirement_files
from nemoctl.preflight import check_provenance
from nemoctl.upgrade import _git
from nemoctl.upgrade._run import ProgressFn, _Run
from nemoctl.upgrade.background import BackgroundCall, BackgroundContracts
from nemoctl.upgrade.bump import coupled_versions, plan_bump
from nemoctl.upgrade.contracts_gate import ContractOutcome, run_gate
from nemoctl.upgrade.lock import repo_lock
from nemoctl.upgrade.lockfile import LOCKFILES, lock_command, refresh_lockfile
from nemoctl.upgrade.report import UpgradeReport
from nemoctl.upgrade.requirements import apply_requirements_sync
from nemoctl.upgrade.steps import (
    SchemaStep,
    _rel,
    _sacred_summary,
    _schema_summary,
    blocked_error,
    check_target,
    check_tree,
    commit_message,
    project_python,
    render_generated,
    requirement_for,
    resolve_target,
    schema_check,
    stale_generated,
    supply_chain_check,
)
from nemoctl.upgrade.transaction import (
    STATE_DIR,
    RecoveryResult,
    Transaction,
    hold_signals,
    pending_journal,
    recover,
    release_signals,
    sigterm_as_exception,
)
from nemoctl.upgrade.verify import verify

__all__ = ["UpgradeOptions", "recover_repo", "run_upgrade", "verify"]


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
    run = _Run("upgrade", options.upstream, options.upstream, options.version,
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
        with sigterm_as_exception():
            _upgrade(run, config, upstream, options)
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


def _note_recovery(run: _Run, recovered: RecoveryResult) -> None:
    run.fields["recovery"] = recovered.to_dict()
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


def _upgrade(run: _Run, config: Config, upstream: UpstreamConfig, options: UpgradeOptions) -> None:
    f = run.fields
    with run.step("preflight") as note:
        check_tree(config, allow_dirty=options.allow_dirty, need_git=options.commit)
        run.warnings.extend(require_protection(config, allow_unprotected=options.allow_unprotected))
        check_provenance(config)
        current = pinned_version(config.root, upstream.package)
        f["from_version"] = current
        target = check_target(current, options.version, allow_downgrade=options.allow_downgrade)
        lock_command(config.root)
        if options.branch and not options.commit:
            raise BadInputError("--branch needs --commit")
        python = project_python(config)
        note["detail"] = f"{upstream.package} pinned at {current}; Python {python}"

    # The contract gate starts now, in the background (background.py): for an explicit
    # version it is known already, so the environment check, pytest and LiteLLM's proxy
    # import overlap resolve, schema, bump, lockfile and regenerate.  It installs or
    # imports nothing the supply-chain policy has not accepted in this run.
    background = None
    if options.contracts and not options.dry_run and target is not None:
        background = _start_background(run, config, upstream, target, options)
    try:
        _resolved_steps(run, config, upstream, options, current, target, python, background)
    finally:
        if background is not None:
            background.cancel()


def _start_background(run: _Run, config: Config, upstream: UpstreamConfig, version: str,
                      options: UpgradeOptions) -> BackgroundContracts:
    background = BackgroundContracts(
        config, version, upstream=upstream, models_dir=config.generated_dir / "python",
        allow_yanked=options.allow_yanked,
    ).start()
    run.background("contracts", "started in the background (environment, LiteLLM "
                                "import) while the next steps run")
    return background


def _resolved_steps(
    run: _Run, config: Config, upstream: UpstreamConfig, options: UpgradeOptions,
    current: str, target: str | None, python: str, background: BackgroundContracts | None,
) -> None:
    f = run.fields
    with run.step("resolve") as note:
        version, resolution, attempts = resolve_target(
            config, upstream, target, current, python=python, allow_yanked=options.allow_yanked
        )
        f["to_version"] = version
        resolution_dict = resolution.to_dict()
        if attempts:
            resolution_dict["latest_attempts"] = attempts
        f["resolution"] = resolution_dict
        coupled = {c: resolution.resolved[c.lower()] for c in upstream.coupled
                   if c.lower() in resolution.resolved}
        f["coupled"] = coupled
        note["detail"] = f"{requirement_for(upstream, version)} resolves " + (
            f"({', '.join(f'{k}=={v}' for k, v in coupled.items())})" if coupled else ""
        )

    if options.contracts and not options.dry_run and background is None:
        # ``latest``: the version is known only now.  The finally below stops it.
        background = _start_background(run, config, upstream, version, options)
    try:
        with run.step("supply-chain") as note:
            supply_chain_check(config, {upstream.package: version, **coupled},
                               allow_yanked=options.allow_yanked, into=f)
            note["detail"] = f"{len(f['supply_chain'])} release(s) accepted"
        if background is not None:
            background.vetted([requirement_for(upstream, version),
                               *(f"{k}=={v}" for k, v in coupled.items())])
        _after_supply_chain(run, config, upstream, options, current, version, coupled,
                            background)
    finally:
        if background is not None:
            background.cancel()


def _after_supply_chain(
    run: _Run, config: Config, upstream: UpstreamConfig, options: UpgradeOptions,
    current: str, version: str, coupled: dict[str, str],
    background: BackgroundContracts | None,
) -> None:
    f = run.fields
    with run.step("schema") as note:
        schema = schema_check(config, upstream, version, base_text=None, current=current)
        f["schema"] = schema.report.to_dict()
        f["diff_report"] = schema.report
        summary = _schema_summary(schema.report)
        note["detail"] = summary + f"; sacred {_sacred_summary(schema.report)}"
        if schema.report.blocking:
            raise blocked_error(schema.report, current, version)
        from_wheel = coupled_versions(schema.wheel_path, upstream.extras, upstream.coupled)
        for name, pinned in from_wheel.items():
            if coupled.get(name, pinned) != pinned:
                raise ResolutionError(
                    f"{upstream.package} {version} pins {name}=={pinned} but the resolver "
                    f"chose {coupled[name]}"
                )
        coupled.update(from_wheel)

    with run.step("migrations") as note:
        gate = migration_gate(config, current, version, coupled)
        f["migrations"], f["migration_report"] = gate.to_dict(), gate.report
        note.update(status=gate.status, detail=gate.detail)
        gate.raise_if_blocking()

    targets = {upstream.package: version, **coupled}
    if options.dry_run:
        edits, _ = plan_bump(config.root, targets)
        f["pin_edits"] = tuple(e.to_dict() for e in edits)
        run.skip("bump", f"dry run: {len(edits)} pin(s) would move")
        return

    # Rendering needs only the new schema: it runs while bump and lockfile do.
    rendering = BackgroundCall("nemoctl-render", render_generated, config, schema, version)
    scope_files = [config.pyproject, *(config.root / n for n in LOCKFILES),
                   *requirement_files(config.root)]
    txn = Transaction(
        config.root, files=scope_files, dirs=[config.schemas_dir, config.generated_dir],
        label=f"upgrade {upstream.package} {current} -> {version}",
    )
    try:
        _transactional_steps(run, config, upstream, options, txn, schema, current, version,
                             coupled, background, rendering)
    except BaseException:
        f["restored"] = True
        raise


def _transactional_steps(
    run: _Run, config: Config, upstream: UpstreamConfig, options: UpgradeOptions,
    txn: Transaction, schema: SchemaStep, current: str, version: str, coupled: dict[str, str],
    background: BackgroundContracts | None = None,
    rendering: BackgroundCall[dict[Path, bytes]] | None = None,
) -> None:
    f = run.fields
    targets = {upstream.package: version, **coupled}
    with txn:
        with run.step("bump") as note:
            edits, new_files = plan_bump(config.root, targets)
            for path, data in new_files.items():
                txn.write_bytes(path, data)
            f["pin_edits"] = tuple(e.to_dict() for e in edits)
            note["detail"] = ", ".join(f"{e.location} {e.old}→{e.new}" for e in edits)

        with run.step("lockfile") as note:
            tool = lock_command(config.root)
            if tool is not None:  # journaled before the tool starts writing it
                txn.expect_external(config.root / tool[0])
            refreshed = refresh_lockfile(config.root)
            if refreshed.path:
                txn.record_external(config.root / refreshed.path)
            f["lockfile"] = refreshed.to_dict()
            note["detail"] = refreshed.path or "no lockfile"
            if not refreshed.path:
                note["status"] = "skipped"
            apply_requirements_sync(config, txn, targets, f, note)  # requirements*.txt too

        with run.step("regenerate") as note:
            outputs = rendering.result() if rendering is not None else render_generated(
                config, schema, version)
            written = [_rel(config, p) for p, data in outputs.items() if txn.write_bytes(p, data)]
            deleted = [_rel(config, p) for p in stale_generated(config, outputs) if txn.delete(p)]
            f["files_written"] = tuple(sorted(written))
            f["files_deleted"] = tuple(sorted(deleted))
            note["detail"] = f"{len(written)} written, {len(deleted)} removed"
        if background is not None:
            background.release()  # the regenerated models exist: the tests may run

        if config.impact.typecheck:
            with run.step("typecheck") as note:
                from nemoctl.impact.typecheck import run_typecheck

                checked = run_typecheck(config)
                f["typecheck"] = checked.to_dict()
                note["detail"] = checked.summary()
                checked.raise_if_failed()

        if options.contracts:
            with run.step("contracts") as note:
                if background is not None:
                    note["since"] = background.started_at
                    outcome = background.result()
                    outcome = replace(outcome, background=background.timeline(run.origin))
                else:
                    outcome = run_gate(
                        config, version,
                        requirements=[requirement_for(upstream, version),
                                      *(f"{k}=={v}" for k, v in coupled.items())],
                        models_dir=config.generated_dir / "python",
                    )
                f["contracts"] = outcome.to_dict()
                note["detail"] = (
                    f"passed via {outcome.runner}" if outcome.passed
                    else f"{len(outcome.failed)} failed"
                ) + _overlap_note(outcome)
                if not outcome.passed:
                    raise ContractsFailedError(
                        f"{len(outcome.failed)} contract(s) failed against {upstream.package} "
                        f"{version}: {', '.join(outcome.failed)}",
                        hint=_last_line(outcome.output_tail),
                    )
        else:
            run.skip("contracts", "--no-contracts: NOT RUN (unsafe)")
            run.warnings.append("the contract suite was not run (--no-contracts)")

        with run.step("finish") as note:
            f["schema_summary"] = _schema_summary(schema.report)
            f["sacred_summary"] = _sacred_summary(schema.report)
            if options.commit:
                message = commit_message(f, run, current, version)
                f["commit"] = _git.commit(
                    config.root, txn.changed_paths(), message, branch=options.branch
                )
                f["branch"] = options.branch
                note["detail"] = f"committed {f['commit'][:12]}"
            else:
                note["detail"] = f"{len(txn.changed_paths())} file(s) changed, not committed"
            f.pop("schema_summary")
            f.pop("sacred_summary")
        hold_signals()  # the commit point: no interrupt may contradict the tree from here


def recover_repo(root: Path | None = None) -> RecoveryResult:
    """``nemoctl upgrade --recover``: restore from a leftover journal, under the repo lock."""
    config_root = load_config(root).root
    lock = repo_lock(config_root)
    try:
        return recover(config_root)
    finally:
        lock.release()




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
