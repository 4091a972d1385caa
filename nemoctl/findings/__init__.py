"""The findings kernel: one severity scale, one rule registry, one acknowledgement
engine and one report base, shared by every surface nemoctl checks.

    from nemoctl.findings import RuleSpec, register, make_finding, SurfaceReport

See ``docs/rules.md`` (generated from the registry) and ``nemoctl rules``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.findings.acks import (
        Acknowledgement,
        Acknowledgements,
        AckStatus,
        apply_acknowledgements,
        judge_acknowledgements,
        load_acknowledgements,
        parse_acknowledgements,
    )
    from nemoctl.findings.finding import (
        Finding,
        Judged,
        Location,
        Usage,
        fingerprint,
        is_blocking,
        make_finding,
    )
    from nemoctl.findings.report import FindingsReport, SurfaceReport
    from nemoctl.findings.severity import SEVERITY_ORDER, Severity, at_least, severity_rank
    from nemoctl.findings.spec import (
        SURFACES,
        RuleSpec,
        current_id,
        get_rule,
        register,
        registered,
    )

# Loaded on first use (nemoctl/_lazy.py): a command that only needs the severity order
# does not load the acknowledgement reader or the report base.
_WHERE = {
    "Acknowledgement": "acks", "Acknowledgements": "acks", "AckStatus": "acks",
    "apply_acknowledgements": "acks", "judge_acknowledgements": "acks",
    "load_acknowledgements": "acks", "parse_acknowledgements": "acks",
    "Finding": "finding", "Judged": "finding", "Location": "finding", "Usage": "finding",
    "fingerprint": "finding", "make_finding": "finding",
    "FindingsReport": "report", "SurfaceReport": "report", "is_blocking": "finding",
    "SEVERITY_ORDER": "severity", "Severity": "severity", "at_least": "severity",
    "severity_rank": "severity",
    "SURFACES": "spec", "RuleSpec": "spec", "current_id": "spec", "get_rule": "spec",
    "register": "spec", "registered": "spec",
}

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

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
