"""``[tool.nemoctl.impact]``: what the usage scan reads and how unused changes are levelled.

    [tool.nemoctl.impact]
    paths = ["frontend", "backend", "supabase"]   # default: the whole repository
    exclude = ["frontend/legacy"]                 # added to the built-in exclusions
    unused = "INFO"                               # re-level changes nothing uses
    max-file-size = 1000000                       # bytes; bigger files are skipped, listed
    typecheck = ["npx tsc -p frontend --noEmit", "mypy backend"]

The table's schema (:class:`ImpactTable`) is validated with the rest of
``[tool.nemoctl]`` by :mod:`nemoctl.config`; this module owns it and turns it into the
:class:`ImpactConfig` the scan and the gate read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from nemoctl.tables import Gt, MinLen, ProjectPath, SeverityName, Table, key

DEFAULT_MAX_FILE_SIZE = 1_000_000
Command = Annotated[str, MinLen(1)]


@dataclass(frozen=True)
class ImpactTable(Table):
    """The declared schema of ``[tool.nemoctl.impact]``."""

    #: The table's presence turns the scan on for diff, upgrade and ci; false turns it off.
    enabled: bool = True
    paths: list[ProjectPath] = key(default_factory=list)
    exclude: list[ProjectPath] = key(default_factory=list)
    unused: SeverityName | None = None
    max_file_size: Annotated[int, Gt(0)] = key(DEFAULT_MAX_FILE_SIZE, alias="max-file-size")
    typecheck: list[Command] = key(default_factory=list)
    typecheck_timeout: Annotated[float, Gt(0)] = key(600.0, alias="typecheck-timeout")


@dataclass(frozen=True, slots=True)
class ImpactConfig:
    #: True when the project has an ``[tool.nemoctl.impact]`` table (and ``enabled``):
    #: then diff, upgrade and ci scan the code and carry ``used_at``.
    enabled: bool = False
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    unused: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    typecheck: tuple[str, ...] = ()
    typecheck_timeout: float = 600.0


def impact_config(table: ImpactTable | None) -> ImpactConfig:
    if table is None:
        return ImpactConfig()
    return ImpactConfig(
        enabled=table.enabled,
        paths=tuple(table.paths),
        exclude=tuple(table.exclude),
        unused=table.unused,
        max_file_size=table.max_file_size,
        typecheck=tuple(table.typecheck),
        typecheck_timeout=float(table.typecheck_timeout),
    )
