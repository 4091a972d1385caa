"""``nemoctl ci``: verify the upstream bump a pull request makes, and say so in the PR.

The pipeline itself is the upgrade's, in verify mode
(:func:`nemoctl.upgrade.verify`: resolve, supply chain, schema diff against the
base's snapshot, sacred gate, regeneration, contracts).  This module decides what
to verify (from :mod:`nemoctl.ci.changes`), turns stale generated files into a
reviewable diff, and with ``write`` commits the regenerated files to the branch.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nemoctl.ci.changes import ChangeSet, UpstreamChange, detect_changes
from nemoctl.ci.lockfile import lockfile_mismatches
from nemoctl.config import Config
from nemoctl.errors import BadInputError, ExitCode, NemoctlError

if TYPE_CHECKING:
    from nemoctl.upgrade.report import UpgradeReport

#: Lines of unified diff shown per stale file; the rest is summarised.
_DIFF_LINES = 80
#: When several steps fail, the exit code names the earliest gate that stopped it.
_SEVERITY = (
    ExitCode.INTERNAL, ExitCode.ENVIRONMENT, ExitCode.BAD_INPUT, ExitCode.UNRESOLVABLE,
    ExitCode.BLOCKED, ExitCode.CONTRACTS_FAILED, ExitCode.FINDINGS,
)


@dataclass(frozen=True, slots=True)
class StaleFile:
    """A generated file the PR left out of date: what it holds vs what the version produces."""

    path: str
    diff: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "diff": self.diff}


@dataclass(frozen=True, slots=True)
class Verification:
    """One changed upstream and what verifying its head version found."""

    change: UpstreamChange
    report: UpgradeReport | None
    stale: tuple[StaleFile, ...] = ()
    #: An error that stopped verification before a report existed.
    error: str | None = None
    error_code: ExitCode | None = None

    @property
    def exit_code(self) -> ExitCode:
        if self.error_code is not None:
            return self.error_code
        assert self.report is not None
        return self.report.exit_code

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change.to_dict(),
            "report": self.report.to_dict() if self.report else None,
            "stale": [s.to_dict() for s in self.stale],
            "error": self.error,
            "exit_code": int(self.exit_code),
        }


@dataclass(frozen=True, slots=True)
class CiResult:
    changes: ChangeSet
    verifications: tuple[Verification, ...]
    write: bool
    contracts: bool
    #: The commit ``--write`` added to the branch (None: nothing to regenerate).
    commit: str | None = None
    committed_files: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    #: Changed pins the project lockfile does not lock (after ``write`` refreshed it).
    lockfile_problems: tuple[str, ...] = ()
    #: The lockfile ``write`` refreshed (e.g. ``uv.lock``), if any.
    lockfile_refreshed: str | None = None
    #: When no pin moved: ``nemoctl check``'s offline problems with the head as it is.
    consistency_problems: tuple[str, ...] = ()
    exit_code: ExitCode = ExitCode.OK

    @property
    def ok(self) -> bool:
        return self.exit_code == ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "exit_code": int(self.exit_code),
            "changes": self.changes.to_dict(),
            "verifications": [v.to_dict() for v in self.verifications],
            "write": self.write,
            "contracts": self.contracts,
            "commit": self.commit,
            "committed_files": list(self.committed_files),
            "notes": list(self.notes),
            "lockfile_problems": list(self.lockfile_problems),
            "lockfile_refreshed": self.lockfile_refreshed,
            "consistency_problems": list(self.consistency_problems),
        }


def run_ci(
    config: Config,
    *,
    base: str | None = None,
    head: str | None = None,
    write: bool = False,
    contracts: bool = True,
    allow_unprotected: bool = False,
) -> CiResult:
    """Detect the PR's pin changes and verify each changed upstream at the head's pin.

    Without a snapshot or sacred fields this raises UnprotectedError (exit 2), unless
    ``allow_unprotected``; then the notes say so.
    """
    from nemoctl.adopt.protection import require_protection

    unprotected = require_protection(config, allow_unprotected=allow_unprotected)
    changes = detect_changes(config, base=base, head=head)
    notes = [*unprotected, *_evidence_notes(config, changes)]
    if write and changes.changed:
        _require_head_checked_out(config, changes)

    verifications = [
        _verify_one(config, change, changes, write=write, contracts=contracts)
        for change in changes.changed
    ]
    codes = [v.exit_code for v in verifications]
    verified = bool(verifications) and all(c == ExitCode.OK for c in codes)
    mismatches = lockfile_mismatches(config.root, changes.changed)
    refreshed: str | None = None
    if write and mismatches and verified:
        # Only once every gate passed: a refused version must not reach the lockfile.
        from nemoctl.upgrade.lockfile import refresh_lockfile

        try:
            refreshed = refresh_lockfile(config.root).path
        except NemoctlError as exc:
            notes.append(f"could not refresh the lockfile: {exc.message}")
        mismatches = lockfile_mismatches(config.root, changes.changed)
    lockfile_problems = tuple(m.message for m in mismatches)

    commit: str | None = None
    committed: tuple[str, ...] = ()
    if write:
        written = sorted({
            f for v in verifications if v.report
            for f in (*v.report.files_written, *v.report.files_deleted)
        } | ({refreshed} if refreshed else set()))
        if written:
            committed = tuple(written)
            commit = _commit_regenerated(config, committed, changes)

    if lockfile_problems:
        codes.append(ExitCode.FINDINGS)
    consistency: tuple[str, ...] = ()
    if not changes.changed:
        # Nothing to verify upstream, but a PR touching schemas/ or generated/ by hand
        # must still leave them consistent with the (unchanged) pin.
        from nemoctl.check import run_check

        consistency = run_check(
            config, skip=["supply-chain"], allow_unprotected=True  # gated above
        ).problems
        if consistency:
            codes.append(ExitCode.FINDINGS)
    exit_code = next((c for c in _SEVERITY if c in codes), ExitCode.OK)
    return CiResult(
        changes=changes,
        verifications=tuple(verifications),
        write=write,
        contracts=contracts,
        commit=commit,
        committed_files=committed,
        notes=tuple(notes),
        lockfile_problems=lockfile_problems,
        lockfile_refreshed=refreshed,
        consistency_problems=consistency,
        exit_code=exit_code,
    )


def _verify_one(
    config: Config, change: UpstreamChange, changes: ChangeSet, *, write: bool, contracts: bool
) -> Verification:
    from nemoctl.upgrade import verify

    version = change.main.head_version
    if version is None:
        return Verification(
            change, None,
            error=f"{change.main.package} is no longer pinned exactly at the head; "
            "nemoctl manages exact pins only",
            error_code=ExitCode.BAD_INPUT,
        )
    try:
        report = verify(
            config,
            version,
            upstream_name=change.name,
            base_snapshot_text=changes.base_snapshot,
            write=write,
            contracts=contracts,
            base_version=change.main.base_version,
        )
    except NemoctlError as exc:
        message = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return Verification(change, None, error=message, error_code=exc.exit_code)
    mismatch = _coupled_mismatch(change, report.coupled)
    if mismatch and report.exit_code == ExitCode.OK:
        # The upgrade resolves the upstream alone; the PR must also pin what it needs.
        from nemoctl.upgrade.report import UpgradeError

        report = replace(
            report,
            exit_code=ExitCode.UNRESOLVABLE,
            error=UpgradeError(
                "CoupledPinMismatch", mismatch,
                hint="move the coupled pins in the same PR (dependabot: group them)",
            ),
        )
    stale: tuple[StaleFile, ...] = ()
    if report.stale_files and not write:
        stale = tuple(_stale_diffs(config, change.name, version, report.stale_files))
    if stale and report.exit_code == ExitCode.OK:
        # Stale generated files are the PR's own fault: fail, showing the fix.
        report = replace(report, exit_code=ExitCode.FINDINGS)
    return Verification(change, report, stale=stale)


def _coupled_mismatch(change: UpstreamChange, resolved: dict[str, str]) -> str | None:
    """A coupled package the head pins at a version the upstream does not accept."""
    wrong = [
        f"{pin.package}=={resolved[pin.package]} (the PR pins {pin.head_version})"
        for pin in change.pins[1:]
        if pin.head_version and resolved.get(pin.package, pin.head_version) != pin.head_version
    ]
    if not wrong:
        return None
    return (
        f"{change.main.package} {change.main.head_version} requires " + ", ".join(wrong)
    )


def _stale_diffs(
    config: Config, upstream: str, version: str, paths: tuple[str, ...]
) -> list[StaleFile]:
    """Unified diffs between the committed generated files and what ``version`` produces."""
    from nemoctl.codegen import cached_render_outputs, output_path
    from nemoctl.upstream import fetch_schema

    fetched = fetch_schema(config.upstream(upstream), version)  # cached by verify just before
    up = config.upstream(upstream)
    rendered = cached_render_outputs(
        fetched.text, upstream_version=version, wheel_sha256=fetched.wheel.sha256,
        upstream=up.name, package=up.package, options=config.codegen,
    )
    expected = {
        output_path(config, rel).relative_to(config.root).as_posix(): data
        for rel, data in rendered.items()
    }
    result = []
    for rel in paths:
        current = config.root / rel
        old = current.read_bytes().decode("utf-8", "replace") if current.is_file() else ""
        new = expected.get(rel, b"").decode("utf-8", "replace")
        lines = list(difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"a/{rel}", f"b/{rel}", lineterm="", n=2
        ))
        if len(lines) > _DIFF_LINES:
            hidden = len(lines) - _DIFF_LINES
            lines = [*lines[:_DIFF_LINES], f"... {hidden} more diff lines"]
        result.append(StaleFile(rel, "\n".join(lines)))
    return result


def _evidence_notes(config: Config, changes: ChangeSet) -> list[str]:
    notes = []
    if changes.shallow and changes.compared_sha == changes.base_sha:
        notes.append(
            "shallow clone: compared with the base commit itself (no merge base in history)"
        )
    for change in changes.upstreams:
        for package in change.stuck_coupled:
            where = "the Renovate config" if changes.updater == "renovate" else "dependabot.yml"
            notes.append(
                f"{change.main.package} moved but {package} did not: they are pinned together "
                f"(group them in {where})"
            )
        for update in changes.dependabot:
            for pin in change.pins:
                if update.name.lower() == pin.package.lower() and update.version and (
                    update.version != pin.head_version
                ):
                    notes.append(
                        f"the dependabot message says {update.name} {update.version}, "
                        f"but the head pins {pin.head_version}"
                    )
    managed = [p.package for u in changes.upstreams for p in u.pins]
    for update in changes.unmanaged_dependabot(managed):
        notes.append(f"dependabot also updates {update.name}: not managed by nemoctl")
    if not changes.changed:
        notes.append("no upstream pin changed: nothing to verify upstream")
    return notes


def _require_head_checked_out(config: Config, changes: ChangeSet) -> None:
    import git

    repo = git.Repo(config.root, search_parent_directories=True)
    if repo.head.commit.hexsha != changes.head_sha:
        raise BadInputError(
            f"--write regenerates files in the working tree, but HEAD is not the head "
            f"({changes.head_ref} = {changes.head_sha[:12]})",
            hint=f"check out {changes.head_ref} first, or run without --write",
        )


def _commit_regenerated(config: Config, files: tuple[str, ...], changes: ChangeSet) -> str | None:
    """Commit the regenerated files to the checked-out branch; ``None`` if nothing changed."""
    import git

    repo = git.Repo(config.root, search_parent_directories=True)
    work_tree = Path(repo.working_tree_dir or config.root).resolve()
    paths = [str((config.root / f).resolve().relative_to(work_tree)) for f in files]
    repo.index.add([p for p in paths if (work_tree / p).exists()])
    gone = [p for p in paths if not (work_tree / p).exists()]
    if gone:
        repo.index.remove(gone)
    if not repo.index.diff("HEAD"):
        return None
    moved = ", ".join(
        f"{c.main.package} {c.main.head_version}" for c in changes.changed if c.main.head_version
    )
    message = (
        f"Regenerate schemas and generated types for {moved}\n\n"
        "Written by `nemoctl ci --write`: the schema snapshot, JSON Schema, lock and\n"
        "generated Python/TypeScript models (and the project lockfile, when it lagged)\n"
        "now match the pinned version.\n"
    )
    return str(repo.index.commit(message).hexsha)
