"""Is an index URL the configured package index?  pip's settings decide, as for fetches.

nemoctl fetches and verifies wheels through pip's configuration
(:mod:`nemoctl.upstream._pipconfig`); a lockfile or requirements file naming another
index installs bytes nemoctl never verified.  Reading pip's settings costs ~0.3 s, so
the answer is memoised on disk under the settings' fingerprint — as digests of the
normalised URLs only: index URLs may carry credentials and none is ever stored.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from nemoctl.config import cache_dir


def normalise(url: str) -> str:
    """Scheme and host lower-cased, credentials dropped, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/"), parts.query, ""))


def _digest(url: str) -> str:
    return hashlib.sha256(normalise(url).encode()).hexdigest()


def configured_digests() -> frozenset[str]:
    """Digests of pip's index URLs and find-links, memoised by its settings fingerprint
    (in the process too: a changed PIP_INDEX_URL or pip.conf is a new fingerprint)."""
    from nemoctl.upstream import settings_fingerprint

    return _digests_for(settings_fingerprint(), str(cache_dir()))


@lru_cache(maxsize=8)
def _digests_for(fingerprint: str, cache_root: str) -> frozenset[str]:
    from pathlib import Path

    from nemoctl.upstream import pip_settings

    memo = Path(cache_root) / "provenance" / f"indexes-{fingerprint}.json"
    try:
        stored = json.loads(memo.read_text(encoding="utf-8"))
        if stored.get("fingerprint") == fingerprint and isinstance(stored.get("digests"), list):
            return frozenset(str(d) for d in stored["digests"])
    except (OSError, ValueError, AttributeError):
        pass
    settings = pip_settings()
    digests = sorted({_digest(u) for u in (*settings.index_urls, *settings.find_links)})
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f"{memo.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint, "digests": digests}),
                       encoding="utf-8")
        os.replace(tmp, memo)
    except OSError:
        pass  # a read-only cache only costs speed
    return frozenset(digests)


def is_configured_index(url: str) -> bool:
    return bool(url) and _digest(url) in configured_digests()
