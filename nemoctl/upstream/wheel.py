"""Read one member of a wheel without extracting anything else."""

from __future__ import annotations

import zipfile
from pathlib import Path

from nemoctl.errors import BadInputError

#: A schema is ~100 KB; refuse to inflate anything absurd into memory.
MAX_MEMBER_BYTES = 64 * 1024 * 1024


def read_member(wheel_path: Path, member: str, *, max_bytes: int = MAX_MEMBER_BYTES) -> bytes:
    """The bytes of ``member`` (a path inside the zip), CRC-checked by zipfile."""
    try:
        with zipfile.ZipFile(wheel_path) as zf:
            try:
                info = zf.getinfo(member)
            except KeyError:
                raise BadInputError(f"{wheel_path.name} has no {member}") from None
            if info.file_size > max_bytes:
                raise BadInputError(
                    f"{member} in {wheel_path.name} is {info.file_size} bytes; "
                    f"refusing to read more than {max_bytes}"
                )
            return zf.read(info)
    except FileNotFoundError:
        raise BadInputError(f"no such wheel: {wheel_path}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise BadInputError(f"{wheel_path} is not a readable wheel: {exc}") from None
