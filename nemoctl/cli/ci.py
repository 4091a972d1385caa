"""`nemoctl ci`: verify the upstream bump a pull request makes; report in the PR."""

from __future__ import annotations

import os
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("ci")
    def ci(
        base: str = typer.Option(
            None, "--base", metavar="REF",
            help="Base of the PR (default: origin/$GITHUB_BASE_REF, else origin/main).",
        ),
        head: str = typer.Option("HEAD", "--head", metavar="REF", help="Head of the PR."),
        write: bool = typer.Option(
            False, "--write",
            help="Regenerate schemas/ and generated/ in place and commit them to the branch.",
        ),
        report_file: Path = typer.Option(
            None, "--report-file", metavar="PATH",
            help="Write the markdown report here (usable as a PR comment).",
        ),
        skip_contracts: bool = typer.Option(
            False, "--skip-contracts", help="Do not run the contract suite (reported as skipped)."
        ),
        annotations: bool = typer.Option(
            None, "--annotations/--no-annotations",
            help="Print GitHub workflow annotations (default: when GITHUB_ACTIONS is set).",
        ),
        output: str = typer.Option("text", "--format", help="text | markdown | json"),
        allow_unprotected: bool = typer.Option(
            False, "--allow-unprotected",
            help="Verify a project without a snapshot or sacred fields (else exit 2).",
        ),
        project: Path = typer.Option(
            None, "--project", metavar="DIR", help="Project directory (default: search upwards)."
        ),
    ) -> None:
        """Verify a dependency-bump PR: versions, schema diff, sacred fields, contracts,
        generated files.  Exit codes: 0 safe, 1 stale generated files, 2 bad input,
        3 unresolvable/refused, 4 blocked by schema policy, 5 contracts failed."""
        from nemoctl.ci.run import run_ci
        from nemoctl.config import load_config
        from nemoctl.errors import BadInputError
        from nemoctl.render.ci import to_json, to_text
        from nemoctl.render.ci_publish import publish

        if output not in ("text", "markdown", "json"):
            raise BadInputError(f"--format must be text, markdown or json, not {output!r}")
        config = load_config(project)
        result = run_ci(config, base=base, head=head, write=write, contracts=not skip_contracts,
                        allow_unprotected=allow_unprotected)
        published = publish(result, report_file=report_file)
        show_annotations = annotations if annotations is not None else bool(
            os.environ.get("GITHUB_ACTIONS")
        )
        if show_annotations and published.annotations:
            typer.echo(published.annotations)
        if output == "json":
            typer.echo(to_json(result))
        elif output == "markdown":
            typer.echo(published.markdown)
        else:
            typer.echo(to_text(result))
        raise typer.Exit(int(result.exit_code))
