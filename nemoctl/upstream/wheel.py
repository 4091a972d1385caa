"""Read one member of a wheel without extracting anything else."""

from __future__ import annotations

import contextlib
import hashlib
import zipfile
from pathlib import Path

from nemoctl._atomic import write_atomic
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


def read_cached_member(wheel_path: Path, wheel_sha256: str, member: str) -> bytes:
    """:func:`read_member` of a verified cached wheel, remembered by the wheel's hash.

    Opening a 38 MB wheel's zip directory costs ~0.1 s; a warm ``diff`` of two versions
    should not pay it twice per run.  The copy is stored under its own sha256 and
    re-hashed on read (a small file), so a damaged copy is simply read again.
    """
    from nemoctl.upstream.cache import wheels_root

    key = hashlib.sha256(member.encode("utf-8")).hexdigest()[:32]
    directory = wheels_root() / "members" / wheel_sha256 / key
    with contextlib.suppress(OSError):
        for stored in directory.iterdir():
            data = stored.read_bytes()
            if hashlib.sha256(data).hexdigest() == stored.name:
                return data
            stored.unlink()
    data = read_member(wheel_path, member)
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()
        write_atomic(directory / digest, data)
    return data
