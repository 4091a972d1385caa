"""The findings kernel: one severity scale, one rule registry, one acknowledgement
engine and one report base, shared by every surface nemoctl checks.

    from nemoctl.findings import RuleSpec, register, make_finding, SurfaceReport

See ``docs/rules.md`` (generated from the registry) and ``nemoctl rules``.
"""

from __future__ import annotations

from nemoctl.findings.acks import (
    Acknowledgement,
    Acknowledgements,
    AckStatus,
    apply_acknowledgements,
    judge_acknowledgements,
    load_acknowledgements,
    parse_acknowledgements,
)
from nemoctl.findings.finding import Finding, Judged, Location, Usage, fingerprint, make_finding
from nemoctl.findings.report import FindingsReport, SurfaceReport, is_blocking
from nemoctl.findings.severity import SEVERITY_ORDER, Severity, at_least, severity_rank
from nemoctl.findings.spec import SURFACES, RuleSpec, current_id, get_rule, register, registered

__all__ = [
    "SEVERITY_ORDER",
    "SURFACES",
    "AckStatus",
    "Acknowledgement",
    "Acknowledgements",
    "Finding",
    "FindingsReport",
    "Judged",
    "Location",
    "RuleSpec",
    "Severity",
    "SurfaceReport",
    "Usage",
    "apply_acknowledgements",
    "at_least",
    "current_id",
    "fingerprint",
    "get_rule",
    "is_blocking",
    "judge_acknowledgements",
    "load_acknowledgements",
    "make_finding",
    "parse_acknowledgements",
    "register",
    "registered",
    "severity_rank",
]
