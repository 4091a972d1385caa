"""No silent unprotected runs: ``upgrade``, ``ci`` and ``check`` need a snapshot and sacred fields.

Without ``schemas/schema.prisma`` an upgrade can only diff against the pinned wheel,
and without sacred fields nothing the product reads is guarded, yet both used to end
in an ordinary-looking report (``sacred fields: 0/0 intact``).  So these commands stop
with a message naming ``nemoctl init``, unless the user says ``--allow-unprotected``;
then every report says "no sacred fields" (or "no schema snapshot") in its warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nemoctl.config import Config
from nemoctl.errors import ConfigError, UnprotectedError

#: The words every report uses for an unprotected run (tests and docs look for them).
NO_SACRED = "no sacred fields"
NO_SNAPSHOT = "no schema snapshot"


@dataclass(frozen=True, slots=True)
class Protection:
    """What guards the project: the snapshot and the number of sacred field entries."""

    snapshot: bool
    sacred_count: int
    #: One line per missing guard, e.g. ``no sacred fields (schemas/sacred_fields.toml ...)``.
    gaps: tuple[str, ...]

    @property
    def protected(self) -> bool:
        return not self.gaps

    def to_dict(self) -> dict[str, object]:
        return {"snapshot": self.snapshot, "sacred_count": self.sacred_count,
                "gaps": list(self.gaps)}


def _rel(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def protection(config: Config) -> Protection:
    """Inspect the project's guards.

    A malformed ``sacred_fields.toml`` is not a missing guard: whatever reads it next
    (the schema step, ``check``'s sacred check) reports it as the bad input it is.
    """
    from nemoctl.diff import load_sacred

    snapshot_path = config.schemas_dir / "schema.prisma"
    sacred_path = config.sacred_fields_file
    gaps = []
    snapshot = snapshot_path.is_file()
    if not snapshot:
        gaps.append(f"{NO_SNAPSHOT} ({_rel(config, snapshot_path)} is missing)")
    try:
        count = len(load_sacred(sacred_path).fields) if sacred_path.is_file() else 0
    except ConfigError:
        count = -1  # present but malformed: reported by its reader, not as "unprotected"
    if count == 0:
        why = "has no [[field]] entries" if sacred_path.is_file() else "is missing"
        gaps.append(f"{NO_SACRED} ({_rel(config, sacred_path)} {why})")
    return Protection(snapshot, count, tuple(gaps))


def require_protection(config: Config, *, allow_unprotected: bool) -> list[str]:
    """Raise :class:`UnprotectedError` (exit 2) when a guard is missing and not allowed.

    Returns the warnings an allowed unprotected run must carry in its report (empty
    when the project is protected).
    """
    found = protection(config)
    if found.protected:
        return []
    if not allow_unprotected:
        raise UnprotectedError(
            "this project is not protected: " + "; ".join(found.gaps),
            hint="run `nemoctl init` to create the snapshot and seed the sacred fields "
            "(or pass --allow-unprotected to run without them)",
        )
    return [f"UNPROTECTED (--allow-unprotected): {gap}" for gap in found.gaps]
