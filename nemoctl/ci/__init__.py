"""`nemoctl ci`: verify a dependency-bump pull request and report on it.

    result = run_ci(load_config(), base="origin/main", write=False)
    # publishing it (job summary, PR-comment file): nemoctl.render.ci_publish.publish
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
    from nemoctl.ci.run import CiResult, StaleFile, Verification, run_ci

_WHERE = {
    "ChangeSet": "changes",
    "DependabotUpdate": "changes",
    "PinChange": "changes",
    "UpstreamChange": "changes",
    "detect_changes": "changes",
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
    "StaleFile",
    "UpstreamChange",
    "Verification",
    "detect_changes",
    "run_ci",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
