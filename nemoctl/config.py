"""Project configuration: the ``[tool.nemoctl]`` table of ``pyproject.toml``.

Every command reads its settings through :func:`load_config`, so defaults live in
exactly one place.  The table is validated against one declared schema (the
pydantic models below) before any network or disk work: types, enumerations,
durations, package names (PEP 508) and paths.  Unknown keys are an error at every
level rather than being ignored: a typo in a safety setting
(``minimum-relase-age``) must not silently disable it.  Every error is a
:class:`ConfigError` (exit 2) naming the key and what it expects.

Adding a sub-table owned by another module (e.g. ``[tool.nemoctl.impact]``):

1. declare its pydantic model in *your* module, deriving from :class:`Table`
   (so unknown keys and wrong types are refused like everywhere else);
2. add one field to :class:`NemoctlTable` below: ``impact: ImpactTable | None = None``;
3. add one field to :class:`Config` and fill it in :func:`load_config` in one line.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from nemoctl.codegen.options import DEFAULT_OPTIONS, CodegenOptions, GenerateTable
from nemoctl.errors import ConfigError

if TYPE_CHECKING:
    from nemoctl.contracts.settings import ContractsSettings
    from nemoctl.migrations.config import MigrationsTable
    from nemoctl.migrations.config import Policy as MigrationsPolicy

DEFAULT_SCHEMA_PATH = "litellm/proxy/schema.prisma"
SEVERITIES = ("ERR", "WARN", "INFO")

# PEP 508's definition of a distribution name (the spec's own pattern, not a parser of code).
_PEP508_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


# ---------------------------------------------------------------------------
# value types


def _package_name(value: str) -> str:
    if not _PEP508_NAME.match(value):
        raise ValueError("a PEP 508 package name (letters, digits, '.', '-', '_')")
    return value


def _project_path(value: str) -> str:
    """A path inside the project: relative, no ``..``, no NUL."""
    if not value or "\0" in value:
        raise ValueError("a non-empty relative path")
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", value):
        raise ValueError("a relative path inside the project (no '..', not absolute)")
    return value


def _file_path(value: str) -> str:
    """A path to read (relative to the project, or absolute): non-empty, no NUL."""
    if not value or "\0" in value:
        raise ValueError("a non-empty path")
    return value


def _duration(value: str) -> str:
    from nemoctl.supply_chain.policy import parse_age

    try:
        parse_age(value)
    except ConfigError:
        raise ValueError('a duration like "3 days", "12h" or "1 week"') from None
    return value


PackageName = Annotated[str, AfterValidator(_package_name)]
ProjectPath = Annotated[str, AfterValidator(_project_path)]
FilePath = Annotated[str, AfterValidator(_file_path)]
Duration = Annotated[str, AfterValidator(_duration)]
SeverityName = Literal["ERR", "WARN", "INFO"]


class Table(BaseModel):
    """Base of every ``[tool.nemoctl...]`` table: strict types, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


# ---------------------------------------------------------------------------
# the schema


class UpstreamTable(Table):
    package: PackageName | None = None
    extras: list[PackageName] = Field(default_factory=lambda: [])
    schema_path: ProjectPath = Field(DEFAULT_SCHEMA_PATH, alias="schema-path")
    coupled: list[PackageName] = Field(default_factory=lambda: [])


class ContractsTable(Table):
    """``[tool.nemoctl.contracts]``: the project's own contract suite for ``upgrade``."""

    command: str | Annotated[list[str], Field(min_length=1)] | None = None
    #: The gateway's LiteLLM proxy config the built-in suite runs under (contracts.md).
    proxy_config: ProjectPath | None = Field(None, alias="proxy-config")
    #: What ``os.environ/NAME`` resolves to in that config: test values only.
    test_env: dict[str, str] = Field(default_factory=lambda: {}, alias="test-env")


class RedactTable(Table):
    """``[tool.nemoctl.redact]``: more secrets to mask in every output (see redact.md)."""

    #: Extra query-parameter / ``key=value`` names whose values are credentials.
    params: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=lambda: [])
    #: Environment variables whose values are secrets (beyond ``*_KEY``/``*_TOKEN``/...).
    env: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=lambda: [])


# Owned by nemoctl.impact; imported here, after Table, because it derives from it.
from nemoctl.impact.config import ImpactConfig, ImpactTable, impact_config  # noqa: E402


class NemoctlTable(Table):
    """``[tool.nemoctl]``."""

    schemas_dir: ProjectPath = Field("schemas", alias="schemas-dir")
    generated_dir: ProjectPath = Field("generated", alias="generated-dir")
    minimum_release_age: Duration | None = Field(None, alias="minimum-release-age")
    missing_upload_time: Literal["warn", "refuse"] = Field("warn", alias="missing-upload-time")
    advisories: FilePath | None = None  # only read, so it may live outside the project
    fail_on: SeverityName = Field("ERR", alias="fail-on")
    rules: dict[str, SeverityName] = Field(default_factory=lambda: {})
    upstreams: dict[PackageName, UpstreamTable] | None = None
    contracts: ContractsTable | None = None
    redact: RedactTable | None = None
    #: Declared in nemoctl.migrations.config; resolved by _rebuild() on first use.
    migrations: MigrationsTable | None = None
    impact: ImpactTable | None = None
    generate: GenerateTable | None = None


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


def find_project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` holding a ``pyproject.toml``."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    raise ConfigError(
        f"no pyproject.toml found in {here} or any parent directory",
        hint="in a project that pins LiteLLM in requirements*.txt, run `nemoctl init`: "
        "it creates a minimal pyproject.toml holding [tool.nemoctl]",
    )


def read_text(path: Path) -> str:
    """A project file as UTF-8 text; unreadable or non-UTF-8 is a ConfigError (exit 2)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason})"
        ) from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; unreadable or malformed files are a ConfigError (exit 2)."""
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def read_pyproject(path: Path) -> dict[str, Any]:
    return read_toml(path)


def parse_table(raw: Any) -> NemoctlTable:
    """Validate a raw ``[tool.nemoctl]`` value against the declared schema."""
    if not isinstance(raw, dict):
        raise ConfigError(f"[tool.nemoctl] must be a table, not {_kind(raw)}")
    _rebuild()
    try:
        table = NemoctlTable.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, "tool.nemoctl")) from None
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
        migrations=_migrations_policy(table.migrations),
        contracts=_contracts_settings(table.contracts, root),
        impact=impact_config(table.impact),
        codegen=GenerateTable.resolve(table.generate),
    )


def _rebuild() -> None:
    """Resolve the sub-tables other modules declare (imported late: they import Table)."""
    if NemoctlTable.__pydantic_complete__:
        return
    from nemoctl.migrations.config import MigrationsTable

    NemoctlTable.model_rebuild(_types_namespace={"MigrationsTable": MigrationsTable})


def _contracts_settings(table: ContractsTable | None, root: Path) -> ContractsSettings:
    from nemoctl.contracts.settings import from_table  # lazy: contracts imports config

    return from_table(table, root)


def _migrations_policy(table: MigrationsTable | None) -> MigrationsPolicy:
    from nemoctl.migrations.config import policy_from_table

    return policy_from_table(table)


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
    # Imported here: the rule registry pulls in the diff engine's modules, which
    # commands that never diff (db, contracts) need not load.
    from nemoctl.diff.rules import RULES

    for rule_id in rules:
        if rule_id not in RULES:
            raise ConfigError(
                f"unknown rule {rule_id!r} in [tool.nemoctl.rules] (known: {', '.join(RULES)})"
            )


# ---------------------------------------------------------------------------
# error messages


def describe_validation_error(exc: ValidationError, prefix: str) -> str:
    """One line naming the first offending key and what it expects."""
    errors = exc.errors()
    keys = _keys(errors[0]["loc"])
    # A union (``str | list[str]``) reports one error per branch at the same key:
    # a branch that got the right type but a bad value says more than a type mismatch.
    same = [e for e in errors if _keys(e["loc"]) == keys]
    specific = [e for e in same if e["type"] not in _EXPECTED]
    first = specific[0] if specific else same[0]
    key = _dotted(prefix, keys)
    kind = first["type"]
    value = first.get("input")
    ctx = first.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown key {keys[-1]!r} in [{_dotted(prefix, keys[:-1])}]"
    if keys and keys[-1] == "[key]":
        key = _dotted(prefix, keys[:-1])
        return f"{key}: key {_show(value)}: expected {ctx.get('error', first['msg'])}"
    if kind == "literal_error":
        return f"{key}: expected one of {ctx.get('expected', '')}, got {_show(value)}"
    if kind == "value_error":
        return f"{key}: expected {ctx.get('error', first['msg'])}, got {_show(value)}"
    if kind == "too_short":
        return f"{key}: expected a non-empty array, got []"
    names = sorted({_EXPECTED[e["type"]] for e in same if e["type"] in _EXPECTED})
    expected = " or ".join(names) if names else first["msg"].lower()
    return f"{key}: expected {expected}, got {_kind(value)} {_show(value)}"


_EXPECTED = {
    "string_type": "a string",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "bool_type": "true or false",
    "int_type": "an integer",
}


def _keys(loc: tuple[int | str, ...]) -> list[str]:
    # pydantic reports a union's branches as location parts ("str", "list[str]"):
    # they are not keys, so they are dropped from the path.
    return [str(p) for p in loc if not _is_type_tag(str(p))]


def _is_type_tag(part: str) -> bool:
    return part in ("str", "none") or part.startswith(("function-", "list[", "dict["))


def _dotted(prefix: str, keys: list[str]) -> str:
    parts = [prefix]
    for k in keys:
        parts.append(f"[{k}]" if k.isdigit() else ("." + k))
    return "".join(parts).replace(".[", "[")


def _kind(value: Any) -> str:
    return {
        str: "string", int: "integer", float: "float", bool: "boolean",
        list: "array", dict: "table",
    }.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def cache_dir() -> Path:
    """nemoctl's cache root: ``$NEMOCTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/nemoctl``."""
    explicit = os.environ.get("NEMOCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nemoctl"
