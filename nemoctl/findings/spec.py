"""A rule's declaration (its spec) and the one registry every surface registers into.

In the manner of ruff's and buf's rule registries: a rule is data — a globally unique
ID, the surface it belongs to, a default severity, a one-line summary, why it matters
and what to do — and a check is whatever code of the surface emits findings under
that ID.  ``nemoctl rules`` lists the registry; ``nemoctl rules explain ID`` prints one
spec; ``docs/rules.md`` is generated from it.

IDs are user state (``[tool.nemoctl.rules]``, ``acknowledged.toml``, fingerprints), so a
renamed rule keeps its old ID as a spec with ``replaced_by``: configuration naming the
old ID keeps working with a deprecation note, and fingerprints keep hashing the ID the
change was first reported under.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nemoctl.findings.severity import Severity, is_severity

_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")

#: The surfaces, in the order reports and listings show them.
SURFACES: tuple[str, ...] = ("schema", "migrations", "db", "api", "config", "provenance")


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    surface: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    #: A short illustration (before → after, or the offending line).
    example: str = ""
    #: Set on a retired ID: the rule that now reports what this one did.
    replaced_by: str | None = None
    #: The nemoctl version that introduced the rule.
    since: str = "0.1.0"
    #: A finer grouping inside the surface (``model``, ``field``, ``statement``, ``drift``…).
    group: str = ""
    #: IDs this rule was reported under before IDs were unique across surfaces (the
    #: migration gate's ``TABLE_RENAMED`` is now ``SQL_TABLE_RENAMED``; the schema diff
    #: kept the name).  Its fingerprints keep hashing the first of them, and an
    #: acknowledgement naming one still matches.
    formerly: tuple[str, ...] = ()

    @property
    def fingerprint_id(self) -> str:
        """The ID fingerprints hash: the one the finding was first reported under."""
        return self.formerly[0] if self.formerly else self.id

    @property
    def deprecated(self) -> bool:
        return self.replaced_by is not None

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "surface": self.surface, "group": self.group or None,
                "severity": self.severity, "summary": self.summary,
                "rationale": self.rationale, "fix": self.fix,
                "example": self.example or None, "replaced_by": self.replaced_by,
                "formerly": list(self.formerly), "since": self.since}


class SpecView:
    """Mixin for a surface's own rule object that carries its registry spec (the schema
    diff's detector, the migration gate's statement check): the spec's facts, by name."""

    __slots__ = ()
    spec: RuleSpec

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def severity(self) -> Severity:
        return self.spec.severity

    @property
    def rationale(self) -> str:
        return self.spec.rationale

    @property
    def fix(self) -> str:
        return self.spec.fix

    @property
    def group(self) -> str:
        return self.spec.group


def fix_for(rule_id: str) -> str:
    """What to do about a finding of ``rule_id`` (its rule's fix; "" when unregistered)."""
    spec = _REGISTRY.get(rule_id)
    return spec.fix if spec is not None else ""


class DuplicateRuleError(RuntimeError):
    """Two specs claim one ID: a programming error, caught at import by the tests."""


_REGISTRY: dict[str, RuleSpec] = {}


def register(spec: RuleSpec) -> RuleSpec:
    """Add ``spec`` to the registry; IDs are unique across every surface."""
    if not _ID.match(spec.id):
        raise ValueError(f"rule id {spec.id!r} is not SCREAMING_SNAKE_CASE")
    if spec.surface not in SURFACES:
        raise ValueError(f"rule {spec.id}: unknown surface {spec.surface!r}")
    if not is_severity(spec.severity):
        raise ValueError(f"rule {spec.id}: unknown severity {spec.severity!r}")
    if not spec.summary or not spec.rationale or not spec.fix:
        raise ValueError(f"rule {spec.id}: summary, rationale and fix are all required")
    existing = _REGISTRY.get(spec.id)
    if existing is not None and existing != spec:
        raise DuplicateRuleError(f"rule id {spec.id} is registered twice "
                                 f"({existing.surface} and {spec.surface})")
    _REGISTRY[spec.id] = spec
    return spec


def get_rule(rule_id: str) -> RuleSpec | None:
    """The spec registered under ``rule_id`` (the surface's rule module must be imported)."""
    return _REGISTRY.get(rule_id)


def current_id(rule_id: str) -> str:
    """Follow ``replaced_by`` links to the ID in use today (unknown IDs come back as given)."""
    seen: set[str] = set()
    while rule_id not in seen:
        seen.add(rule_id)
        spec = _REGISTRY.get(rule_id)
        if spec is None or spec.replaced_by is None:
            return rule_id
        rule_id = spec.replaced_by
    return rule_id


def registered(surface: str | None = None) -> Iterator[RuleSpec]:
    """Every registered spec (of one surface), in registration order."""
    for spec in _REGISTRY.values():
        if surface is None or spec.surface == surface:
            yield spec
