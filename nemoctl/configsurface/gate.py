"""The ``config`` gate of ``upgrade``, ``ci``, ``check`` and ``impact --to``."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from nemoctl.configsurface.files import config_files
from nemoctl.findings.report import SurfaceReport

if TYPE_CHECKING:
    from nemoctl.config import Config
    from nemoctl.findings.surface import SurfaceContext


@dataclass(frozen=True, slots=True)
class ConfigGate:
    name: str = "config"

    def judge(self, ctx: SurfaceContext) -> SurfaceReport:
        # Nothing to read without a proxy config: no wheel scan, no YAML import.
        if not config_files(ctx.config):
            return SurfaceReport(surface="config", notes=(
                "no proxy config ([tool.nemoctl.contracts] proxy-config or "
                "[tool.nemoctl.config] files): nothing to check",))
        if ctx.current_version is None:
            return SurfaceReport(surface="config", notes=(
                "no pinned LiteLLM version: cannot tell what the proxy reads",))
        import nemoctl.configsurface.rules  # noqa: F401  (registers the rules)
        from nemoctl.configsurface.consumer import read_consumer
        from nemoctl.configsurface.inventory import inventory
        from nemoctl.configsurface.judge import judge
        from nemoctl.findings.acks import apply_acknowledgements

        package = ctx.config.upstream().package
        consumer = read_consumer(ctx.config)
        current = inventory(package, ctx.current_version,
                            wheel_sha256=_locked_wheel(ctx.config, ctx.current_version))
        target = (inventory(package, ctx.target_version)
                  if ctx.target_version and ctx.target_version != ctx.current_version
                  else None)
        report = judge(consumer, current, target, severities=ctx.severities)
        findings, statuses = apply_acknowledgements(
            report.findings, ctx.acknowledgements, today=ctx.today, surfaces=("config",))
        return replace(report, findings=findings, acknowledgements=statuses)


GATE = ConfigGate()


def _locked_wheel(config: Config, version: str) -> str | None:
    """The wheel digest ``lock.json`` records for ``version``: the inventory cache is
    keyed by it, so a warm ``check`` reads one small verified file and never re-hashes
    the 40 MB wheel."""
    try:
        lock = json.loads((config.schemas_dir / "lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(lock, dict) or lock.get("version") != version:
        return None
    sha = lock.get("wheel_sha256")
    return sha if isinstance(sha, str) else None


def cached_offline(config: Config, version: str) -> bool:
    """Whether ``version``'s inventory can be had without the network (``check --offline``):
    its cache entry by the lock's digest, or the wheel in nemoctl's verified cache."""
    from nemoctl.configsurface.inventory import read_cache
    from nemoctl.upstream import cached_wheel

    sha = _locked_wheel(config, version)
    if sha is not None and read_cache(sha, version) is not None:
        return True
    return cached_wheel(config.upstream().package, version) is not None
