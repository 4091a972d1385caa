"""`nemoctl impact` (what this project's code uses, and what a change would hit) and
`nemoctl sacred suggest` (sacred-field entries proposed from those uses)."""

from __future__ import annotations

from pathlib import Path

import typer

from nemoctl.cli._common import OutputFormat, Severity

sacred_app = typer.Typer(name="sacred", help="Sacred fields: proposals from the code's uses.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("impact")(impact_command)
    app.add_typer(sacred_app)


def impact_command(
    new: str | None = typer.Option(
        None, "--to", metavar="SPEC", help="Judge the diff to this schema (version, .whl or "
        ".prisma); without it, list what the code uses of the pinned schema.",
        show_default=False,
    ),
    old: str | None = typer.Option(
        None, "--from", metavar="SPEC", help="Old schema (default: schemas/schema.prisma, "
        "else the pinned version).", show_default=False,
    ),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
    fail_on: Severity | None = typer.Option(
        None, "--fail-on", help="With --to: exit 1 when an open change reaches this severity "
        "(default: fail-on in \\[tool.nemoctl], else ERR).", show_default=False,
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Rescan every file (ignore and "
                                  "rebuild the scan cache)."),
    upstream_name: str = typer.Option("litellm", "--upstream", help="Configured upstream."),
    surface: list[str] = typer.Option(
        [], "--surface", metavar="NAME", help="Only these surfaces (repeatable): schema, "
        "api, … (default: all).", show_default=False),
    list_all: bool = typer.Option(False, "--all", help="With --to: also list the API "
                                  "changes nothing uses (otherwise only counted)."),
    project: Path | None = typer.Option(
        None, "--project", metavar="DIR", help="Project directory: the nearest directory "
        "at or above DIR holding a pyproject.toml (default: from the current directory).",
        show_default=False,
    ),
) -> None:
    """Where this project's code uses LiteLLM's models, tables, columns and enum values.

    With --to, the schema diff to that version with used_at on every finding and the
    [tool.nemoctl.impact] policy applied (unused changes re-levelled, sacred never).
    Exit codes: 0 ok; 1 changes at/above --fail-on; 4 blocked; 2 bad input; 3 a version
    cannot be fetched or is refused.
    """
    from nemoctl.cli._common import console
    from nemoctl.cli.diff import default_from_spec, emit_report
    from nemoctl.config import load_config
    from nemoctl.sources import load_schemas

    # A project is required (a pyproject.toml at or above the current directory or
    # --project): the scan reads the project's files and nothing outside it.
    if project is not None and not project.is_dir():
        from nemoctl.errors import BadInputError

        raise BadInputError(f"--project {project}: not a directory")
    config = load_config(project)
    upstream = config.upstream(upstream_name)
    from nemoctl.cli._surfaces import chosen_surfaces, surface_reports

    chosen = chosen_surfaces(surface)
    if "schema" not in chosen:
        surface_reports(config, upstream.package, old, new, chosen, output,
                        fail_on.value if fail_on else config.fail_on, list_all, exit=True)
    old_spec = old or default_from_spec(config, upstream.package)
    if new is None:
        from nemoctl.impact import scan_project
        from nemoctl.render import impact as render_usage

        (loaded,) = load_schemas([old_spec], upstream)
        usage = scan_project(config, [loaded.schema], cache=not no_cache)
        from nemoctl.cli._surfaces import emit_api_map

        if output is OutputFormat.json:
            typer.echo(emit_api_map(config, chosen, output, render_usage.to_json(usage)), nl=False)
        elif output is OutputFormat.markdown:
            typer.echo(render_usage.to_markdown(usage), nl=False)
        elif output is OutputFormat.github:
            typer.echo(render_usage.to_github(usage), nl=False)
        else:
            render_usage.render_human(usage, console())
        if output is not OutputFormat.json:
            emit_api_map(config, chosen, output, "")
        raise typer.Exit(0)

    from nemoctl.diff import diff_schemas, load_acknowledgements, load_sacred
    from nemoctl.impact import annotate, scan_project
    from nemoctl.supply_chain import guard_version_specs

    for checked in guard_version_specs(config, upstream, [old_spec, new], allow_yanked=False):
        for warning in checked.warnings:
            console(stderr=True).print(f"warning: {warning.message}", markup=False)
    before, after = load_schemas([old_spec, new], upstream)
    sacred = load_sacred(config.sacred_fields_file) if config.sacred_fields_file.is_file() \
        else None
    acks = load_acknowledgements(config.acknowledgements_file) \
        if config.acknowledgements_file.is_file() else None
    report = diff_schemas(before.schema, after.schema, sacred=sacred, acks=acks,
                          severities=config.rule_severities, old_label=before.label,
                          new_label=after.label)
    usage = scan_project(config, [before.schema, after.schema], cache=not no_cache)
    report = annotate(report, usage, config)
    threshold = fail_on.value if fail_on else config.fail_on
    surface_reports(config, upstream.package, old, new, chosen, output, threshold, list_all,
                    then=lambda extra: emit_report(report, output, threshold, before, after,
                                                   surfaces=extra))


@sacred_app.command("suggest")
def suggest_command(
    write: bool = typer.Option(False, "--write", help="Append the proposals to "
                               "schemas/sacred_fields.toml (default: only print them)."),
    as_json: bool = typer.Option(False, "--json", help="Print the proposals as JSON."),
    owner: str = typer.Option("unassigned", "--owner", help="Owner written into each entry."),
    schema_spec: str | None = typer.Option(
        None, "--schema", metavar="SPEC", help="Schema the entries are typed against "
        "(default: schemas/schema.prisma, else the pinned version).", show_default=False,
    ),
    upstream_name: str = typer.Option("litellm", "--upstream", help="Configured upstream."),
) -> None:
    """Propose sacred-field entries (model + field + type) for the fields the code uses.

    Prints TOML to paste into schemas/sacred_fields.toml; writes nothing unless --write.
    Fields that are already sacred are not proposed again.
    """
    import json

    from nemoctl.cli._common import console
    from nemoctl.cli.diff import default_from_spec
    from nemoctl.config import load_config
    from nemoctl.diff import SacredFields, load_sacred
    from nemoctl.impact import scan_project
    from nemoctl.impact.suggest import append_to, suggest, to_toml
    from nemoctl.sources import load_schemas

    config = load_config()
    upstream = config.upstream(upstream_name)
    (loaded,) = load_schemas([schema_spec or default_from_spec(config, upstream.package)],
                             upstream)
    sacred_file: Path = config.sacred_fields_file
    sacred = load_sacred(sacred_file) if sacred_file.is_file() else SacredFields()
    proposals = suggest(scan_project(config, [loaded.schema]), loaded.schema, sacred)
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in proposals], indent=2))
    elif proposals:
        typer.echo(to_toml(proposals, owner), nl=False)
    else:
        console(stderr=True).print("no new sacred-field proposals: every field the code "
                                   "uses is already sacred (or none is used)", markup=False)
    if write and proposals:
        append_to(sacred_file, proposals, owner)
        console(stderr=True).print(f"appended {len(proposals)} entr(y/ies) to "
                                   f"{sacred_file}", markup=False)
