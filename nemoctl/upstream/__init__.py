"""Upstream releases: metadata from pip's indexes, wheels via pip, a verified cache.

    wheel = fetch_wheel("litellm", "1.102.4")          # cached, sha256 checked on read
    schema = fetch_schema(config.upstream(), "1.102.4")  # litellm/proxy/schema.prisma
    releases = list_releases("litellm")                 # newest first, with yanks/upload times
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.upstream._fetch import (
        FetchedWheel,
        UpstreamSchema,
        cached_wheel,
        check_package_name,
        fetch_schema,
        fetch_wheel,
        normalize_version,
    )
    from nemoctl.upstream._pipconfig import (
        PipSettings,
        pip_settings,
        redact_url,
        settings_fingerprint,
    )
    from nemoctl.upstream.index import (
        IndexListing,
        Release,
        ReleaseFile,
        SourceStatus,
        list_releases,
        query_index,
    )
    from nemoctl.upstream.wheel import read_member

_WHERE = {
    "FetchedWheel": "_fetch",
    "UpstreamSchema": "_fetch",
    "cached_wheel": "_fetch",
    "check_package_name": "_fetch",
    "fetch_schema": "_fetch",
    "fetch_wheel": "_fetch",
    "normalize_version": "_fetch",
    "PipSettings": "_pipconfig",
    "pip_settings": "_pipconfig",
    "redact_url": "_pipconfig",
    "settings_fingerprint": "_pipconfig",
    "IndexListing": "index",
    "Release": "index",
    "ReleaseFile": "index",
    "SourceStatus": "index",
    "list_releases": "index",
    "query_index": "index",
    "read_member": "wheel",
}

__all__ = [
    "FetchedWheel",
    "IndexListing",
    "PipSettings",
    "Release",
    "ReleaseFile",
    "SourceStatus",
    "UpstreamSchema",
    "cached_wheel",
    "check_package_name",
    "fetch_schema",
    "fetch_wheel",
    "list_releases",
    "normalize_version",
    "pip_settings",
    "query_index",
    "read_member",
    "redact_url",
    "settings_fingerprint",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
