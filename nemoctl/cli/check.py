"""`nemoctl check`: fast offline consistency check (pre-commit hook, CI)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        upstream: str = typer.Option("litellm", "--upstream", help="Configured upstream name."),
        skip: list[str] = typer.Option(
            [], "--skip", metavar="CHECK",
            help="Skip a check: lock, generated, sacred, supply-chain, requirements, "
            "provenance, integrity (repeatable).",
        ),
        offline: bool = typer.Option(
            False, "--offline", help="Never ask the index (a cold wheel cache is not checked)."
        ),
        output: str = typer.Option("text", "--format", help="text | json | github"),
        allow_unprotected: bool = typer.Option(
            False, "--allow-unprotected",
            help="Check a project without a snapshot or sacred fields (else exit 2).",
        ),
        project: Path = typer.Option(
            None, "--project", metavar="DIR", help="Project directory (default: search upwards)."
        ),
    ) -> None:
        """Generated files match the pinned schema, sacred fields present, lock consistent
        with the pin, locked wheel hash and advisories, LiteLLM from the index and
        unpatched, its installed files as published.  Exit 0 ok, 1 problems, 2 bad input."""
        from nemoctl.check import CHECKS, run_check
        from nemoctl.config import load_config
        from nemoctl.errors import BadInputError
        from nemoctl.render.check import to_github, to_json, to_text

        if output not in ("text", "json", "github"):
            raise BadInputError(f"--format must be text, json or github, not {output!r}")
        unknown = sorted(set(skip) - set(CHECKS))
        if unknown:
            raise BadInputError(
                f"unknown check(s) for --skip: {', '.join(unknown)} (known: {', '.join(CHECKS)})"
            )
        report = run_check(
            load_config(project), upstream_name=upstream, skip=skip, offline=offline,
            allow_unprotected=allow_unprotected,
        )
        if output == "json":
            typer.echo(to_json(report))
        elif output == "github":
            typer.echo(to_github(report) or "nemoctl check: OK")
        else:
            typer.echo(to_text(report))
        raise typer.Exit(int(report.exit_code))
