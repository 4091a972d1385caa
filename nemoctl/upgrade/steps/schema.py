"""``schema``: the new release's schema diffed against the snapshot (or the base
branch's), with sacred fields and acknowledgements; the wheel's own coupled pins
checked against the resolver's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nemoctl.config import Config, UpstreamConfig
from nemoctl.errors import BadInputError, BlockedError, NemoctlError, ResolutionError
from nemoctl.upgrade.steps.base import Context, Outcome, Sections, Step, need

if TYPE_CHECKING:
    from nemoctl.diff.report import DiffReport


@dataclass(frozen=True, slots=True)
class SchemaResult(Outcome):
    #: The new release's schema text, and the wheel it came from.
    text: str
    wheel_path: Path
    wheel_sha256: str
    report: DiffReport
    #: The coupled pins after the wheel's own (``litellm[proxy]`` pins its extras).
    coupled: dict[str, str] = field(default_factory=dict)
    error: NemoctlError | None = None

    def summary(self) -> str:
        """``3 change(s) (1 ERR, 2 INFO)``."""
        counts: dict[str, int] = {}
        for change in self.report.changes:
            counts[change.severity] = counts.get(change.severity, 0) + 1
        parts = [f"{n} {sev}" for sev, n in sorted(counts.items())]
        return f"{len(self.report.changes)} change(s)" + (f" ({', '.join(parts)})" if parts else "")

    def sacred_summary(self) -> str:
        """``2/3 intact``, or ``no sacred fields``."""
        statuses = self.report.sacred
        if not statuses:
            return "no sacred fields"
        broken = sum(1 for s in statuses if s.blocking)
        return f"{len(statuses) - broken}/{len(statuses)} intact"

    @property
    def detail(self) -> str:
        return f"{self.summary()}; sacred {self.sacred_summary()}"

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def keep(self, sections: Sections) -> None:
        sections.schema = self


def diff_against_snapshot(
    config: Config, upstream: UpstreamConfig, version: str, *, base_text: str | None,
    current: str | None,
) -> tuple[str, Path, str, DiffReport]:
    """Fetch ``version``'s schema and diff it against ``base_text`` (default: the
    snapshot; without one, ``current``'s schema): (text, wheel, sha256, report)."""
    from nemoctl.diff import diff_schemas, load_acknowledgements, load_sacred
    from nemoctl.impact import annotate_if_enabled
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
    report = annotate_if_enabled(report, config, [old_schema, new_schema])
    return new.text, new.wheel.path, new.wheel.sha256, report


def blocked_error(report: DiffReport, old: str, new: str) -> BlockedError:
    reasons = []
    sacred = [s for s in report.sacred if s.blocking]
    if sacred:
        reasons.append(f"{len(sacred)} sacred field(s) broken")
    errs = [c for c in report.changes if c.blocking and not c.sacred]
    if errs:
        reasons.append(f"{len(errs)} unacknowledged ERR change(s)")
    return BlockedError(
        f"schema policy blocks {old} → {new}: {'; '.join(reasons) or 'blocking changes'}",
        hint="review the report; acknowledge intended ERR changes in schemas/acknowledged.toml",
    )


def _run(ctx: Context) -> SchemaResult:
    from nemoctl.upgrade.bump import coupled_versions

    pre, resolved = need(ctx.done.preflight, "preflight"), need(ctx.done.resolve, "resolve")
    upstream, version = ctx.upstream, resolved.version
    current = pre.current if ctx.mode == "upgrade" else None
    text, wheel, sha, report = diff_against_snapshot(
        ctx.config, upstream, version, base_text=ctx.base_text, current=current)
    coupled = dict(resolved.coupled)
    if report.blocking:
        blocked = blocked_error(report, pre.current if ctx.mode == "upgrade" else "base", version)
        return SchemaResult(text, wheel, sha, report, coupled, blocked)
    for name, pinned in coupled_versions(wheel, upstream.extras, upstream.coupled).items():
        if coupled.setdefault(name, pinned) != pinned:
            error = ResolutionError(
                f"{upstream.package} {version} pins {name}=={pinned} but the resolver "
                f"chose {coupled[name]}"
            )
            return SchemaResult(text, wheel, sha, report, coupled, error)
    return SchemaResult(text, wheel, sha, report, coupled)


STEP = Step("schema", _run)
