"""The usage map: which models, fields, tables and enum values the project's code uses, where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from nemoctl.diff.report import Change, Use

#: What a use points at.  ``member`` is the Prisma field, the enum value, or "".
TargetKind = Literal["model", "field", "enum", "enum_value"]


@dataclass(frozen=True, slots=True, order=True)
class Usage:
    """One use of one target."""

    model: str
    member: str
    target: TargetKind
    use: Use

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "model": self.model, "member": self.member or None,
                **self.use.to_dict()}


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class UsageMap:
    """Every use found in one scan, sorted; plus what was skipped or could not be parsed."""

    uses: tuple[Usage, ...]
    files_scanned: int
    skipped: tuple[SkippedFile, ...] = ()
    #: Files a parser rejected: (path, parser message).  Reported, never fatal.
    unparseable: tuple[SkippedFile, ...] = ()
    cache_hits: int = 0
    by_language: dict[str, int] = field(default_factory=dict)
    _by_model: dict[str, tuple[Usage, ...]] = field(default_factory=dict, compare=False,
                                                    repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Usage]] = {}
        for u in self.uses:
            index.setdefault(u.model, []).append(u)
        object.__setattr__(self, "_by_model", {k: tuple(v) for k, v in index.items()})

    def of_model(self, model: str) -> tuple[Usage, ...]:
        return self._by_model.get(model, ())

    def of_member(self, model: str, member: str) -> tuple[Usage, ...]:
        return tuple(u for u in self.of_model(model) if u.member == member)

    def uses_for(self, change: Change) -> tuple[Use, ...]:
        """The uses a finding is judged by (see docs/impact.md, "What counts as a use")."""
        if change.subject in ("field", "enum_value"):
            found: Iterable[Usage] = self.of_member(change.model, change.field)
            if change.subject == "enum_value":
                # A value is also "used" by code that names the enum type itself.
                found = (*found, *(u for u in self.of_model(change.model) if not u.member))
        elif change.subject == "index":
            columns = {c.split(" ")[0] for c in change.field.split(", ") if c}
            found = (u for u in self.of_model(change.model) if u.member in columns)
        else:
            found = self.of_model(change.model)
        return tuple(sorted({u.use for u in found}))

    def summary(self) -> dict[str, Any]:
        return {
            "files_scanned": self.files_scanned,
            "uses": len(self.uses),
            "cache_hits": self.cache_hits,
            "by_language": dict(sorted(self.by_language.items())),
            "skipped": [s.to_dict() for s in self.skipped],
            "unparseable": [s.to_dict() for s in self.unparseable],
        }

    def to_dict(self) -> dict[str, Any]:
        models: dict[str, dict[str, Any]] = {}
        for u in self.uses:
            entry = models.setdefault(u.model, {"model": u.model, "uses": [], "members": {}})
            if u.member:
                entry["members"].setdefault(u.member, []).append(u.use.to_dict())
            else:
                entry["uses"].append(u.use.to_dict())
        return {"scan": self.summary(), "models": [models[m] for m in sorted(models)]}
