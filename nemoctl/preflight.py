"""Checks made before any slow work, so a doomed run fails in milliseconds, not after
seconds of resolving or rendering, and leaves nothing half-written."""

from __future__ import annotations

from pathlib import Path

from nemoctl.config import Config
from nemoctl.errors import BadInputError


def check_output_paths(config: Config) -> None:
    """Every generated file's place is usable: its parents are directories, it is not one.

    ``generated/typescript`` being a file used to surface as an OSError only when the
    outputs were written, after the generators had run.
    """
    from nemoctl.codegen.generate import output_path
    from nemoctl.codegen.lock import LOCK_PATH
    from nemoctl.codegen.render import output_paths

    for rel in (*output_paths(config.codegen), LOCK_PATH):
        target = output_path(config, rel)
        for parent in reversed(target.parents):
            if not parent.is_relative_to(config.root) or parent == config.root:
                continue
            if parent.exists() and not parent.is_dir():
                raise BadInputError(
                    f"{_rel(config, parent)} is a file, but nemoctl writes "
                    f"{_rel(config, target)} inside it",
                    hint="move the file away, or set generated-dir / schemas-dir in "
                    "[tool.nemoctl]",
                )
        if target.is_dir():
            raise BadInputError(
                f"{_rel(config, target)} is a directory; nemoctl writes a file there"
            )


def check_provenance(config: Config, *, action: str = "upgrade") -> None:
    """LiteLLM from the configured index and unpatched, or blocked (exit 4) before any
    write: an upgrade that moves the pin while a git/path source or a patch decides
    what runs would report a version that is not the one installed."""
    from nemoctl.provenance.refuse import refuse_unless_from_index

    refuse_unless_from_index(config, action=action)


def check_snapshot_parses(config: Config) -> None:
    """Parse the committed snapshot under its own path, so Prisma's errors name it.

    The parse is cached by content, so rendering reuses it; without this, an error
    would be labelled with the upstream version instead of ``schemas/schema.prisma``.
    """
    from nemoctl.paths import read_text
    from nemoctl.schema.parser import parse_text

    snapshot = config.schemas_dir / "schema.prisma"
    if snapshot.is_file():
        parse_text(read_text(snapshot), source=_rel(config, snapshot))


def _rel(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)
