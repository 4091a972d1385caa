"""What one LiteLLM version reads: config keys per section and environment variables.

Plain frozen data, JSON-serialisable both ways (the per-wheel cache stores it).  Only
names, LiteLLM's own default expressions and LiteLLM's own file:line positions are
kept: nothing here ever holds a consumer's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The config sections an inventory describes, in report order.
SECTIONS = (
    "general_settings",
    "litellm_settings",
    "router_settings",
    "model_list[].litellm_params",
    "guardrails[].litellm_params",
)


@dataclass(frozen=True, slots=True)
class SettingKey:
    """One key a section is read for."""

    name: str
    #: LiteLLM's default as source text (``ast.unparse``), or None when it has none the
    #: scan can name (read without a default, or defaults that differ between readers).
    default: str | None
    #: How the scan knows: ``field`` (a config model's field), ``global`` (a ``litellm``
    #: module attribute), ``param`` (a constructor parameter), ``read`` (a literal key
    #: read from the settings mapping).
    origin: str
    #: LiteLLM's own position, ``litellm/proxy/_types.py:2510``.
    where: str

    def to_list(self) -> list[Any]:
        return [self.name, self.default, self.origin, self.where]

    @classmethod
    def from_list(cls, raw: list[Any]) -> SettingKey:
        name, default, origin, where = raw
        return cls(str(name), None if default is None else str(default), str(origin), str(where))


@dataclass(frozen=True, slots=True)
class EnvRead:
    """One environment variable the package reads (all its reads, summarised)."""

    name: str
    reads: int
    #: Some read has no default (``os.environ[...]``, ``os.getenv(X)``, ``get_secret(X)``).
    without_default: bool
    #: Read as ``os.environ[NAME]`` (raises when unset) in code that runs at proxy
    #: start-up, outside any ``try`` or guard on that name: the proxy looks to need it.
    required_at_startup: bool
    where: str

    def to_list(self) -> list[Any]:
        return [self.name, self.reads, self.without_default, self.required_at_startup,
                self.where]

    @classmethod
    def from_list(cls, raw: list[Any]) -> EnvRead:
        name, reads, without_default, required, where = raw
        return cls(str(name), int(reads), bool(without_default), bool(required), str(where))


@dataclass(frozen=True, slots=True)
class ConfigInventory:
    package: str
    version: str
    wheel_sha256: str
    sections: Mapping[str, Mapping[str, SettingKey]] = field(repr=False)
    env: Mapping[str, EnvRead] = field(repr=False)
    #: Reads the scan saw but could not name (a computed variable name): counted so the
    #: report can say how much it cannot see.
    dynamic_env_reads: int = 0
    files_scanned: int = 0
    #: Every snake_case / UPPER_CASE word anywhere in the package's source text (code,
    #: strings, comments). A key or variable still *mentioned* may be read through a
    #: path the scan does not model, so "no longer read" and "unknown" are only claimed
    #: for names absent from it (a superset: errs towards "cannot tell").
    #: Stored as one space-separated string: ``check`` loads it as a single JSON value
    #: and splits it only when a name has to be looked up.
    words: str = field(default="", repr=False)

    def mentions(self, name: str) -> bool:
        # A few lookups per run: a bounded substring search beats building a 90k-set.
        return " " not in name and f" {name} " in f" {self.words} "

    def keys(self, section: str) -> Mapping[str, SettingKey]:
        return self.sections.get(section, {})

    def sections_reading(self, key: str) -> tuple[str, ...]:
        return tuple(s for s in SECTIONS if key in self.keys(s))

    def counts(self) -> dict[str, int]:
        out = {s: len(self.keys(s)) for s in SECTIONS}
        out["env"] = len(self.env)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "version": self.version,
            "wheel_sha256": self.wheel_sha256,
            "files_scanned": self.files_scanned,
            "dynamic_env_reads": self.dynamic_env_reads,
            "sections": {
                s: [k.to_list() for _, k in sorted(self.keys(s).items())] for s in SECTIONS
            },
            "env": [e.to_list() for _, e in sorted(self.env.items())],
            "words": self.words,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ConfigInventory:
        sections = {
            s: {k.name: k for k in map(SettingKey.from_list, raw["sections"].get(s, []))}
            for s in SECTIONS
        }
        env = {e.name: e for e in map(EnvRead.from_list, raw["env"])}
        return cls(str(raw["package"]), str(raw["version"]), str(raw["wheel_sha256"]),
                   sections, env, int(raw["dynamic_env_reads"]), int(raw["files_scanned"]),
                   str(raw["words"]))
