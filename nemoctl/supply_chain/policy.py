"""Policy vocabulary: release-age durations and the findings a check produces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nemoctl.durations import describe_age as describe_age
from nemoctl.durations import parse_age as parse_age


@dataclass(frozen=True, slots=True)
class Finding:
    """One refusal or warning: which check, and a message a person can act on."""

    check: str  # "yanked" | "withdrawn" | "age" | "upload-time" | "integrity" | "advisory" | ...
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "message": self.message}
