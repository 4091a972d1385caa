"""Refusals before any work: ``init`` does not adopt, ``upgrade``/``ci`` do not start,
while LiteLLM comes from anywhere but the configured index (or is patched)."""

from __future__ import annotations

from pathlib import Path

from nemoctl.config import Config
from nemoctl.errors import BadInputError, BlockedError
from nemoctl.findings import Finding


def blocking_lines(findings: tuple[Finding, ...]) -> list[str]:
    """Each blocking finding with its rule and the way back (the rule's fix)."""
    return [f"{f.message} [{f.rule_id}]\n      way back: {f.hint}" for f in findings
            if f.blocking]


def refuse_adoption(root: Path) -> None:
    """``nemoctl init``: refuse (writing nothing) a project that takes LiteLLM elsewhere."""
    from nemoctl.provenance.gate import to_findings
    from nemoctl.provenance.model import DEFAULT_WATCHED
    from nemoctl.provenance.sources import scan_sources

    lines = blocking_lines(to_findings(scan_sources(root, DEFAULT_WATCHED)))
    if lines:
        raise BadInputError(
            "refusing to adopt: LiteLLM must come from the package index, exactly pinned; "
            "nothing was written:\n  " + "\n  ".join(lines),
            hint="see docs/never-fork.md for the way back from each rule",
        )


def refuse_unless_from_index(config: Config, *, action: str = "upgrade") -> None:
    """``upgrade`` / ``ci``: blocked (exit 4) before any write by a foreign source or a
    patch of LiteLLM (acknowledgements and ``[tool.nemoctl.rules]`` apply)."""
    from nemoctl.provenance.gate import judge_project

    _, report = judge_project(config, integrity=False)
    lines = blocking_lines(report.findings)
    if lines:
        raise BlockedError(
            f"refusing to {action}: LiteLLM is not taken as published from the package "
            "index:\n  " + "\n  ".join(lines),
            hint="see docs/never-fork.md; nothing was changed",
        )
