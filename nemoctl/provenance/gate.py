"""The provenance surface gate: scan results as the findings kernel's report.

``check`` judges the project as it is (sources, installed files, patches);
``upgrade``, ``ci`` and ``impact --to`` (a target version) judge sources and patches
only: the local environment holds the current release and is not what they ship.
Severities come from ``[tool.nemoctl.rules]`` and acknowledgements from
``schemas/acknowledged.toml``, as for every surface.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from nemoctl.config import Config
from nemoctl.findings import (
    Acknowledgements,
    AckStatus,
    Finding,
    Location,
    SurfaceReport,
    apply_acknowledgements,
    load_acknowledgements,
    make_finding,
)
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
            severities=severities, subject=o.package, after=o.source,
        ))
    return tuple(findings)


def report_of(scan: ProvenanceScan, severities: Mapping[str, str] | None = None, *,
              acks: Acknowledgements | None = None, today: date | None = None
              ) -> SurfaceReport:
    findings = to_findings(scan.observations, severities)
    statuses: tuple[AckStatus, ...] = ()
    if acks is not None and acks.items:
        findings, statuses = apply_acknowledgements(
            findings, acks, today=today or date.today(), surfaces=(SURFACE,))
    notes = list(scan.notes)
    if scan.environment is not None:
        notes.insert(0, f"environment: {scan.environment.path} ({scan.environment.origin}); "
                        f"{scan.verified_files} installed file(s) verified against RECORD")
    return SurfaceReport(SURFACE, findings, acknowledgements=statuses, notes=tuple(notes))


def project_acknowledgements(config: Config) -> Acknowledgements:
    path = config.acknowledgements_file
    return load_acknowledgements(path)


def judge_project(config: Config, *, pinned: str | None = None, sources: bool = True,
                  integrity: bool = True, patches: bool = True,
                  upstream_name: str = "litellm") -> tuple[ProvenanceScan, SurfaceReport]:
    """Scan the project and judge it with its own severities and acknowledgements."""
    scan = scan_project(config, pinned=pinned, upstream_name=upstream_name, sources=sources,
                        integrity=integrity, patches=patches)
    return scan, report_of(scan, config.rule_severities,
                           acks=project_acknowledgements(config))


class ProvenanceGate:
    name = SURFACE

    def judge(self, ctx: SurfaceContext) -> SurfaceReport:
        scan = scan_project(ctx.config, pinned=ctx.current_version,
                            integrity=ctx.target_version is None)
        return report_of(scan, ctx.severities, acks=ctx.acknowledgements, today=ctx.today)


GATE = ProvenanceGate()
