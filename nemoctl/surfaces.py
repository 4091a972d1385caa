"""The surfaces ``upgrade``, ``ci``, ``check`` and ``impact --to`` judge beside the schema.

Each gate returns a :class:`~nemoctl.findings.SurfaceReport`; the commands embed it
under the gate's name.  A new surface adds its gate here and registers its rules in
:mod:`nemoctl.findings.catalogue`.
"""

from __future__ import annotations

from collections.abc import Collection

from nemoctl.apisurface.gate import API_GATE
from nemoctl.findings.report import SurfaceReport
from nemoctl.findings.surface import SurfaceContext, SurfaceGate
from nemoctl.provenance.gate import GATE as _PROVENANCE

GATES: tuple[SurfaceGate, ...] = (API_GATE, _PROVENANCE)


def run_gates(ctx: SurfaceContext, *, only: Collection[str] | None = None,
              gates: tuple[SurfaceGate, ...] | None = None) -> tuple[SurfaceReport, ...]:
    """Every gate's report, in ``GATES`` order (``only``: the gates by those names)."""
    chosen = GATES if gates is None else gates
    return tuple(g.judge(ctx) for g in chosen if only is None or g.name in only)
