"""CI's verify mode: the same steps, for a pull request that already moved the pins."""

from __future__ import annotations

from packaging.version import Version

from nemoctl.config import Config, UpstreamConfig
from nemoctl.errors import (
    BadInputError,
    ContractsFailedError,
    ExitCode,
    NemoctlError,
    ResolutionError,
)
from nemoctl.migrations.gate import migration_gate
from nemoctl.pins import pinned_version
from nemoctl.preflight import check_provenance
from nemoctl.upgrade._run import ProgressFn, _Run
from nemoctl.upgrade.contracts_gate import run_gate
from nemoctl.upgrade.report import UpgradeReport
from nemoctl.upgrade.resolve import resolve
from nemoctl.upgrade.steps import (
    _rel,
    _sacred_summary,
    _schema_summary,
    blocked_error,
    project_python,
    render_generated,
    requirement_for,
    schema_check,
    stale_generated,
    supply_chain_check,
)
from nemoctl.upgrade.transaction import Transaction, sigterm_as_exception


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
    base branch's pin) is what the migration gate compares the release's SQL with.
    """
    run = _Run("verify", upstream_name, upstream_name, version, not write, progress)
    try:
        upstream = config.upstream(upstream_name)
        run.package = upstream.package
        with sigterm_as_exception():
            _verify(run, config, upstream, version, base_snapshot_text, write,
                    allow_yanked, contracts, base_version)
        return run.report(ExitCode.OK)
    except NemoctlError as exc:
        return run.report(exc.exit_code, exc)


def _verify(
    run: _Run, config: Config, upstream: UpstreamConfig, version: str,
    base_text: str | None, write: bool, allow_yanked: bool, contracts: bool,
    base_version: str | None = None,
) -> None:
    from nemoctl.upstream import normalize_version

    f = run.fields
    with run.step("preflight") as note:
        version = normalize_version(version)
        check_provenance(config, action="verify this bump")
        pinned = pinned_version(config.root, upstream.package)
        if Version(pinned) != Version(version):
            raise BadInputError(
                f"the pins name {upstream.package} {pinned}, not {version}",
            )
        f["to_version"] = version
        python = project_python(config)
        note["detail"] = f"{upstream.package} pinned at {version}; Python {python}"

    with run.step("resolve") as note:
        result = resolve([requirement_for(upstream, version)], python=python)
        f["resolution"] = result.to_dict()
        if not result.ok:
            raise ResolutionError(
                f"{requirement_for(upstream, version)} does not resolve for Python {python}: "
                f"{result.reason}"
            )
        coupled = {c: result.resolved[c.lower()] for c in upstream.coupled
                   if c.lower() in result.resolved}
        f["coupled"] = coupled
        note["detail"] = "resolves"

    with run.step("supply-chain") as note:
        supply_chain_check(config, {upstream.package: version, **coupled},
                           allow_yanked=allow_yanked, into=f)
        note["detail"] = f"{len(f['supply_chain'])} release(s) accepted"

    with run.step("schema") as note:
        schema = schema_check(config, upstream, version, base_text=base_text, current=None)
        f["schema"] = schema.report.to_dict()
        f["diff_report"] = schema.report
        note["detail"] = (
            f"{_schema_summary(schema.report)}; sacred {_sacred_summary(schema.report)}"
        )
        if schema.report.blocking:
            raise blocked_error(schema.report, "base", version)

    with run.step("migrations") as note:
        gate = migration_gate(config, base_version, version, coupled)
        f["migrations"], f["migration_report"] = gate.to_dict(), gate.report
        note.update(status=gate.status, detail=gate.detail)
        gate.raise_if_blocking()

    outputs = render_generated(config, schema, version)
    stale = [p for p in stale_generated(config, outputs)]
    differing = [p for p, data in outputs.items() if not p.is_file() or p.read_bytes() != data]
    if not write:
        with run.step("regenerate") as note:
            f["stale_files"] = tuple(sorted(_rel(config, p) for p in (*differing, *stale)))
            note["detail"] = f"{len(f['stale_files'])} generated file(s) out of date"
        if contracts:
            _contracts_step(run, config, upstream, version, coupled)
        return
    txn = Transaction(config.root, files=[], dirs=[config.schemas_dir, config.generated_dir],
                      label=f"verify {upstream.package} {version} --write")
    with txn:
        with run.step("regenerate") as note:
            written = [_rel(config, p) for p, d in outputs.items() if txn.write_bytes(p, d)]
            deleted = [_rel(config, p) for p in stale if txn.delete(p)]
            f["files_written"] = tuple(sorted(written))
            f["files_deleted"] = tuple(sorted(deleted))
            note["detail"] = f"{len(written)} written, {len(deleted)} removed"
        if contracts:
            _contracts_step(run, config, upstream, version, coupled)


def _contracts_step(
    run: _Run, config: Config, upstream: UpstreamConfig, version: str, coupled: dict[str, str]
) -> None:
    with run.step("contracts") as note:
        outcome = run_gate(
            config, version,
            requirements=[requirement_for(upstream, version),
                          *(f"{k}=={v}" for k, v in coupled.items())],
            models_dir=config.generated_dir / "python",
        )
        run.fields["contracts"] = outcome.to_dict()
        note["detail"] = "passed" if outcome.passed else f"{len(outcome.failed)} failed"
        if not outcome.passed:
            raise ContractsFailedError(
                f"{len(outcome.failed)} contract(s) failed against {upstream.package} {version}: "
                + ", ".join(outcome.failed)
            )
