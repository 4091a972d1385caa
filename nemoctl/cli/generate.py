"""`nemoctl generate [--check]`: the schema snapshot, JSON Schema, Python and TypeScript types."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("generate")(generate_command)


def generate_command(
    check: bool = typer.Option(
        False, "--check", help="Change nothing; exit 1 with a unified diff when anything is stale."
    ),
    refetch: bool = typer.Option(
        False, "--refetch",
        help="Read the schema from the pinned upstream wheel even when the committed "
        "snapshot matches the lock (verifies the snapshot itself).",
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON output (includes the diff)."),
    upstream_name: str = typer.Option("litellm", "--upstream", help="Configured upstream."),
) -> None:
    """Generate schemas/ and generated/ from the schema of the pinned upstream version.

    A no-op (no network, no generator run) when schemas/lock.json names the pinned
    version and current generators and every output still hashes as recorded.
    Exit codes: 0 up to date or written; 1 (--check) outputs are stale; 2 bad input
    (no pin, a schema nemoctl refuses to generate from); 3 the version cannot be fetched;
    6 an upgrade is running in this repository.
    """
    from nemoctl.codegen import generate
    from nemoctl.config import load_config
    from nemoctl.errors import ExitCode
    from nemoctl.render import generate as render

    config = load_config()
    from nemoctl.preflight import check_output_paths, check_snapshot_parses

    if not check:
        check_output_paths(config)
    check_snapshot_parses(config)
    if check:
        result = generate(config, check=True, refetch=refetch, upstream=upstream_name)
    else:
        from nemoctl.repolock import repo_lock

        # Writing while an upgrade rewrites the same files would mix two versions.
        lock = repo_lock(config.root, command="generate")
        try:
            result = generate(config, refetch=refetch, upstream=upstream_name)
        finally:
            lock.release()
    if as_json:
        typer.echo(render.to_json(result))
    else:
        typer.echo(render.to_text(result), nl=False)
    if check and result.stale:
        raise typer.Exit(int(ExitCode.FINDINGS))
