"""The upgrade's steps, one module each; ``upgrade``, ``upgrade --dry-run`` and CI's
verify mode are lists of the same steps (``pipeline.py`` runs them).

    preflight → resolve → supply-chain → schema → migrations → surfaces   (CHECKS)
    → bump → lockfile → regenerate → typecheck → contracts → finish        (an upgrade)
    → bump (planned only)                                                  (a dry run)
    → regenerate (compared, or written with --write) → contracts           (verify)

A step's ``run(ctx)`` returns a frozen result (``steps/base.py``), kept in the report
even when the step refuses; the first step marked ``writes`` opens the transaction.
"""

from __future__ import annotations

from nemoctl.upgrade.steps import (
    bump,
    contracts,
    finish,
    lockfile,
    migrations,
    preflight,
    regenerate,
    resolution,
    schema,
    supply_chain,
    surfaces,
    typecheck,
)
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step

_JUDGE = (resolution.STEP, supply_chain.STEP, schema.STEP, migrations.STEP, surfaces.STEP)

UPGRADE: tuple[Step, ...] = (
    preflight.UPGRADE, *_JUDGE, bump.STEP, lockfile.STEP, regenerate.STEP, typecheck.STEP,
    contracts.STEP, finish.STEP,
)
#: The dry run stops after planning the bump: no transaction, nothing written.
DRY_RUN: tuple[Step, ...] = (preflight.UPGRADE, *_JUDGE, bump.STEP)
VERIFY: tuple[Step, ...] = (preflight.VERIFY, *_JUDGE, regenerate.STEP, contracts.STEP)

__all__ = ["DRY_RUN", "UPGRADE", "VERIFY", "Context", "Outcome", "Sections", "Step"]
