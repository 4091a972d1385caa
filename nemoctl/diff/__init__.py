"""Schema diff: named rules, sacred fields, acknowledgements, one report.

    from nemoctl.diff import diff_schemas, load_sacred, load_acknowledgements
    report = diff_schemas(old, new, sacred=load_sacred(path), acks=load_acknowledgements(p))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.diff.engine import diff_schemas, resolve_severities
    from nemoctl.diff.report import (
        Change,
        DiffReport,
        SacredStatus,
        Severity,
        at_least,
        fingerprint,
    )
    from nemoctl.diff.rules import RULES, Rule
    from nemoctl.diff.sacred import (
        SacredField,
        SacredFields,
        check_sacred,
        compare_sacred,
        load_sacred,
        parse_sacred,
    )
    from nemoctl.findings.acks import (
        Acknowledgement,
        Acknowledgements,
        AckStatus,
        load_acknowledgements,
        parse_acknowledgements,
    )

_WHERE = {
    "Acknowledgement": "_acks",
    "Acknowledgements": "_acks",
    "load_acknowledgements": "_acks",
    "parse_acknowledgements": "_acks",
    "AckStatus": "_acks",
    "diff_schemas": "engine",
    "resolve_severities": "engine",
    "Change": "report",
    "DiffReport": "report",
    "SacredStatus": "report",
    "Severity": "report",
    "at_least": "report",
    "fingerprint": "report",
    "RULES": "rules",
    "Rule": "rules",
    "SacredField": "sacred",
    "SacredFields": "sacred",
    "check_sacred": "sacred",
    "compare_sacred": "sacred",
    "load_sacred": "sacred",
    "parse_sacred": "sacred",
}

__all__ = [
    "RULES",
    "AckStatus",
    "Acknowledgement",
    "Acknowledgements",
    "Change",
    "DiffReport",
    "Rule",
    "SacredField",
    "SacredFields",
    "SacredStatus",
    "Severity",
    "at_least",
    "check_sacred",
    "compare_sacred",
    "diff_schemas",
    "fingerprint",
    "load_acknowledgements",
    "load_sacred",
    "parse_acknowledgements",
    "parse_sacred",
    "resolve_severities",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
