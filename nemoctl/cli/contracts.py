"""`nemoctl contracts`: run the upstream contract suite and report each contract by name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from nemoctl.cli._common import OutputFormat

if TYPE_CHECKING:
    from nemoctl.config.contracts import ContractsSettings
    from nemoctl.provenance.consumer import ConsumerInterpreter


def register(app: typer.Typer) -> None:
    contracts_app = typer.Typer(
        name="contracts",
        help="The upstream contract suite: what the gateway relies on in LiteLLM.",
        no_args_is_help=True,
    )
    contracts_app.command("run")(run_command)
    contracts_app.command("matrix")(matrix_command)
    contracts_app.command("list")(list_command)
    app.add_typer(contracts_app)


_PROXY_CONFIG = typer.Option(
    None,
    "--proxy-config",
    metavar="FILE",
    help="Run under this LiteLLM proxy config (default: [tool.nemoctl.contracts] proxy-config, "
    "else LiteLLM's defaults).",
)


def _settings(proxy_config: Path | None) -> tuple[ContractsSettings, Path | None]:
    """The project's ``[tool.nemoctl.contracts]`` and generated models (none outside a
    project), the CLI flag first."""
    from dataclasses import replace

    from nemoctl.config import find_project_root, load_config
    from nemoctl.config.contracts import ContractsSettings
    from nemoctl.errors import ConfigError

    models: Path | None = None
    try:
        root = find_project_root()
    except ConfigError:
        settings = ContractsSettings()
    else:
        config = load_config(root)
        settings = config.contracts or ContractsSettings()
        if (config.generated_dir / "python" / "nemoctl_models").is_dir():
            models = config.generated_dir / "python"
    if proxy_config is not None:
        settings = replace(settings, proxy_config=proxy_config.resolve())
    if settings.proxy_config is not None:
        _check_proxy_config(settings.proxy_config, settings.test_env)
    return settings, models


def _consumer_interpreter() -> ConsumerInterpreter | None:
    """The project's own verified environment, if the current directory is in a project."""
    from nemoctl.config import find_project_root, load_config
    from nemoctl.errors import ConfigError, NemoctlError
    from nemoctl.pins import pinned_version
    from nemoctl.provenance.consumer import consumer_interpreter

    try:
        root = find_project_root()
    except ConfigError:
        return None
    config = load_config(root)
    try:
        pinned: str | None = pinned_version(root, config.upstream().package)
    except NemoctlError:
        pinned = None
    return consumer_interpreter(config, pinned=pinned)


def _check_proxy_config(path: Path, test_env: dict[str, str]) -> None:
    """Refuse a proxy config that cannot be used before any environment is built.

    Its kind first (a directory or FIFO is named as such; reading a FIFO would block),
    then the same load and rewrite the runner does, so a file that is not YAML, or a
    model_list entry without litellm_params, costs nothing but this message.
    """
    from nemoctl._limits import require_regular_file
    from nemoctl.contracts.proxy_config import effective_config

    require_regular_file(path, "proxy config")
    effective_config(path, test_env)


def run_command(
    version: str | None = typer.Option(
        None,
        "--version",
        metavar="X.Y.Z",
        help="Run against litellm[proxy]==X.Y.Z in an isolated cached environment "
        "(default: the project's own environment once its LiteLLM is verified, else the "
        "LiteLLM installed with nemoctl).",
    ),
    models_dir: Path | None = typer.Option(
        None,
        "--models-dir",
        metavar="DIR",
        help="Directory holding your generated nemoctl_models package (default: the project's "
        "generated/python, else the one importable here). Without --version the payload "
        "contracts validate against it; with --version they use models generated for that "
        "version and DIR is checked for staleness.",
    ),
    proxy_config: Path | None = _PROXY_CONFIG,
    as_json: bool = typer.Option(False, "--json", help="Print the run as JSON."),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
) -> None:
    """Run every contract and print each by name with pass/fail.

    Exit codes: 0 all contracts hold (a note says when your committed models are stale
    but only additively), 1 contracts hold but your committed models are stale for the
    version in a breaking way, 5 a contract failed (or the suite could not run),
    2 bad input, 3 the version cannot be installed from the configured indexes.
    """
    from nemoctl.cli._common import console
    from nemoctl.contracts import run_contracts
    from nemoctl.errors import BadInputError, ContractsFailedError, ModelsStaleError
    from nemoctl.render import contracts as render

    if models_dir is not None and not (models_dir / "nemoctl_models").is_dir():
        raise BadInputError(f"{models_dir} holds no nemoctl_models package")
    settings, project_models = _settings(proxy_config)
    models_dir = models_dir or project_models
    consumer = _consumer_interpreter() if version is None else None
    run = run_contracts(
        version,
        # With a version, payloads validate against models generated for it, and the
        # user's models are only checked for staleness.
        models_dir=models_dir if version is None else None,
        committed_models=models_dir if version is not None else None,
        proxy_config=settings.proxy_config,
        test_env=settings.test_env,
        interpreter=consumer.python if consumer else None,
        interpreter_origin=f"the project's environment ({consumer.origin})" if consumer else None,
    )
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
    if run.models is not None and run.models.status == "stale":
        raise ModelsStaleError(
            run.models.note, hint="every contract holds against models generated for the version"
        )


def matrix_command(
    versions: list[str] = typer.Argument(..., metavar="VERSION...", help="LiteLLM versions."),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Runs in parallel (default: 2, or 1 on one core)."
    ),
    proxy_config: Path | None = _PROXY_CONFIG,
    as_json: bool = typer.Option(False, "--json", help="Print the matrix as JSON."),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
) -> None:
    """Run the suite on each version and tabulate what each one was seen to do.

    One isolated environment and one run per version; rows whose value changes between
    versions are marked. Exit codes: 0 the matrix was produced (broken contracts are
    cells, not errors), 2 bad input, 3 a version cannot be installed.
    """
    from nemoctl.cli._common import console
    from nemoctl.contracts.matrix import DEFAULT_JOBS, run_matrix
    from nemoctl.contracts.result import ContractRun
    from nemoctl.render import contracts_matrix as render
    from nemoctl.render.contracts import summary

    settings, project_models = _settings(proxy_config)
    fmt = OutputFormat.json if as_json else output
    progress = console(stderr=True, quiet=fmt is not OutputFormat.human)

    def done(run: ContractRun) -> None:
        progress.print(f"[dim]{summary(run)} in {run.duration_s:.1f} s[/]")

    matrix = run_matrix(
        versions,
        jobs=jobs or DEFAULT_JOBS,
        proxy_config=settings.proxy_config,
        test_env=settings.test_env,
        committed_models=project_models,
        on_done=done,
    )
    if fmt is OutputFormat.json:
        typer.echo(render.to_json(matrix), nl=False)
    elif fmt in (OutputFormat.markdown, OutputFormat.github):
        typer.echo(render.to_markdown(matrix), nl=False)
    else:
        render.render_human(matrix, console())


def list_command() -> None:
    """List the contracts the suite checks, with what each one guards."""
    from nemoctl.contracts import contracts

    for contract in contracts():
        typer.echo(f"{contract.name}\n    {contract.summary}")
