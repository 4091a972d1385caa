"""What the provenance scanners observe, before it becomes a finding.

The scanners (:mod:`.sources`, :mod:`.integrity`, :mod:`.patches`) return
:class:`Observation` records; :mod:`.gate` turns them into the findings kernel's
``Finding`` objects.  Keeping the scanners free of the kernel keeps them testable
alone and lets ``init`` refuse without building a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: LiteLLM and the packages released in lock-step with it: any of them from
#: somewhere other than the index is a fork of the same code.
DEFAULT_WATCHED = ("litellm", "litellm-proxy-extras", "litellm-enterprise")


@dataclass(frozen=True, slots=True)
class Observation:
    """One place where LiteLLM does not come from, or is not, what was published."""

    rule_id: str
    #: Project-relative posix path (or an absolute path outside the project).
    path: str
    #: 1-based; 0 when the place has no line (a whole installed file).
    line: int
    package: str
    #: Where the package comes from, as written (``git https://…@abc123``), or what
    #: happened to the file (``modified``).
    source: str
    message: str
    #: What identifies this observation across runs (never the message).
    key_parts: tuple[str, ...]
    snippet: str = ""
    #: Files a patch touches (patch rules only).
    touches: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "path": self.path,
            "line": self.line,
            "package": self.package,
            "source": self.source,
            "message": self.message,
            "touches": list(self.touches),
        }

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path
