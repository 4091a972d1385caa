"""One function per upgrade step; each checks one thing and returns data (or raises)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from nemoctl.config import Config, UpstreamConfig, read_pyproject
from nemoctl.errors import BadInputError, BlockedError, ResolutionError
from nemoctl.upgrade import _git
from nemoctl.upgrade._run import _Run
from nemoctl.upgrade.resolve import MAX_CANDIDATES, Resolution, python_for, resolve


def project_python(config: Config) -> str:
    """The lowest Python the project supports, as ``X.Y`` (PEP 621 or Poetry)."""
    data = read_pyproject(config.pyproject)
    spec = data.get("project", {}).get("requires-python")
    if spec is None:
        poetry_python = data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
        if isinstance(poetry_python, str) and (m := re.search(r"(\d+)\.(\d+)", poetry_python)):
            return f"{m.group(1)}.{m.group(2)}"
    return python_for(spec if isinstance(spec, str) else None)


def check_tree(config: Config, *, allow_dirty: bool, need_git: bool) -> None:
    dirty = _git.dirty_paths(config.root)
    if dirty is None:
        if need_git or not allow_dirty:
            raise BadInputError(
                f"{config.root} is not inside a git repository",
                hint="nemoctl upgrade needs git to prove the tree is clean (or pass --allow-dirty)",
            )
        return
    if dirty and not allow_dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise BadInputError(
            f"the git tree has uncommitted changes: {shown}",
            hint="commit or stash them first, or pass --allow-dirty",
        )


def check_target(current: str, requested: str, *, allow_downgrade: bool) -> str | None:
    """The normalised target version (``None`` for ``latest``); BadInputError if refused."""
    if requested == "latest":
        return None
    from nemoctl.upstream import normalize_version

    target = normalize_version(requested)
    if Version(target) == Version(current):
        raise BadInputError(f"already pinned to {target}; nothing to upgrade")
    if Version(target) < Version(current) and not allow_downgrade:
        raise BadInputError(
            f"{target} is older than the pinned {current}",
            hint="pass --allow-downgrade to move the pin backwards",
        )
    return target


def requirement_for(upstream: UpstreamConfig, version: str) -> str:
    extras = f"[{','.join(upstream.extras)}]" if upstream.extras else ""
    return f"{upstream.package}{extras}=={version}"


def requirement_range(upstream: UpstreamConfig, spec: str) -> str:
    extras = f"[{','.join(upstream.extras)}]" if upstream.extras else ""
    return f"{upstream.package}{extras}{spec}"


def resolve_target(
    config: Config,
    upstream: UpstreamConfig,
    target: str | None,
    current: str,
    *,
    python: str,
    allow_yanked: bool,
) -> tuple[str, Resolution, list[dict[str, Any]]]:
    """(version, its resolution, skipped candidates) for an explicit target or ``latest``.

    ``latest`` asks uv for the newest version above the current pin whose whole
    dependency set resolves (uv backtracks through releases, so one call replaces a
    walk over dozens of patch releases); a version the supply-chain policy refuses
    is excluded and the question asked again, a bounded number of times.
    """
    if target is not None:
        result = resolve([requirement_for(upstream, target)], python=python)
        if result.ok:
            return target, result, []
        suggestion = newest_below(upstream, current, target, python=python)
        hint = (
            f"the newest version that resolves is {suggestion}: "
            f"nemoctl upgrade {upstream.name} {suggestion}"
            if suggestion else f"no version between {current} and {target} resolves either"
        )
        raise ResolutionError(
            f"{requirement_for(upstream, target)} does not resolve for Python {python}: "
            f"{result.reason}",
            hint=hint,
        )
    from nemoctl.supply_chain import evaluate

    excluded: list[str] = []
    skipped: list[dict[str, Any]] = []
    for _ in range(MAX_CANDIDATES):
        spec = requirement_range(upstream, f">{current}" + "".join(f",!={v}" for v in excluded))
        result = resolve([spec], python=python)
        if not result.ok:
            raise ResolutionError(
                f"no release of {upstream.package} newer than {current} resolves for "
                f"Python {python}: {result.reason}",
                hint="stay on the current pin; try again when the missing package is published",
            )
        found = result.resolved[upstream.package.lower()]
        verdict = evaluate(upstream.package, found, config, allow_yanked=allow_yanked)
        if verdict.ok:
            return found, result, skipped
        skipped.append({"version": found, "refused_by": "supply-chain",
                        "refusals": verdict.to_dict().get("refusals")})
        excluded.append(found)
    raise ResolutionError(
        f"the newest {MAX_CANDIDATES} resolvable releases of {upstream.package} were all "
        "refused by the supply-chain policy",
    )


def newest_below(upstream: UpstreamConfig, current: str, target: str, *, python: str) -> str | None:
    """The newest version in (current, target) that resolves, for the error's hint."""
    result = resolve([requirement_range(upstream, f">{current},<{target}")], python=python)
    return result.resolved.get(upstream.package.lower()) if result.ok else None


def supply_chain_check(
    config: Config, packages: dict[str, str], *, allow_yanked: bool, into: dict[str, Any]
) -> None:
    """Evaluate every package==version into ``into["supply_chain"]`` (kept even on refusal),
    then raise SupplyChainError (exit 3) for the first refusal."""
    from nemoctl.supply_chain import enforce, evaluate

    reports = [
        evaluate(package, version, config, allow_yanked=allow_yanked)
        for package, version in packages.items()
    ]
    into["supply_chain"] = tuple(r.to_dict() for r in reports)
    for r in reports:
        enforce(r)


@dataclass(frozen=True, slots=True)
class SchemaStep:
    text: str
    wheel_path: Path
    wheel_sha256: str
    report: Any


def schema_check(
    config: Config, upstream: UpstreamConfig, version: str, *, base_text: str | None,
    current: str | None,
) -> SchemaStep:
    """Fetch the new schema, diff it against the snapshot (or ``base_text``)."""
    from nemoctl.diff import diff_schemas, load_acknowledgements, load_sacred
    from nemoctl.schema.parser import parse_many
    from nemoctl.upstream import fetch_schema

    new = fetch_schema(upstream, version)
    snapshot = config.schemas_dir / "schema.prisma"
    old_label = str(snapshot.relative_to(config.root)) if snapshot.is_relative_to(config.root) \
        else str(snapshot)
    if base_text is None:
        if snapshot.is_file():
            base_text = snapshot.read_text(encoding="utf-8")
        elif current is not None:
            base_text = fetch_schema(upstream, current).text
            old_label = f"{upstream.package} {current}"
        else:
            raise BadInputError(f"no schema snapshot at {snapshot} to diff against")
    old_schema, new_schema = parse_many(
        [(base_text, old_label), (new.text, f"{upstream.package} {version}")]
    )
    sacred = load_sacred(config.sacred_fields_file) if config.sacred_fields_file.is_file() else None
    acks = (
        load_acknowledgements(config.acknowledgements_file)
        if config.acknowledgements_file.is_file() else None
    )
    report = diff_schemas(
        old_schema, new_schema, sacred=sacred, acks=acks, severities=config.rule_severities
    )
    from nemoctl.impact import annotate_if_enabled

    report = annotate_if_enabled(report, config, [old_schema, new_schema])
    return SchemaStep(new.text, new.wheel.path, new.wheel.sha256, report)


def _schema_summary(report: Any) -> str:
    changes = list(getattr(report, "changes", ()))
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.severity] = counts.get(change.severity, 0) + 1
    parts = [f"{n} {sev}" for sev, n in sorted(counts.items())]
    return f"{len(changes)} change(s)" + (f" ({', '.join(parts)})" if parts else "")


def blocked_error(report: Any, old: str, new: str) -> BlockedError:
    reasons = []
    sacred = [s for s in getattr(report, "sacred", ()) if _sacred_broken(s)]
    if sacred:
        reasons.append(f"{len(sacred)} sacred field(s) broken")
    errs = [c for c in report.changes if c.blocking and not c.sacred]
    if errs:
        reasons.append(f"{len(errs)} unacknowledged ERR change(s)")
    return BlockedError(
        f"schema policy blocks {old} → {new}: {'; '.join(reasons) or 'blocking changes'}",
        hint="review the report; acknowledge intended ERR changes in schemas/acknowledged.toml",
    )


def _sacred_broken(status: Any) -> bool:
    return bool(getattr(status, "blocking", False))


def output_path(config: Config, rel: str) -> Path:
    """Map codegen's repo-relative keys onto the configured directories."""
    head, _, rest = rel.partition("/")
    if head == "schemas":
        return config.schemas_dir / rest
    if head == "generated":
        return config.generated_dir / rest
    return config.root / rel


def render_generated(
    config: Config, schema: SchemaStep, version: str
) -> dict[Path, bytes]:
    from nemoctl.codegen.render import cached_render_outputs

    # Served from the verified render cache when this schema was rendered before (a
    # repeated or retried upgrade, CI after a local run): no generator, no proof.
    outputs = cached_render_outputs(
        schema.text, upstream_version=version, wheel_sha256=schema.wheel_sha256,
        options=config.codegen,
    )
    return {output_path(config, rel): data for rel, data in outputs.items()}


def stale_generated(config: Config, outputs: dict[Path, bytes]) -> list[Path]:
    """Generated files no longer produced (a model removed upstream)."""
    dirs = {p.parent for p in outputs if p.is_relative_to(config.generated_dir)}
    suffixes = {"".join(p.suffixes[-2:]) if p.name.endswith(".d.ts") else p.suffix for p in outputs}
    stale = []
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            kind = ".d.ts" if path.name.endswith(".d.ts") else path.suffix
            if path.is_file() and path not in outputs and kind in suffixes:
                stale.append(path)
    return stale


def _rel(config: Config, path: Path) -> str:
    return path.relative_to(config.root).as_posix()


def commit_message(report_fields: dict[str, Any], run: _Run, old: str, new: str) -> str:
    lines = [f"Upgrade {run.package} {old} → {new} (nemoctl)", ""]
    coupled = report_fields.get("coupled") or {}
    for name, version in coupled.items():
        lines.append(f"- coupled: {name} {version}")
    schema = report_fields.get("schema_summary")
    if schema:
        lines.append(f"- schema: {schema}")
    if report_fields.get("sacred_summary"):
        lines.append(f"- sacred fields: {report_fields['sacred_summary']}")
    written = report_fields.get("files_written") or ()
    deleted = report_fields.get("files_deleted") or ()
    lines.append(f"- regenerated: {len(written)} file(s) written, {len(deleted)} removed")
    contracts = report_fields.get("contracts")
    if contracts is None:
        lines.append("- contracts: NOT RUN (--no-contracts)")
    else:
        total = contracts.get("total")
        lines.append(
            "- contracts: passed" + (f" ({total} contracts)" if total else "")
            + f" via {contracts.get('runner')}"
        )
    lines.append("- steps: " + ", ".join(s.timing() for s in run.steps))
    return "\n".join(lines) + "\n"


def _sacred_summary(report: Any) -> str:
    statuses = list(getattr(report, "sacred", ()))
    if not statuses:
        return "no sacred fields"
    broken = sum(1 for s in statuses if _sacred_broken(s))
    return f"{len(statuses) - broken}/{len(statuses)} intact"


