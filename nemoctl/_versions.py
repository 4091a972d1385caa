"""Version strings read from anywhere (arguments, lockfiles, indexes, advisories), bounded.

``packaging.version.Version`` turns each release segment into an ``int``: a
10,000-digit segment hits Python's integer-string limit and raises ``ValueError``,
not ``InvalidVersion``, so every caller that only caught ``InvalidVersion`` crashed
(exit 70).  Here one cap (128 characters: longer is not a release anyone publishes,
and versions name cache files) and one catch serve every boundary.
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

MAX_VERSION_LENGTH = 128


def parse_version(text: str) -> Version | None:
    """``Version(text)``, or ``None`` when it is not a bounded PEP 440 version."""
    if not isinstance(text, str) or len(text) > MAX_VERSION_LENGTH:
        return None
    try:
        return Version(text)
    except (InvalidVersion, ValueError):  # ValueError: past int's digit limit
        return None


def shown(text: str) -> str:
    """A version as quoted in a message: abbreviated when long, never 10,000 digits."""
    return repr(text) if len(text) <= 60 else repr(text[:40]) + f"... ({len(text)} characters)"


def same_version(a: str, b: str) -> bool:
    """Equal as versions when both parse, else as text."""
    va, vb = parse_version(a), parse_version(b)
    return va == vb if va is not None and vb is not None else a == b
