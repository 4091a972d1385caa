"""`nemoctl diff`: what changed between two schemas, and whether it breaks the product."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from nemoctl.cli._common import OutputFormat, Severity

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nemoctl.config import Config
    from nemoctl.diff.report import DiffReport
    from nemoctl.findings import SurfaceReport
    from nemoctl.sources import LoadedSchema


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_command)


def diff_command(
    old: str | None = typer.Option(
        None, "--from", metavar="SPEC",
        help="Old schema: a LiteLLM version (1.102.4), a .whl or a .prisma path "
        "(default: schemas/schema.prisma, else the pinned version).",
        show_default=False,
    ),
    new: str = typer.Option(..., "--to", metavar="SPEC", help="New schema: version, .whl or "
                            ".prisma path."),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
    fail_on: Severity | None = typer.Option(
        None, "--fail-on", help="Exit 1 when an open change is at or above this severity "
        "(default: fail-on in [tool.nemoctl], else ERR).", show_default=False,
    ),
    sacred_path: Path | None = typer.Option(
        None, "--sacred", metavar="FILE", help="Sacred fields file (default: "
        "schemas/sacred_fields.toml).", show_default=False,
    ),
    no_sacred: bool = typer.Option(False, "--no-sacred", help="Skip the sacred-field gate "
                                   "(e.g. to compare two historical versions)."),
    acks_path: Path | None = typer.Option(
        None, "--acks", metavar="FILE", help="Acknowledgements file (default: "
        "schemas/acknowledged.toml).", show_default=False,
    ),
    no_acks: bool = typer.Option(False, "--no-acks", help="Ignore acknowledgements."),
    today: str | None = typer.Option(
        None, "--today", metavar="YYYY-MM-DD", help="Judge acknowledgement expiry as of this "
        "date (default: today).", show_default=False,
    ),
    hide_info: bool = typer.Option(False, "--hide-info", help="Human format: hide INFO changes."),
    upstream_name: str = typer.Option("litellm", "--upstream", help="Configured upstream whose "
                                      "schema a version or wheel spec means."),
    allow_yanked: bool = typer.Option(False, "--allow-yanked", help="Accept a yanked release "
                                      "as a version spec (docs/supply-chain.md)."),
    impact: bool | None = typer.Option(
        None, "--impact/--no-impact", help="Scan the project's code and put used_at on every "
        "finding (default: on when [tool.nemoctl.impact] exists; docs/impact.md).",
        show_default=False,
    ),
    refresh: bool = typer.Option(False, "--refresh", help="Ask the index again about cached "
                                 "versions (yanked, withdrawn, hashes); without it a version "
                                 "whose wheel is cached and passed before is compared offline."),
) -> None:
    """Compare two schemas with the named rules; sacred fields and acknowledgements applied.

    Exit codes: 0 nothing at/above --fail-on; 1 changes at/above --fail-on, none blocking;
    4 blocked (a sacred field changed or a sacred entry is wrong, or an unacknowledged ERR);
    2 bad input (unknown file, Prisma parse error, bad config); 3 a version cannot be fetched
    or is refused by the supply-chain policy (yanked, withdrawn, too new, bad hash, advisory).
    """
    from nemoctl.cli._common import say_error
    from nemoctl.diff import (
        Acknowledgements,
        SacredFields,
        diff_schemas,
        load_acknowledgements,
        load_sacred,
    )
    from nemoctl.sources import load_schemas

    config = project_config()
    as_of = parse_day(today)
    upstream = config.upstream(upstream_name)
    old_spec = old or default_from_spec(config, upstream.package)
    for flag, path in (("--sacred", sacred_path), ("--acks", acks_path)):
        if path is not None and not path.is_file():
            raise_bad(f"{flag}: no such file: {path}")
    sacred = SacredFields() if no_sacred else load_sacred(
        sacred_path or config.sacred_fields_file)
    # Version specs pass the supply-chain policy first (exit 3 when refused).
    from nemoctl.supply_chain import guard_version_specs

    for checked in guard_version_specs(config, upstream, [old_spec, new],
                                       allow_yanked=allow_yanked, reuse=not refresh):
        for warning in checked.warnings:
            say_error(warning.message, label="warning")
    before, after = load_schemas([old_spec, new], upstream)
    acks = Acknowledgements() if no_acks else load_acknowledgements(
        acks_path or config.acknowledgements_file)
    report = diff_schemas(
        before.schema, after.schema, sacred=sacred, acks=acks,
        severities=config.rule_severities, today=as_of,
        old_label=before.label, new_label=after.label,
    )
    from nemoctl.impact import annotate_if_enabled

    report = annotate_if_enabled(report, config, [before.schema, after.schema], force=impact)
    threshold = (fail_on.value if fail_on else config.fail_on)
    emit_report(report, output, threshold, before, after, show_info=not hide_info)


def emit_report(report: DiffReport, output: OutputFormat, threshold: str,
                before: LoadedSchema, after: LoadedSchema, *, show_info: bool = True,
                surfaces: Sequence[SurfaceReport] = ()) -> NoReturn:
    """Print a diff report in ``output``'s format and exit with its code (diff, impact).

    ``surfaces``: the other surfaces' reports (``impact --to``), printed after it."""
    from nemoctl.cli._common import console
    from nemoctl.render import diff as render

    # The surfaces' renderer is loaded only when there are surfaces: a plain diff does
    # not pay for it.
    if surfaces:
        from nemoctl.render import apisurface as extra

    if output is OutputFormat.json:
        text = render.to_json(report, fail_on=threshold)
        if surfaces:
            text = extra.merge_json(text, "surfaces", extra.reports_to_dict(surfaces, threshold))
        typer.echo(text, nl=False)
    elif output is OutputFormat.markdown:
        typer.echo(render.to_markdown(report), nl=False)
        if surfaces:
            typer.echo(extra.reports_to_markdown(surfaces), nl=False)
    elif output is OutputFormat.github:
        typer.echo(render.to_github(
            report, fail_on=threshold,
            old_file=(str(before.path), before.text) if before.path else None,
            new_file=(str(after.path), after.text) if after.path else None,
        ), nl=False)
        if surfaces:
            typer.echo(extra.reports_to_github(surfaces), nl=False)
    else:
        render.render_human(report, console(), show_info=show_info)
        if surfaces:
            extra.render_reports_human(surfaces, console(), show_info=show_info)
    raise typer.Exit(max([int(report.exit_code(threshold)),
                          *(int(s.exit_code(threshold)) for s in surfaces)]))


def project_config() -> Config:
    """The project's configuration; outside any project, the defaults (no sacred fields)."""
    from nemoctl.config import Config, default_upstreams, load_config
    from nemoctl.errors import ConfigError
    from nemoctl.paths import find_project_root

    try:
        root = find_project_root()
    except ConfigError:
        here = Path.cwd()
        return Config(root=here, schemas_dir=here / "__no_project__", generated_dir=here,
                      upstreams=default_upstreams())
    return load_config(root)


def default_from_spec(config: Config, package: str) -> str:
    snapshot = config.schemas_dir / "schema.prisma"
    if snapshot.is_file():
        # Shown as given on a command line: relative to where the user stands.
        cwd = Path.cwd().resolve()
        resolved = snapshot.resolve()
        return str(resolved.relative_to(cwd)) if resolved.is_relative_to(cwd) else str(snapshot)
    from nemoctl.pins import pinned_version

    return pinned_version(config.root, package)


def parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise_bad(f"--today {text!r} is not a date like 2026-11-22")


def raise_bad(message: str) -> NoReturn:
    from nemoctl.errors import BadInputError

    raise BadInputError(message)
