"""Project configuration: the ``[tool.nemoctl]`` table of ``pyproject.toml``.

Every command reads its settings through :func:`load_config`, so defaults live in
exactly one place.  Unknown keys are an error rather than being ignored: a typo in
a safety setting (``minimum-relase-age``) must not silently disable it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemoctl.errors import ConfigError

DEFAULT_SCHEMA_PATH = "litellm/proxy/schema.prisma"

_TOP_KEYS = {
    "schemas-dir",
    "generated-dir",
    "minimum-release-age",
    "missing-upload-time",
    "advisories",
    "fail-on",
    "rules",
    "upstreams",
    "contracts",
}
_UPSTREAM_KEYS = {"package", "extras", "schema-path", "coupled"}
SEVERITIES = ("ERR", "WARN", "INFO")


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
    raise ConfigError(f"no pyproject.toml found in {here} or any parent directory")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; unreadable or malformed files are a ConfigError (exit 2)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def read_pyproject(path: Path) -> dict[str, Any]:
    return read_toml(path)


def load_config(root: Path | None = None) -> Config:
    """Load ``[tool.nemoctl]`` from the project at ``root`` (default: search upwards)."""
    root = find_project_root(root)
    data = read_pyproject(root / "pyproject.toml")
    table = data.get("tool", {}).get("nemoctl", {})
    if not isinstance(table, dict):
        raise ConfigError("[tool.nemoctl] must be a table")
    unknown = set(table) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"unknown key(s) in [tool.nemoctl]: {', '.join(sorted(unknown))}")

    upstreams = _parse_upstreams(table.get("upstreams")) or default_upstreams()
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError("[tool.nemoctl.rules] must be a table of RULE-ID = severity")
    for rule_id, severity in rules.items():
        if severity not in SEVERITIES:
            raise ConfigError(
                f"[tool.nemoctl.rules] {rule_id} = {severity!r}: severity must be one of "
                + ", ".join(SEVERITIES)
            )
    fail_on = table.get("fail-on", "ERR")
    if fail_on not in SEVERITIES:
        raise ConfigError(f"fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    missing_upload = table.get("missing-upload-time", "warn")
    if missing_upload not in ("warn", "refuse"):
        raise ConfigError("missing-upload-time must be 'warn' or 'refuse'")
    advisories = table.get("advisories")
    return Config(
        root=root,
        schemas_dir=root / str(table.get("schemas-dir", "schemas")),
        generated_dir=root / str(table.get("generated-dir", "generated")),
        upstreams=upstreams,
        minimum_release_age=table.get("minimum-release-age"),
        missing_upload_time=missing_upload,
        advisories=(root / advisories) if advisories else None,
        fail_on=fail_on,
        rule_severities=dict(rules),
    )


def _parse_upstreams(raw: Any) -> dict[str, UpstreamConfig]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError("[tool.nemoctl.upstreams] must be a table of tables")
    result: dict[str, UpstreamConfig] = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"[tool.nemoctl.upstreams.{name}] must be a table")
        unknown = set(spec) - _UPSTREAM_KEYS
        if unknown:
            raise ConfigError(
                f"unknown key(s) in [tool.nemoctl.upstreams.{name}]: {', '.join(sorted(unknown))}"
            )
        result[name] = UpstreamConfig(
            name=name,
            package=str(spec.get("package", name)),
            extras=tuple(spec.get("extras", ())),
            schema_path=str(spec.get("schema-path", DEFAULT_SCHEMA_PATH)),
            coupled=tuple(spec.get("coupled", ())),
        )
    return result


def cache_dir() -> Path:
    """nemoctl's cache root: ``$NEMOCTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/nemoctl``."""
    explicit = os.environ.get("NEMOCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nemoctl"
