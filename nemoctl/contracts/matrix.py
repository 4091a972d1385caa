"""``contracts matrix``: one suite run per version, and what each version was seen to do.

Each version gets its own isolated environment (cached) and its own run, two at a time on
a small machine (each run is one LiteLLM proxy import, CPU-bound).  The result is a table
of observed behaviours, one row per behaviour and one column per version, with the rows
whose value changes across versions marked: this is what a team reads before choosing a
target version.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from nemoctl._versions import MAX_VERSION_LENGTH, parse_version, shown
from nemoctl.contracts.envs import ensure_env
from nemoctl.contracts.models import DEFAULT_PACKAGE
from nemoctl.contracts.result import ContractRun
from nemoctl.errors import BadInputError

#: (label, contract, observation key) in table order; the outcome rows follow.
BEHAVIOURS: tuple[tuple[str, str, str], ...] = (
    ("headers missing: chat", "test_metadata_headers", "missing_headers"),
    ("headers missing: stream", "test_metadata_headers_stream", "missing_headers"),
    ("headers missing: embedding", "test_metadata_headers_embedding", "missing_headers"),
    ("headers missing: error", "test_metadata_headers_error", "missing_headers"),
    ("cost breakdown headers", "test_cost_breakdown_headers", "breakdown_headers"),
    ("body model: chat", "test_body_model_is_model_group", "chat_model"),
    ("body model: stream", "test_body_model_is_model_group", "stream_model"),
    ("body model: embedding", "test_body_model_is_model_group", "embedding_model"),
    ("stream usage.cost", "test_streaming_usage_cost", "usage_cost"),
    ("stream cost header", "test_streaming_usage_cost", "stream_cost_header"),
    (
        "include_cost_in_streaming_usage",
        "test_streaming_usage_cost",
        "include_cost_in_streaming_usage",
    ),
    ("no key: status type", "test_auth_missing_key_401", "status+type"),
    ("bad key: status type", "test_auth_bad_key_refused", "status+type"),
    ("unknown model: status type", "test_error_unknown_model", "status+type"),
    ("budget exceeded: status type", "test_error_budget_exceeded", "status+type"),
    ("spend-log payload keys", "test_spend_log_payload_validates", "payload_keys"),
)
_OUTCOME = {"passed": "pass", "failed": "FAIL", "error": "ERROR"}
#: Parallel runs: each is CPU-bound (a proxy import); more than two thrash a 2-core machine.
DEFAULT_JOBS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class MatrixRow:
    label: str
    kind: str  # behaviour | contract | models
    cells: tuple[str, ...]
    #: Per cell: does this version's value differ from the previous version's?
    steps: tuple[bool, ...] = ()

    @property
    def changed(self) -> bool:
        return any(self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "kind": self.kind,
            "cells": list(self.cells),
            "changed": self.changed,
            "changed_from_previous": list(self.steps),
        }


def _row(label: str, kind: str, cells: tuple[str, ...], values: tuple[Any, ...] = ()) -> MatrixRow:
    """``values`` (default: the cells) decide what changed; a cell may describe a delta."""
    compared = values or cells
    steps = tuple(i > 0 and compared[i] != compared[i - 1] for i in range(len(compared)))
    return MatrixRow(label, kind, cells, steps)


@dataclass(frozen=True)
class ContractMatrix:
    versions: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    runs: tuple[ContractRun, ...]
    duration_s: float
    jobs: int

    @property
    def passed(self) -> bool:
        return all(run.passed for run in self.runs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "versions": list(self.versions),
            "passed": self.passed,
            "duration_s": self.duration_s,
            "jobs": self.jobs,
            "rows": [row.to_dict() for row in self.rows],
            "runs": [run.to_dict() for run in self.runs],
        }


def parse_versions(versions: Sequence[str]) -> tuple[str, ...]:
    """Distinct versions, oldest first; anything that is not a version is bad input."""
    seen: dict[Version, str] = {}
    for text in versions:
        parsed = parse_version(text)
        if parsed is None:
            raise BadInputError(f"not a version: {shown(text)} (expected a PEP 440 version "
                                f"of at most {MAX_VERSION_LENGTH} characters, like 1.106.0)")
        seen.setdefault(parsed, text)
    if not seen:
        raise BadInputError("give at least one version")
    return tuple(seen[v] for v in sorted(seen))


def run_matrix(
    versions: Sequence[str],
    *,
    jobs: int = DEFAULT_JOBS,
    proxy_config: Path | None = None,
    test_env: Mapping[str, str] | None = None,
    models_package: str = DEFAULT_PACKAGE,
    committed_models: Path | None = None,
    on_done: Callable[[ContractRun], None] | None = None,
) -> ContractMatrix:
    """Run the suite once per version (environments first, then the runs in parallel)."""
    from nemoctl.contracts.runner import run_contracts

    ordered = parse_versions(versions)
    if jobs < 1:
        raise BadInputError("--jobs must be at least 1")
    started = time.monotonic()
    # Builds are network- and disk-bound: one at a time keeps uv's cache writes simple,
    # and a version that cannot resolve fails the matrix before any proxy starts.
    for version in ordered:
        ensure_env(version)

    def one(version: str) -> ContractRun:
        run = run_contracts(
            version,
            proxy_config=proxy_config,
            test_env=test_env,
            models_package=models_package,
            committed_models=committed_models,
        )
        if on_done is not None:
            on_done(run)
        return run

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = tuple(pool.map(one, ordered))
    return ContractMatrix(
        versions=ordered,
        rows=build_rows(runs),
        runs=runs,
        duration_s=round(time.monotonic() - started, 2),
        jobs=jobs,
    )


def build_rows(runs: Sequence[ContractRun]) -> tuple[MatrixRow, ...]:
    rows: list[MatrixRow] = []
    observed = [run.observations() for run in runs]
    for label, contract, key in BEHAVIOURS:
        values: tuple[Any, ...] = ()
        if key == "status+type":
            cells = tuple(
                _status_type(o.get(f"{contract}.status"), o.get(f"{contract}.type"))
                for o in observed
            )
        elif key == "payload_keys":
            raw = [o.get(f"{contract}.{key}") for o in observed]
            cells = _key_sets(raw)
            values = tuple(frozenset(v.split(",")) if v else None for v in raw)
        else:
            cells = tuple(o.get(f"{contract}.{key}", "-") for o in observed)
        if any(cell != "-" for cell in cells):
            rows.append(_row(label, "behaviour", cells, values))
    models = tuple(run.models.status if run.models else "-" for run in runs)
    if any(cell != "-" for cell in models):
        rows.append(_row("committed models", "models", models))
    names: list[str] = []
    for run in runs:
        names += [r.name for r in run.results if r.name not in names]
    for name in names:
        cells = tuple(_outcome(run, name) for run in runs)
        rows.append(_row(name, "contract", cells))
    return tuple(rows)


def _status_type(status: str | None, kind: str | None) -> str:
    if status is None:
        return "-"
    return f"{status} {kind}" if kind is not None else status


def _key_sets(values: list[str | None]) -> tuple[str, ...]:
    """Each version's key count, and the keys added/removed since the previous version."""
    cells: list[str] = []
    previous: set[str] | None = None
    for value in values:
        if not value:
            cells.append("-")
            continue
        keys = set(value.split(","))
        delta: list[str] = []
        if previous is not None:
            delta = [f"+{k}" for k in sorted(keys - previous)]
            delta += [f"-{k}" for k in sorted(previous - keys)]
        cells.append(f"{len(keys)}" + (f" ({' '.join(delta)})" if delta else ""))
        previous = keys
    return tuple(cells)


def _outcome(run: ContractRun, name: str) -> str:
    try:
        result = run.result(name)
    except KeyError:
        return "-"
    return _OUTCOME.get(result.outcome, result.outcome)
