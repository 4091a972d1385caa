"""PostgreSQL's table-level lock modes, as the documentation's explicit-locking table gives them.

Source: PostgreSQL 16 documentation, §13.3.1 "Table-Level Locks" and Table 13.2
"Conflicting Lock Modes", plus the lock each command's reference page names
(``ALTER TABLE``, ``CREATE INDEX``, ``CREATE TRIGGER``, ...).  The statement
analysis (:mod:`nemoctl.migrations.statements`) assigns one of these modes to each
action; the rules and renderers only ever compare modes through this module.
"""

from __future__ import annotations

from typing import Literal

LockMode = Literal[
    "ACCESS SHARE",
    "ROW SHARE",
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
]

#: Weakest first: the order of the documentation's table.
LOCK_MODES: tuple[LockMode, ...] = (
    "ACCESS SHARE",
    "ROW SHARE",
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
)

#: Table 13.2, row by row: which requested modes each mode conflicts with.
CONFLICTS: dict[LockMode, frozenset[LockMode]] = {
    "ACCESS SHARE": frozenset({"ACCESS EXCLUSIVE"}),
    "ROW SHARE": frozenset({"EXCLUSIVE", "ACCESS EXCLUSIVE"}),
    "ROW EXCLUSIVE": frozenset({"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE",
                                "ACCESS EXCLUSIVE"}),
    "SHARE UPDATE EXCLUSIVE": frozenset({"SHARE UPDATE EXCLUSIVE", "SHARE",
                                         "SHARE ROW EXCLUSIVE", "EXCLUSIVE",
                                         "ACCESS EXCLUSIVE"}),
    "SHARE": frozenset({"ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE",
                        "EXCLUSIVE", "ACCESS EXCLUSIVE"}),
    "SHARE ROW EXCLUSIVE": frozenset({"ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
                                      "SHARE ROW EXCLUSIVE", "EXCLUSIVE",
                                      "ACCESS EXCLUSIVE"}),
    "EXCLUSIVE": frozenset({"ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
                            "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"}),
    "ACCESS EXCLUSIVE": frozenset(LOCK_MODES),
}

#: ``pg_locks.mode`` spells the modes in CamelCase.
_PG_LOCKS_NAMES: dict[str, LockMode] = {
    mode.title().replace(" ", "") + "Lock": mode for mode in LOCK_MODES
}


def rank(mode: LockMode) -> int:
    return LOCK_MODES.index(mode)


def strongest(modes: list[LockMode] | tuple[LockMode, ...]) -> LockMode | None:
    return max(modes, key=LOCK_MODES.index) if modes else None


def blocks_reads(mode: LockMode) -> bool:
    """Conflicts with the ACCESS SHARE every plain ``SELECT`` takes."""
    return "ACCESS SHARE" in CONFLICTS[mode]


def blocks_writes(mode: LockMode) -> bool:
    """Conflicts with the ROW EXCLUSIVE every ``INSERT``/``UPDATE``/``DELETE`` takes."""
    return "ROW EXCLUSIVE" in CONFLICTS[mode]


def effect(mode: LockMode) -> str:
    """What other sessions feel while the lock is held (one phrase for reports)."""
    if blocks_reads(mode):
        return "blocks reads and writes"
    if blocks_writes(mode):
        return "blocks writes"
    if mode == "SHARE UPDATE EXCLUSIVE":
        return "blocks schema changes and VACUUM, not reads or writes"
    return "blocks only exclusive locks"


def from_pg_locks(name: str) -> LockMode | None:
    """``AccessExclusiveLock`` → ``ACCESS EXCLUSIVE``; other lock names → None."""
    return _PG_LOCKS_NAMES.get(name)
