"""``nemoctl upgrade``: the whole upgrade as one atomic step, and CI's verify mode.

    report = run_upgrade(UpgradeOptions(version="1.106.0", commit=True))
    report = verify(load_config(), "1.106.0", base_snapshot_text=base_text)
"""

from nemoctl.upgrade.pipeline import UpgradeOptions, recover_repo, run_upgrade, verify
from nemoctl.upgrade.report import STEPS, StepResult, UpgradeError, UpgradeReport
from nemoctl.upgrade.transaction import RecoveryResult, Transaction, recover

__all__ = [
    "STEPS",
    "RecoveryResult",
    "StepResult",
    "Transaction",
    "UpgradeError",
    "UpgradeOptions",
    "UpgradeReport",
    "recover",
    "recover_repo",
    "run_upgrade",
    "verify",
]
