"""`nemoctl upgrade [UPSTREAM] VERSION|latest`: the whole upgrade as one atomic step."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from nemoctl.cli._common import console, say_error
from nemoctl.errors import BadInputError, ExitCode


def register(app: typer.Typer) -> None:
    app.command(
        "upgrade",
        help=(
            "Upgrade an upstream pin (default: litellm) to VERSION or `latest`: resolve, "
            "schema gate, bump pins + lockfile, regenerate, contract tests, or change nothing. "
            "Exit codes: 0 ok, 2 bad input, 3 unresolvable/refused, 4 blocked by schema policy, "
            "5 contracts failed, 6 busy, 70 internal, 130 interrupted."
        ),
    )(upgrade)


def upgrade(
    args: list[str] = typer.Argument(
        None, metavar="[UPSTREAM] VERSION", help="e.g. `litellm 1.106.0`, `1.106.0`, `latest`"
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Plan, resolve, diff; write nothing (takes the repository "
        "lock: exit 6 while an upgrade runs)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable report."),
    commit: bool = typer.Option(False, "--commit", help="Commit the result with git."),
    branch: str | None = typer.Option(None, "--branch", help="Commit on this new branch."),
    allow_dirty: bool = typer.Option(False, "--allow-dirty", help="Skip the clean-tree check."),
    allow_downgrade: bool = typer.Option(
        False, "--allow-downgrade", help="Allow an older VERSION."
    ),
    allow_yanked: bool = typer.Option(False, "--allow-yanked", help="Accept a yanked release."),
    contracts: bool = typer.Option(
        True, "--contracts/--no-contracts",
        help="Run the contract gate (default). --no-contracts is unsafe and is recorded.",
    ),
    allow_unprotected: bool = typer.Option(
        False, "--allow-unprotected",
        help="Run without a schema snapshot or sacred fields (else exit 2: run `nemoctl init`).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress; errors only."),
    recover: bool = typer.Option(
        False, "--recover", help="Restore the files of an interrupted upgrade (killing what is "
        "left of its child processes), then exit; exit 2 when edits made after the crash had "
        "to be saved to .nemoctl/recovered/.",
    ),
    project: Path | None = typer.Option(
        None, "--project", metavar="DIR",
        help="Where to look for the project: the nearest directory at or above DIR holding "
        "a pyproject.toml (default: from the current directory).",
    ),
) -> None:
    from nemoctl.render.upgrade import ProgressPrinter, render_human, render_recovery, to_json
    from nemoctl.sanitize import rich_escape as escape
    from nemoctl.transaction import Terminated
    from nemoctl.upgrade import UpgradeOptions, recover_repo, run_upgrade

    out = console(quiet=quiet and not as_json)
    if recover:
        result = recover_repo(project)
        if as_json:
            typer.echo(_dumps(result.to_dict()), nl=False)
        else:
            render_recovery(result, out)
        if result.conflicts:
            # The files are restored, but someone's edits were moved aside: say so by exit code.
            say_error(
                f"{', '.join(result.conflicts)} had been edited after the crash; those edits "
                "were saved under .nemoctl/recovered/",
                "review them before running the upgrade again",
            )
            raise typer.Exit(int(ExitCode.BAD_INPUT))
        raise typer.Exit(int(ExitCode.OK))

    upstream, version = _parse_args(args or [])
    options = UpgradeOptions(
        version=version, upstream=upstream, dry_run=dry_run, allow_dirty=allow_dirty,
        allow_downgrade=allow_downgrade, allow_yanked=allow_yanked, commit=commit,
        branch=branch, contracts=contracts, allow_unprotected=allow_unprotected,
    )
    show_progress = not (quiet or as_json)
    progress = ProgressPrinter(console(stderr=True)) if show_progress else None
    try:
        # Past the commit point an interrupt is dropped: the report is the tree's state.
        report = run_upgrade(options, root=project, progress=progress,
                             ignore_signals_after_commit=True)
    except (KeyboardInterrupt, Terminated):
        console(stderr=True).print(
            "interrupted: every file was restored byte-identical", style="yellow"
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    if as_json:
        sys.stdout.write(to_json(report))
    elif not quiet:
        render_human(report, out)
    if report.error is not None and not as_json:
        err = console(stderr=True)
        err.print(f"[bold red]error:[/] {escape(report.error.message)}", highlight=False)
        if report.error.hint:
            err.print(f"[dim]hint:[/] {escape(report.error.hint)}", highlight=False)
        if report.restored:
            err.print("every file was restored byte-identical", style="yellow")
    raise typer.Exit(int(report.exit_code))


def _parse_args(args: list[str]) -> tuple[str, str]:
    if len(args) == 1:
        return "litellm", args[0]
    if len(args) == 2:
        return args[0], args[1]
    raise BadInputError(
        "usage: nemoctl upgrade [UPSTREAM] VERSION  (VERSION may be `latest`)",
        hint="e.g. `nemoctl upgrade litellm 1.106.0`",
    )


def _dumps(data: object) -> str:
    import json

    return json.dumps(data, indent=2, sort_keys=True) + "\n"
