"""`nemoctl contracts`: run the upstream contract suite and report each contract by name."""

from __future__ import annotations

from pathlib import Path

import typer

from nemoctl.cli._common import OutputFormat


def register(app: typer.Typer) -> None:
    contracts_app = typer.Typer(
        name="contracts",
        help="The upstream contract suite: what the gateway relies on in LiteLLM.",
        no_args_is_help=True,
    )
    contracts_app.command("run")(run_command)
    contracts_app.command("list")(list_command)
    app.add_typer(contracts_app)


def run_command(
    version: str | None = typer.Option(
        None,
        "--version",
        metavar="X.Y.Z",
        help="Run against litellm[proxy]==X.Y.Z in an isolated cached environment "
        "(default: the LiteLLM installed with nemoctl).",
    ),
    models_dir: Path | None = typer.Option(
        None,
        "--models-dir",
        metavar="DIR",
        help="Directory holding the generated nemoctl_models package to validate spend logs "
        "against (default: the one importable here).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run as JSON."),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
) -> None:
    """Run every contract and print each by name with pass/fail.

    Exit codes: 0 all contracts hold, 5 a contract failed (or the suite could not run),
    2 bad input, 3 the version cannot be installed from the configured indexes.
    """
    from nemoctl.cli._common import console
    from nemoctl.contracts import run_contracts
    from nemoctl.errors import BadInputError, ContractsFailedError
    from nemoctl.render import contracts as render

    if models_dir is not None and not (models_dir / "nemoctl_models").is_dir():
        raise BadInputError(f"{models_dir} holds no nemoctl_models package")
    run = run_contracts(version, models_dir=models_dir)
    fmt = OutputFormat.json if as_json else output
    if fmt is OutputFormat.json:
        typer.echo(render.to_json(run), nl=False)
    elif fmt is OutputFormat.markdown:
        typer.echo(render.to_markdown(run), nl=False)
    elif fmt is OutputFormat.github:
        typer.echo(render.to_github(run), nl=False)
    else:
        render.render_human(run, console())
    if not run.passed:
        names = ", ".join(r.name for r in run.failures)
        raise ContractsFailedError(
            f"{len(run.failures)} contract(s) broken on litellm {run.litellm_version}: {names}"
        )


def list_command() -> None:
    """List the contracts the suite checks, with what each one guards."""
    from nemoctl.contracts import contracts

    for contract in contracts():
        typer.echo(f"{contract.name}\n    {contract.summary}")
