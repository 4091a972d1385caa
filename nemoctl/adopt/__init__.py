"""Adopting nemoctl in an existing repository, and keeping it protected afterwards.

    result = run_init(Path("."), ci="github")      # nemoctl init --ci github
    require_protection(config, allow_unprotected=False)   # upgrade / ci / check

``detect`` reads the project (pins, lock tool), ``seed`` writes the starting sacred
fields, ``workflows`` the GitHub files, ``plan`` puts it together, ``protection``
refuses unprotected runs and ``requirements`` keeps requirements files installable
after a bump.  See docs/init.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.adopt.detect import Detection, ProjectKind, detect_project
    from nemoctl.adopt.plan import InitResult, PlannedFile, plan_init, run_init
    from nemoctl.adopt.protection import (
        NO_SACRED,
        NO_SNAPSHOT,
        Protection,
        protection,
        require_protection,
    )

_WHERE = {
    "Detection": "detect",
    "ProjectKind": "detect",
    "detect_project": "detect",
    "InitResult": "plan",
    "PlannedFile": "plan",
    "plan_init": "plan",
    "run_init": "plan",
    "NO_SACRED": "protection",
    "NO_SNAPSHOT": "protection",
    "Protection": "protection",
    "protection": "protection",
    "require_protection": "protection",
}

__all__ = [
    "NO_SACRED",
    "NO_SNAPSHOT",
    "Detection",
    "InitResult",
    "PlannedFile",
    "ProjectKind",
    "Protection",
    "detect_project",
    "plan_init",
    "protection",
    "require_protection",
    "run_init",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
