"""Every surface's rule module, so the whole registry can be loaded at once.

Surfaces register their rules when their rule module is imported; a command that
checks one surface loads only that one (start-up is budgeted).  ``nemoctl rules``,
``docs/rules.md`` and the validation of rule IDs named in configuration need all of
them: this list is the one place that names them (as ruff's registry names every
linter).  A test checks that it names every module that registers a rule.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from nemoctl.errors import ConfigError
from nemoctl.findings.severity import SEVERITIES
from nemoctl.findings.spec import RuleSpec, get_rule, registered

RULE_MODULES: tuple[str, ...] = (
    "nemoctl.diff.rules",
    "nemoctl.migrations.rules",
    "nemoctl.db.rules",
    "nemoctl.apisurface.rules",
    "nemoctl.configsurface.rules",
    "nemoctl.provenance.rules",
)


def load_all() -> tuple[RuleSpec, ...]:
    """Import every rule module; the registry's specs, surface by surface."""
    for module in RULE_MODULES:
        importlib.import_module(module)
    return tuple(registered())


def check_rule_overrides(overrides: Mapping[str, str], where: str) -> list[str]:
    """Validate ``ID = "SEVERITY"`` entries; returns deprecation notes for retired IDs."""
    notes: list[str] = []
    if not overrides:
        return notes
    load_all()
    for rule_id, severity in overrides.items():
        spec = get_rule(rule_id)
        if spec is None:
            raise ConfigError(f"unknown rule {rule_id!r} in {where} "
                              "(`nemoctl rules` lists them)")
        if spec.surface == "db":
            raise ConfigError(f"rule {rule_id} in {where}: db verify's rules report a "
                              "database as it is and cannot be re-levelled")
        if severity not in SEVERITIES:
            raise ConfigError(f"rule {rule_id} in {where}: severity must be one of "
                              "ERR, WARN, INFO")
        if spec.replaced_by is not None:
            notes.append(f"{where}: rule {rule_id} is now {spec.replaced_by}; "
                         "rename it (the old ID keeps working for now)")
    return notes


def check_surface_overrides(overrides: Mapping[str, str], surface: str, where: str) -> None:
    """Validate a surface's own severity table (``[tool.nemoctl.migrations] rules``):
    IDs of that surface, or IDs its rules were formerly reported under."""
    if not overrides:
        return
    specs = [s for s in load_all() if s.surface == surface]
    known = {s.id for s in specs} | {f for s in specs for f in s.formerly}
    for rule_id, severity in overrides.items():
        if rule_id not in known:
            raise ConfigError(f"{where}: unknown rule {rule_id!r} "
                              f"(`nemoctl rules --surface {surface}` lists them)")
        if severity not in SEVERITIES:
            raise ConfigError(f"{where}: {rule_id} = {severity!r} must be ERR, WARN or INFO")
