"""``nemoctl upstream source``: the read-only reference copy engineers read LiteLLM in.

The verified wheel of the pinned (or given) version, unpacked by
:func:`nemoctl.upstream.unpack.unpacked_wheel` into nemoctl's cache, keyed by the
wheel's sha256: outside every repository, with no write bits, and on no ``sys.path``
(nothing adds it to an environment), so ``import litellm`` in the project never finds
it.  Those properties are checked here again before the path is handed out: a copy
that became writable or sits inside the project is refused, not printed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from nemoctl.errors import EnvironmentProblem


@dataclass(frozen=True, slots=True)
class ReferenceCopy:
    package: str
    version: str
    path: Path
    wheel_sha256: str

    def to_dict(self) -> dict[str, str]:
        return {"package": self.package, "version": self.version, "path": str(self.path),
                "wheel_sha256": self.wheel_sha256}


def _writable_entries(root: Path, limit: int = 3) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            full = os.path.join(dirpath, name)
            mode = os.lstat(full).st_mode
            if not stat.S_ISLNK(mode) and mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                found.append(full)
                if len(found) >= limit:
                    return found
    return found


def reference_copy(package: str, version: str, *, project_root: Path | None) -> ReferenceCopy:
    from nemoctl.upstream.unpack import unpacked_wheel

    unpacked = unpacked_wheel(package, version)
    path = Path(unpacked.path).resolve()
    if project_root is not None and path.is_relative_to(project_root.resolve()):
        raise EnvironmentProblem(
            f"the reference copy {path} would lie inside the project {project_root}",
            hint="point NEMOCTL_CACHE_DIR outside the repository",
        )
    writable = _writable_entries(path)
    if writable:
        raise EnvironmentProblem(
            f"the reference copy {path} is writable ({', '.join(writable)}): refusing to "
            "hand out a copy that may have been edited",
            hint="delete that directory; the next `nemoctl upstream source` unpacks the "
            "verified wheel again",
        )
    return ReferenceCopy(package, str(unpacked.version), path, str(unpacked.sha256))
