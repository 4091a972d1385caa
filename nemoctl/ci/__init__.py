"""`nemoctl ci`: verify a dependency-bump pull request and report on it.

    result = run_ci(load_config(), base="origin/main", write=False)
    publish(result, report_file=Path("report.md"))   # + $GITHUB_STEP_SUMMARY
"""

from nemoctl.ci.changes import (
    ChangeSet,
    DependabotUpdate,
    PinChange,
    UpstreamChange,
    detect_changes,
)
from nemoctl.ci.report import Published, publish
from nemoctl.ci.run import CiResult, StaleFile, Verification, run_ci

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
