"""Remembered supply-chain verdicts, so a read-only ``diff`` of cached versions is offline.

Comparing two versions whose wheels are already in the verified cache needs no
network for the schemas; only the policy check (yanks, withdrawal, published
hashes, upload age) asks the index.  After a version *passed* that check, the
verdict is kept next to the cache, keyed by pip's source fingerprint, the wheel's
sha256, ``--allow-yanked`` and the policy settings; ``nemoctl diff`` reuses it
until ``--refresh`` asks the index again.  What can change later is stated in
``docs/upstream.md``: a yank or withdrawal after the verdict is seen only with
``--refresh`` (an upgrade, ``ci`` and ``check`` always ask the index).
Advisories are a local file and are re-checked on every use.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from nemoctl._atomic import write_atomic
from nemoctl.config import Config
from nemoctl.paths import cache_dir
from nemoctl.supply_chain.advisories import Advisory, load_advisories, matching_advisories
from nemoctl.supply_chain.policy import Finding
from nemoctl.supply_chain.report import SupplyChainReport

_FORMAT = 1


def _path(fingerprint: str, package: str, version: str) -> Path:
    return cache_dir() / "supply-chain" / fingerprint / package / f"{version}.json"


def _policy(config: Config, allow_yanked: bool) -> dict[str, Any]:
    return {
        "allow_yanked": allow_yanked,
        "minimum_release_age": config.minimum_release_age,
        "missing_upload_time": config.missing_upload_time,
    }


def remember(config: Config, report: SupplyChainReport, *, allow_yanked: bool) -> None:
    """Keep a passing verdict (one with a verified wheel) for later offline reuse."""
    if not report.ok or not report.wheel_sha256:
        return
    from nemoctl.upstream._pipconfig import settings_fingerprint

    path = _path(settings_fingerprint(), report.package, report.version)
    data = {
        "format": _FORMAT,
        "wheel_sha256": report.wheel_sha256,
        "wheel_filename": report.wheel_filename,
        "index_sha256": report.index_sha256,
        "policy": _policy(config, allow_yanked),
        "upload_time": report.upload_time.isoformat() if report.upload_time else None,
        "warnings": [[f.check, f.message] for f in report.warnings],
    }
    with contextlib.suppress(OSError):  # a read-only cache only costs speed
        write_atomic(path, json.dumps(data, sort_keys=True).encode())


def recall(config: Config, package: str, version: str, *,
           allow_yanked: bool) -> SupplyChainReport | None:
    """The remembered verdict, if the same wheel is still cached under the same policy.

    Advisories are matched again (local file); a newly matching one refuses.
    """
    from nemoctl.upstream import cached_wheel
    from nemoctl.upstream._pipconfig import settings_fingerprint

    wheel = cached_wheel(package, version)
    if wheel is None:
        return None
    try:
        data = json.loads(_path(settings_fingerprint(), wheel.package, wheel.version)
                          .read_text(encoding="utf-8"))
        if (data.get("format") != _FORMAT or data.get("wheel_sha256") != wheel.sha256
                or data.get("policy") != _policy(config, allow_yanked)):
            return None
        warnings = tuple(Finding(str(c), str(m)) for c, m in data.get("warnings", []))
        uploaded = data.get("upload_time")
        upload_time = datetime.fromisoformat(uploaded) if uploaded else None
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    advisories: tuple[Advisory, ...] = ()
    if config.advisories is not None:
        advisories = tuple(matching_advisories(load_advisories(config.advisories),
                                               wheel.package, wheel.version))
    refusals = tuple(Finding("advisory", f"{wheel.package} {wheel.version} is affected by "
                                         f"{a.describe()}") for a in advisories)
    return SupplyChainReport(
        package=wheel.package, version=wheel.version, refusals=refusals, warnings=warnings,
        upload_time=upload_time, minimum_age=config.minimum_release_age,
        wheel_filename=wheel.filename, wheel_sha256=wheel.sha256,
        index_sha256=wheel.index_sha256, advisories=advisories, allow_yanked=allow_yanked,
    )
