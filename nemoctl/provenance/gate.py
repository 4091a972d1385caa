"""The provenance surface gate: scan results as the findings kernel's report.

``check`` judges the project as it is (sources, installed files, patches);
``upgrade``, ``ci`` and ``impact --to`` (a target version) judge sources and patches
only: the local environment holds the current release and is not what they ship.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nemoctl.findings import Finding, Location, SurfaceReport, make_finding
from nemoctl.findings.surface import SurfaceContext
from nemoctl.provenance import rules as _rules  # noqa: F401  (registers the rules)
from nemoctl.provenance.model import Observation
from nemoctl.provenance.scan import ProvenanceScan, scan_project

SURFACE = "provenance"


def to_findings(observations: Iterable[Observation],
                severities: Mapping[str, str] | None = None) -> tuple[Finding, ...]:
    findings = []
    for o in observations:
        location = Location(o.path, o.line, 0, o.snippet) if o.path else None
        message = o.message
        if o.touches and ", ".join(o.touches) not in message:
            message += " (touches " + ", ".join(o.touches) + ")"
        findings.append(make_finding(
            o.rule_id, message=message, key_parts=o.key_parts, location=location,
            severities=dict(severities) if severities is not None else None,
            subject=o.package, after=o.source,
        ))
    return tuple(findings)


def report_of(scan: ProvenanceScan, severities: Mapping[str, str] | None = None
              ) -> SurfaceReport:
    notes = list(scan.notes)
    if scan.environment is not None:
        notes.insert(0, f"environment: {scan.environment.path} ({scan.environment.origin}); "
                        f"{scan.verified_files} installed file(s) verified against RECORD")
    return SurfaceReport(SURFACE, to_findings(scan.observations, severities),
                         notes=tuple(notes))


class ProvenanceGate:
    name = SURFACE

    def judge(self, ctx: SurfaceContext) -> SurfaceReport:
        scan = scan_project(ctx.config, pinned=ctx.current_version,
                            integrity=ctx.target_version is None)
        return report_of(scan, ctx.severities)


GATE = ProvenanceGate()
