"""The policy gate for commands that take version specs (``nemoctl diff --to 1.109.1``)."""

from __future__ import annotations

from collections.abc import Sequence

from nemoctl.config import Config, UpstreamConfig
from nemoctl.supply_chain.evaluate import enforce, evaluate
from nemoctl.supply_chain.report import SupplyChainReport


def guard_version_specs(
    config: Config,
    upstream: UpstreamConfig,
    specs: Sequence[str],
    *,
    allow_yanked: bool = False,
    reuse: bool = False,
) -> list[SupplyChainReport]:
    """Evaluate and enforce every spec that is a version; wheels and .prisma files pass.

    Raises SupplyChainError (exit 3) on the first refused version; returns the
    reports (for their warnings) otherwise.  With ``reuse``, a version whose wheel is
    cached and that passed before is judged from the remembered verdict (no network,
    see :mod:`nemoctl.supply_chain.verdicts`); every fresh pass is remembered.
    """
    from nemoctl.sources import spec_kind
    from nemoctl.supply_chain import verdicts

    reports = []
    for spec in dict.fromkeys(specs):
        if spec_kind(spec) != "version":
            continue
        report = verdicts.recall(config, upstream.package, spec,
                                 allow_yanked=allow_yanked) if reuse else None
        if report is None:
            report = evaluate(upstream.package, spec, config, allow_yanked=allow_yanked)
            enforce(report)
            verdicts.remember(config, report, allow_yanked=allow_yanked)
        enforce(report)
        reports.append(report)
    return reports
