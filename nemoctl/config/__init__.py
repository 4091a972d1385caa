"""Project configuration: the ``[tool.nemoctl]`` table of ``pyproject.toml``.

Every command reads its settings through :func:`load_config`, so defaults live in
exactly one place.  The table is validated against one declared schema (the
:mod:`nemoctl.tables` dataclasses below) before any network or disk work: types,
enumerations, durations, package names (PEP 508) and paths.  Unknown keys are an
error at every level rather than being ignored: a typo in a safety setting
(``minimum-relase-age``) must not silently disable it.  Every error is a
:class:`ConfigError` (exit 2) naming the key and what it expects.

``nemoctl.config`` is a leaf of the import graph (docs/architecture.md): it imports only
:mod:`nemoctl.paths`, :mod:`nemoctl.tables`, :mod:`nemoctl.errors` and
:mod:`nemoctl.redact`, so every feature may read its table and none is imported by it.
Each feature's table is declared in a module of this package and read, typed, by that
feature (``config.codegen``, ``config.impact``, ``config.migrations``, ``config.contracts``).

Adding a sub-table (e.g. ``[tool.nemoctl.impact]``):

1. declare it in ``nemoctl/config/<feature>.py`` as a ``@dataclass(frozen=True)``
   deriving from :class:`nemoctl.tables.Table` (so unknown keys and wrong types are
   refused like everywhere else), with the resolved value the feature reads beside it;
2. add one field to :class:`NemoctlTable` below: ``impact: ImpactTable | None = None``;
3. add one field to :class:`Config` and fill it in :func:`load_config` in one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from nemoctl.config.codegen import DEFAULT_OPTIONS, CodegenOptions, GenerateTable
from nemoctl.config.contracts import ContractsSettings, ContractsTable, contracts_from_table
from nemoctl.config.impact import ImpactConfig, ImpactTable, impact_config
from nemoctl.config.migrations import MigrationsTable, policy_from_table
from nemoctl.config.migrations import Policy as MigrationsPolicy
from nemoctl.errors import ConfigError

# Re-exported for callers written before nemoctl.paths existed; new code imports paths.
from nemoctl.paths import cache_dir as cache_dir
from nemoctl.paths import find_project_root as find_project_root
from nemoctl.paths import read_pyproject as read_pyproject
from nemoctl.paths import read_text as read_text
from nemoctl.paths import read_toml as read_toml
from nemoctl.tables import (
    Duration,
    FilePath,
    MaxLen,
    MinLen,
    PackageName,
    ProjectPath,
    SeverityName,
    Table,
    key,
)

DEFAULT_SCHEMA_PATH = "litellm/proxy/schema.prisma"
SEVERITIES = ("ERR", "WARN", "INFO")

# ---------------------------------------------------------------------------
# the schema


@dataclass(frozen=True)
class UpstreamTable(Table):
    package: PackageName | None = None
    extras: list[PackageName] = key(default_factory=list)
    schema_path: ProjectPath = key(DEFAULT_SCHEMA_PATH, alias="schema-path")
    coupled: list[PackageName] = key(default_factory=list)


@dataclass(frozen=True)
class ConfigSurfaceTable(Table):
    """``[tool.nemoctl.config]``: more LiteLLM proxy configs to check (config-surface.md)."""

    files: list[ProjectPath] = key(default_factory=list)


@dataclass(frozen=True)
class RedactTable(Table):
    """``[tool.nemoctl.redact]``: more secrets to mask in every output (see redact.md)."""

    #: Extra query-parameter / ``key=value`` names whose values are credentials.
    params: list[Annotated[str, MinLen(1), MaxLen(100)]] = key(default_factory=list)
    #: Environment variables whose values are secrets (beyond ``*_KEY``/``*_TOKEN``/...).
    env: list[Annotated[str, MinLen(1), MaxLen(200)]] = key(default_factory=list)


@dataclass(frozen=True)
class NemoctlTable(Table):
    """``[tool.nemoctl]``."""

    schemas_dir: ProjectPath = key("schemas", alias="schemas-dir")
    generated_dir: ProjectPath = key("generated", alias="generated-dir")
    minimum_release_age: Duration | None = key(None, alias="minimum-release-age")
    missing_upload_time: Literal["warn", "refuse"] = key("warn", alias="missing-upload-time")
    advisories: FilePath | None = None  # only read, so it may live outside the project
    fail_on: SeverityName = key("ERR", alias="fail-on")
    rules: dict[str, SeverityName] = key(default_factory=dict)
    upstreams: dict[PackageName, UpstreamTable] | None = None
    contracts: ContractsTable | None = None
    redact: RedactTable | None = None
    migrations: MigrationsTable | None = None
    impact: ImpactTable | None = None
    generate: GenerateTable | None = None
    config: ConfigSurfaceTable | None = None
    #: The project's own environment (LiteLLM's installed files are verified there and
    #: the contracts run in it); may lie outside the project because it is explicit.
    environment: FilePath | None = None


# ---------------------------------------------------------------------------
# the resolved configuration


@dataclass(frozen=True, slots=True)
class UpstreamConfig:
    """One upstream package whose exact pin nemoctl manages."""

    name: str
    package: str
    extras: tuple[str, ...] = ()
    schema_path: str = DEFAULT_SCHEMA_PATH
    coupled: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """Resolved configuration of one project (paths are absolute)."""

    root: Path
    schemas_dir: Path
    generated_dir: Path
    upstreams: dict[str, UpstreamConfig]
    minimum_release_age: str | None = None
    missing_upload_time: str = "warn"
    advisories: Path | None = None
    fail_on: str = "ERR"
    rule_severities: dict[str, str] = field(default_factory=dict)
    #: ``[tool.nemoctl.migrations]`` (None: not configured, the defaults apply).
    migrations: MigrationsPolicy | None = None
    #: ``[tool.nemoctl.contracts]`` as the built-in suite uses it.
    contracts: ContractsSettings | None = None
    impact: ImpactConfig = field(default_factory=ImpactConfig)
    #: ``[tool.nemoctl.generate]``: package name, supabase schema key, BigInt mapping.
    codegen: CodegenOptions = DEFAULT_OPTIONS
    #: ``[tool.nemoctl.config] files``: proxy configs the config surface reads.
    config_files: tuple[Path, ...] = ()
    #: ``[tool.nemoctl] environment`` resolved against the root (None: detect one).
    environment: Path | None = None

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def sacred_fields_file(self) -> Path:
        return self.schemas_dir / "sacred_fields.toml"

    @property
    def acknowledgements_file(self) -> Path:
        return self.schemas_dir / "acknowledged.toml"

    def upstream(self, name: str = "litellm") -> UpstreamConfig:
        try:
            return self.upstreams[name]
        except KeyError:
            known = ", ".join(sorted(self.upstreams)) or "none"
            raise ConfigError(
                f"unknown upstream {name!r} (configured: {known})"
            ) from None


def default_upstreams() -> dict[str, UpstreamConfig]:
    return {
        "litellm": UpstreamConfig(
            name="litellm",
            package="litellm",
            extras=("proxy",),
            schema_path=DEFAULT_SCHEMA_PATH,
            coupled=("litellm-proxy-extras",),
        )
    }


def parse_table(raw: Any) -> NemoctlTable:
    """Validate a raw ``[tool.nemoctl]`` value against the declared schema."""
    if not isinstance(raw, dict):
        raise ConfigError(f"[tool.nemoctl] must be a table, not {_kind(raw)}")
    table = NemoctlTable.validate(raw, "tool.nemoctl")
    _check_rule_ids(table.rules)
    return table


def load_config(root: Path | None = None) -> Config:
    """Load ``[tool.nemoctl]`` from the project at ``root`` (default: search upwards)."""
    root = find_project_root(root)
    data = read_pyproject(root / "pyproject.toml")
    tool = data.get("tool", {})
    table = parse_table(tool.get("nemoctl", {}) if isinstance(tool, dict) else {})
    _configure_redaction(table.redact)
    return Config(
        root=root,
        schemas_dir=root / table.schemas_dir,
        generated_dir=root / table.generated_dir,
        upstreams=_upstreams(table.upstreams) or default_upstreams(),
        minimum_release_age=table.minimum_release_age,
        missing_upload_time=table.missing_upload_time,
        advisories=(root / table.advisories) if table.advisories else None,
        fail_on=table.fail_on,
        rule_severities=dict(table.rules),
        migrations=policy_from_table(table.migrations),
        contracts=contracts_from_table(table.contracts, root),
        impact=impact_config(table.impact),
        codegen=GenerateTable.resolve(table.generate),
        config_files=tuple(root / f for f in (table.config.files if table.config else ())),
        environment=(root / table.environment) if table.environment else None,
    )


def _upstreams(raw: dict[str, UpstreamTable] | None) -> dict[str, UpstreamConfig]:
    return {
        name: UpstreamConfig(
            name=name,
            package=spec.package or name,
            extras=tuple(spec.extras),
            schema_path=spec.schema_path,
            coupled=tuple(spec.coupled),
        )
        for name, spec in (raw or {}).items()
    }


def _configure_redaction(table: RedactTable | None) -> None:
    if table is None:
        return
    from nemoctl import redact

    redact.configure(params=table.params)
    redact.register_secret(*(os.environ.get(name) for name in table.env))


def _check_rule_ids(rules: Mapping[str, str]) -> None:
    if not rules:
        return
    # Imported here: the whole registry loads every surface's rule module, which
    # commands that name no rule need not load.
    from nemoctl.findings.catalogue import check_rule_overrides

    for note in check_rule_overrides(rules, "[tool.nemoctl.rules]"):
        sys.stderr.write(f"warning: {note}\n")


# ---------------------------------------------------------------------------
# error messages


def _kind(value: Any) -> str:
    return {
        str: "string", int: "integer", float: "float", bool: "boolean",
        list: "array", dict: "table",
    }.get(type(value), type(value).__name__)
