"""Refusals before any work: ``init`` does not adopt, ``upgrade``/``ci`` do not start,
while LiteLLM comes from anywhere but the configured index (or is patched)."""

from __future__ import annotations

from pathlib import Path

from nemoctl.config import Config
from nemoctl.errors import BadInputError, BlockedError
from nemoctl.provenance.model import DEFAULT_WATCHED, Observation


def _blocking(observations: list[Observation], config: Config | None) -> list[str]:
    from nemoctl.provenance.gate import to_findings
    from nemoctl.provenance.rules import RULES

    fixes = {spec.id: spec.fix for spec in RULES}
    severities = config.rule_severities if config is not None else None
    lines = []
    for finding in to_findings(observations, severities):
        if finding.blocking:
            lines.append(f"{finding.message} [{finding.rule_id}]\n    way back: "
                         f"{fixes[finding.rule_id]}")
    return lines


def refuse_adoption(root: Path) -> None:
    """``nemoctl init``: refuse (writing nothing) a project that takes LiteLLM elsewhere."""
    from nemoctl.provenance.sources import scan_sources

    lines = _blocking(scan_sources(root, DEFAULT_WATCHED), None)
    if lines:
        raise BadInputError(
            "refusing to adopt: LiteLLM must come from the package index, exactly pinned; "
            "nothing was written:\n  " + "\n  ".join(lines),
            hint="see docs/never-fork.md for the way back from each rule",
        )


def refuse_unless_from_index(config: Config, *, action: str = "upgrade") -> None:
    """``upgrade`` / ``ci``: blocked (exit 4) before any write by a foreign source or a
    patch of LiteLLM."""
    from nemoctl.provenance.scan import scan_project

    scan = scan_project(config, integrity=False)
    lines = _blocking(list(scan.observations), config)
    if lines:
        raise BlockedError(
            f"refusing to {action}: LiteLLM is not taken as published from the package "
            "index:\n  " + "\n  ".join(lines),
            hint="see docs/never-fork.md; nothing was changed",
        )
