"""The migration gate end to end, as ``migrations plan``, ``upgrade`` and ``ci`` run it.

    report = migration_gate(config, "1.102.4", "1.106.0")    # the one call upgrade/ci make

Releases resolve to their ``litellm-proxy-extras`` migrations through the verified
wheel cache (:func:`nemoctl.db.migrations_for`); a directory of
``<name>/migration.sql`` folders works too.  Sacred fields are turned into database
names through the old release's schema (``@@map``/``@map`` honoured).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nemoctl.config import Config
from nemoctl.config.migrations import Policy
from nemoctl.db.migrations import MigrationSet, migrations_for, migrations_from_dir
from nemoctl.db.verify import SacredKey
from nemoctl.migrations.plan import CrossCheck, DbName, plan
from nemoctl.migrations.report import MigrationReport
from nemoctl.schema.model import Schema

#: Where ``--rehearse`` creates its throwaway database when no server is given.
DEFAULT_SERVER_URL = "postgresql://127.0.0.1:5432/postgres"


@dataclass(frozen=True, slots=True)
class GateRequest:
    from_spec: str = "pinned"
    to_spec: str = ""
    database_url: str | None = None
    rehearse: bool = False
    server_url: str | None = None
    rows: int | None = None
    table_rows: Mapping[str, int] = field(default_factory=dict)
    #: ``--schema``: the new release's schema to verify the rehearsed database against.
    new_schema: str | None = None
    #: Where the project's code uses tables/columns (from the usage-aware gate).
    used: Mapping[DbName, Sequence[str]] = field(default_factory=dict)
    #: The ``litellm-proxy-extras`` versions, when already known (the resolver's
    #: coupled pins): saves reading the litellm wheel's METADATA.
    from_extras: str | None = None
    to_extras: str | None = None


def resolve_set(spec: str, config: Config,
                extras: str | None = None) -> tuple[MigrationSet, str | None]:
    """``pinned``, ``X.Y.Z`` (a litellm release) or a directory → (migrations, version).

    ``extras`` is the release's ``litellm-proxy-extras`` version when known.  For the
    project's own pin it is read from the project's exact pin of the extras, if any.
    """
    from nemoctl.db.migrations import EXTRAS_PACKAGE, extras_migrations
    from nemoctl.errors import ConfigError
    from nemoctl.pins import pinned_version
    from nemoctl.upstream import normalize_version

    path = Path(spec)
    if path.is_dir():
        return migrations_from_dir(path), None
    package = config.upstream().package
    pinned = pinned_version(config.root, package) if spec == "pinned" else None
    version = pinned or normalize_version(spec)
    if extras is None and spec == "pinned":
        try:
            extras = pinned_version(config.root, EXTRAS_PACKAGE)
        except ConfigError:
            extras = None  # not pinned by the project: read it from the wheel
    if extras is not None:
        return extras_migrations(extras), version
    return migrations_for(version), version


def sacred_columns(schema: Schema, keys: Collection[SacredKey]) -> frozenset[DbName]:
    """Sacred (model, field[, type]) entries as (table, column) database names."""
    found = set()
    for key in keys:
        model_name, field_name = key[0], key[1]
        model = schema.model(model_name)
        if model is None:
            continue
        entry = model.field(field_name)
        if entry is not None:
            found.add((model.table, entry.column))
    return frozenset(found)


def with_global_severities(policy: Policy, overrides: Mapping[str, str]) -> Policy:
    """``[tool.nemoctl.rules]`` entries for migration rules, under the migration table's own.

    IDs there are global: ``TABLE_RENAMED`` is the schema diff's rule, not a former ID
    of ``SQL_TABLE_RENAMED``.
    """
    from nemoctl.migrations.rules import RULES

    mine = {rule_id: severity for rule_id, severity in overrides.items() if rule_id in RULES}
    if not mine:
        return policy
    return replace(policy, rules={**mine, **policy.rules})


def run_gate(config: Config, request: GateRequest) -> MigrationReport:
    from nemoctl.db import load_sacred_keys, parse_url
    from nemoctl.findings.acks import load_acknowledgements
    from nemoctl.migrations.live import read_live

    policy = with_global_severities(config.migrations or Policy(), config.rule_severities)
    # Database problems first (unreachable, no CREATEDB): before any wheel is fetched.
    live = None
    if request.database_url:
        live = read_live(parse_url(request.database_url), large_rows=policy.large_rows,
                         large_bytes=policy.large_bytes)
    server = None
    if request.rehearse:
        from nemoctl.migrations.rehearse import check_createdb

        server = parse_url(request.server_url or request.database_url
                           or os.environ.get("NEMOCTL_TEST_DATABASE_URL")
                           or DEFAULT_SERVER_URL)
        check_createdb(server)
    # The target first: a target without migrations ends the gate before the old
    # release is even fetched.
    new, new_version = resolve_set(request.to_spec, config, request.to_extras)
    old, old_version = resolve_set(request.from_spec, config, request.from_extras)
    keys = load_sacred_keys(config.sacred_fields_file)
    old_schema = _old_schema(config, old_version)
    sacred = sacred_columns(old_schema, keys) if keys else frozenset()
    report = plan(old if live is None else None, new, policy=policy, live=live,
                  cross=CrossCheck(sacred=sacred, used=_used(config, old_schema, request)),
                  acks=load_acknowledgements(config.acknowledgements_file))
    if live is not None:
        report = _only_touched_sizes(report)
    if server is None:
        return report
    from nemoctl.migrations.rehearse import RehearseOptions, rehearse

    schema_spec = request.new_schema or new_version
    new_schema, schema_label = None, ""
    if schema_spec:
        from nemoctl.db import schema_from_spec

        source = schema_from_spec(schema_spec, config.upstream())
        new_schema, schema_label = source.schema, source.label
    options = RehearseOptions(
        rows=policy.rehearse_rows if request.rows is None else request.rows,
        table_rows={**policy.rehearse_table_rows, **request.table_rows},
        rules=policy.rules, sacred=sacred, schema=new_schema, schema_source=schema_label,
        sacred_keys=keys)
    return rehearse(server, old, report, new, options)


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """The ``migrations`` step of ``upgrade``/``ci``: a report, or why there is none."""

    report: MigrationReport | None
    skipped: str = ""

    @property
    def detail(self) -> str:
        return self.skipped if self.report is None else self.report.summary()

    @property
    def status(self) -> str:
        return "skipped" if self.report is None else "ok"

    def to_dict(self) -> dict[str, object] | None:
        return None if self.report is None else self.report.to_dict()

    def raise_if_blocking(self) -> None:
        """BlockedError (exit 4) naming the blocking findings, as the schema step does."""
        from nemoctl.errors import BlockedError

        if self.report is None or not self.report.blocking:
            return
        blocking = [f for f in self.report.findings if f.blocking]
        first = blocking[0]
        raise BlockedError(
            f"{len(blocking)} blocking migration finding(s): {first.rule_id} {first.message}"
            + (f" ({first.location})" if first.location else ""),
            hint="see `nemoctl migrations plan --to VERSION`; acknowledge reviewed findings "
            "by fingerprint in schemas/acknowledged.toml",
        )


def migration_gate(config: Config, old_version: str | None, new_version: str,
                   coupled: Mapping[str, str] | None = None) -> GateOutcome:
    """The static gate ``upgrade`` and ``ci`` run after the schema step (no database).

    ``coupled`` is the resolver's coupled pins for ``new_version`` (it names the
    extras version).  A release that ships no SQL migrations (no extras pin, or an
    extras wheel without migrations) has nothing to check: the step is skipped.
    """
    from nemoctl.db.migrations import EXTRAS_PACKAGE, NoMigrationsError
    from nemoctl.pins import pinned_version

    if old_version is None:
        return GateOutcome(None, "no base version to compare migrations with")
    if old_version == new_version:
        return GateOutcome(None, f"{new_version} → {new_version}: no new migrations")
    # The project's own pin: its exact extras pin (if any) names the old extras.
    is_pinned = pinned_version(config.root, config.upstream().package) == old_version
    try:
        report = run_gate(config, GateRequest(
            from_spec="pinned" if is_pinned else old_version, to_spec=new_version,
            to_extras=(coupled or {}).get(EXTRAS_PACKAGE)))
    except NoMigrationsError as exc:
        return GateOutcome(None, exc.message)
    return GateOutcome(report)


def _used(config: Config, schema: Schema,
          request: GateRequest) -> Mapping[DbName, Sequence[str]]:
    """Where the project's code uses each table/column: the caller's map, else the
    usage-aware gate's scan when ``[tool.nemoctl.impact]`` turns it on."""
    if request.used or not config.impact.enabled:
        return request.used
    from nemoctl.impact import scan_project

    return scan_project(config, [schema]).by_db_name(schema)


def _old_schema(config: Config, version: str | None) -> Schema:
    from nemoctl.db import schema_for_version, snapshot_or_installed

    upstream = config.upstream()
    if version is None:
        return snapshot_or_installed(config.schemas_dir, upstream, config.root).schema
    return schema_for_version(upstream, version).schema


def _only_touched_sizes(report: MigrationReport) -> MigrationReport:
    from dataclasses import replace

    assert report.live is not None
    touched = {t for s in report.statements for t in s.tables}
    sizes = tuple(s for s in report.live.sizes if s.table in touched)
    return replace(report, live=replace(report.live, sizes=sizes))
