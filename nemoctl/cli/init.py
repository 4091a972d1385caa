"""`nemoctl init`: adopt nemoctl in the repository that pins LiteLLM."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)


def init_command(
    ci: str | None = typer.Option(
        None, "--ci", metavar="PROVIDER",
        help="Also write CI files: `github` (dependabot.yml and two workflows; Renovate "
        "instead when the repository has a Renovate config) or `renovate` (the two "
        "workflows and a rule merged into the Renovate config, comments kept).",
    ),
    force: bool = typer.Option(
        False, "--force",
        help="Overwrite files that exist and differ (never sacred fields, "
        "acknowledgements or an existing \\[tool.nemoctl]).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable result."),
    upstream: str = typer.Option("litellm", "--upstream", help="The pinned package to manage."),
    project: Path | None = typer.Option(
        None, "--project", metavar="DIR", help="Project directory (default: the current one)."
    ),
) -> None:
    """Detect the pins and lock tool; write \\[tool.nemoctl], the schema snapshot and
    generated files for the pinned version, seeded sacred fields, acknowledgements,
    the .gitignore entry (and with --ci the workflows and dependabot/Renovate config).  Idempotent.
    Exit codes: 0 written or nothing to do; 2 bad input, or a file exists and differs
    (nothing written; --force overwrites); 3 the pinned version cannot be fetched;
    6 an upgrade is running."""
    from nemoctl.adopt import run_init
    from nemoctl.cli._common import console
    from nemoctl.render.init import render_human, to_json

    result = run_init(project or Path.cwd(), ci=ci, force=force, dry_run=dry_run,
                      package=upstream)
    if as_json:
        typer.echo(to_json(result))
    else:
        render_human(result, console())
