"""The result of a supply-chain evaluation: data only, rendered elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from nemoctl.supply_chain.advisories import Advisory
from nemoctl.supply_chain.policy import Finding, describe_age


@dataclass(frozen=True, slots=True)
class SupplyChainReport:
    package: str
    version: str
    refusals: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    #: Newest upload time of the file(s) that matter (PEP 700); None when no source has one.
    upload_time: datetime | None = None
    age: timedelta | None = None
    minimum_age: str | None = None
    eligible_at: datetime | None = None
    yanked: bool = False
    yanked_reason: str | None = None
    withdrawn: bool = False
    wheel_filename: str | None = None
    wheel_sha256: str | None = None
    index_sha256: str | None = None
    advisories: tuple[Advisory, ...] = ()
    sources: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    allow_yanked: bool = False

    @property
    def ok(self) -> bool:
        return not self.refusals

    def summary(self) -> str:
        if self.ok:
            return f"{self.package} {self.version}: supply-chain checks passed"
        return f"{self.package} {self.version} refused: " + "; ".join(
            f.message for f in self.refusals
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "version": self.version,
            "ok": self.ok,
            "refusals": [f.to_dict() for f in self.refusals],
            "warnings": [f.to_dict() for f in self.warnings],
            "release": {
                "upload_time": _iso(self.upload_time),
                "age": describe_age(self.age) if self.age is not None else None,
                "age_seconds": int(self.age.total_seconds()) if self.age is not None else None,
                "minimum_age": self.minimum_age,
                "eligible_at": _iso(self.eligible_at),
                "yanked": self.yanked,
                "yanked_reason": self.yanked_reason,
                "withdrawn": self.withdrawn,
                "allow_yanked": self.allow_yanked,
            },
            "hashes": {
                "wheel": self.wheel_filename,
                "sha256": self.wheel_sha256,
                "index_sha256": self.index_sha256,
            },
            "advisories": [a.to_dict() for a in self.advisories],
            "sources": list(self.sources),
        }


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
