"""`nemoctl ci`: verify a dependency-bump pull request and report on it.

    result = run_ci(load_config(), base="origin/main", write=False)
    publish(result, report_file=Path("report.md"))   # + $GITHUB_STEP_SUMMARY
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.ci.changes import (
        ChangeSet,
        DependabotUpdate,
        PinChange,
        UpstreamChange,
        detect_changes,
    )
    from nemoctl.ci.report import Published, publish
    from nemoctl.ci.run import CiResult, StaleFile, Verification, run_ci

_WHERE = {
    "ChangeSet": "changes",
    "DependabotUpdate": "changes",
    "PinChange": "changes",
    "UpstreamChange": "changes",
    "detect_changes": "changes",
    "Published": "report",
    "publish": "report",
    "CiResult": "run",
    "StaleFile": "run",
    "Verification": "run",
    "run_ci": "run",
}

__all__ = [
    "ChangeSet",
    "CiResult",
    "DependabotUpdate",
    "PinChange",
    "Published",
    "StaleFile",
    "UpstreamChange",
    "Verification",
    "detect_changes",
    "publish",
    "run_ci",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
