"""The usage-aware gate: what this project's code uses of LiteLLM's schema, and where.

    from nemoctl.impact import scan_project, annotate
    usage = scan_project(config, [old, new])
    report = annotate(report, usage, config)     # used_at + re-levelling on a DiffReport

Scanners, one module per language: :mod:`~nemoctl.impact.python_ast` (``ast``),
:mod:`~nemoctl.impact.typescript` (the TypeScript compiler API in one node process),
:mod:`~nemoctl.impact.sql` (``pglast``, PL/pgSQL bodies included) and
:mod:`~nemoctl.impact.text` (Markdown/YAML fallback).  Results are cached per file
content hash (:mod:`~nemoctl.impact.cache`).  See docs/impact.md.

This package's ``__init__`` imports nothing eagerly: :mod:`nemoctl.config` imports
:mod:`nemoctl.impact.config` while it is itself being imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nemoctl.config import Config
    from nemoctl.diff.report import DiffReport
    from nemoctl.impact.model import UsageMap
    from nemoctl.schema.model import Schema

__all__ = ["annotate", "annotate_if_enabled", "scan_project"]


def scan_project(config: Config, schemas: list[Schema], *, cache: bool = True) -> UsageMap:
    from nemoctl.impact.scan import scan_project as _scan

    return _scan(config, schemas, cache=cache)


def annotate(report: DiffReport, usage: UsageMap, config: Config) -> DiffReport:
    """``used_at`` on every finding, re-levelled by ``[tool.nemoctl.impact] unused``."""
    from nemoctl.diff.usage import apply_usage

    return apply_usage(report, usage.uses_for, unused=config.impact.unused,  # type: ignore[arg-type]
                       scan=usage.summary(), possible_for=usage.possible_for)


def annotate_if_enabled(report: DiffReport, config: Config, schemas: list[Schema],
                        *, force: bool | None = None) -> DiffReport:
    """The one call diff / upgrade / ci make: scan and annotate when the project opted in
    (an ``[tool.nemoctl.impact]`` table), or when ``force`` says so."""
    enabled = config.impact.enabled if force is None else force
    if not enabled:
        return report
    return annotate(report, scan_project(config, schemas), config)
