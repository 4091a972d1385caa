"""How a surface plugs into ``upgrade``, ``ci``, ``check`` and ``impact --to``.

A surface (LiteLLM's Python API, its configuration and environment, where LiteLLM
comes from) is a :class:`SurfaceGate`: given the project and the versions, it returns
a :class:`~nemoctl.findings.report.SurfaceReport`.  ``nemoctl/surfaces.py`` lists the
gates; the commands run them and embed each report under its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from nemoctl.findings.acks import Acknowledgements
from nemoctl.findings.report import SurfaceReport

if TYPE_CHECKING:
    from nemoctl.config import Config


@dataclass(frozen=True, slots=True)
class SurfaceContext:
    root: Path
    config: Config
    #: The LiteLLM version the project pins now (``None``: no pin found).
    current_version: str | None
    #: The version moved to; ``None`` in ``check``: judge the current version alone.
    target_version: str | None
    #: Rule ID → severity from ``[tool.nemoctl.rules]``.
    severities: Mapping[str, str] = field(default_factory=dict)
    acknowledgements: Acknowledgements = field(default_factory=Acknowledgements)
    today: date = field(default_factory=date.today)
    #: List changes nothing uses too (``--all``).
    list_unused: bool = False


class SurfaceGate(Protocol):
    @property
    def name(self) -> str: ...

    def judge(self, ctx: SurfaceContext) -> SurfaceReport: ...
