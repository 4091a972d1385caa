"""``nemoctl upgrade``: the whole upgrade as one atomic step, and CI's verify mode.

    report = run_upgrade(UpgradeOptions(version="1.106.0", commit=True))
    report = verify(load_config(), "1.106.0", base_snapshot_text=base_text)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.upgrade.pipeline import UpgradeOptions, recover_repo, run_upgrade, verify
    from nemoctl.upgrade.report import StepResult, UpgradeError, UpgradeReport

_WHERE = {
    "UpgradeOptions": "pipeline",
    "recover_repo": "pipeline",
    "run_upgrade": "pipeline",
    "verify": "pipeline",
    "StepResult": "report",
    "UpgradeError": "report",
    "UpgradeReport": "report",
}

__all__ = [
    "StepResult",
    "UpgradeError",
    "UpgradeOptions",
    "UpgradeReport",
    "recover_repo",
    "run_upgrade",
    "verify",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
