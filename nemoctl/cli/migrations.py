"""`nemoctl migrations plan`: the SQL an upgrade will run, its locks, and what it risks."""

from __future__ import annotations

import typer

from nemoctl.cli._common import OutputFormat, Severity


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="migrations", no_args_is_help=True,
        help="Check the SQL migrations a LiteLLM upgrade runs on the shared database.",
    )
    group.command("plan")(plan_command)
    app.add_typer(group)


def plan_command(
    to: str = typer.Option(..., "--to", metavar="VERSION|DIR",
                           help="The target release, or a directory of <name>/migration.sql."),
    from_: str = typer.Option("pinned", "--from", metavar="VERSION|DIR",
                              help="The current release ('pinned': the project's pin)."),
    database_url: str | None = typer.Option(
        None, "--database-url", metavar="URL",
        help="A live database (read-only session): the pending set comes from its "
        "_prisma_migrations, and touched tables get their sizes.", show_default=False),
    rehearse: bool = typer.Option(
        False, "--rehearse",
        help="Apply the migrations to a throwaway database holding seeded rows, and check "
        "the rows survived."),
    server: str | None = typer.Option(
        None, "--server", metavar="URL",
        help="Where --rehearse creates its throwaway database (default: --database-url, "
        "$NEMOCTL_TEST_DATABASE_URL, else postgresql://127.0.0.1:5432/postgres).",
        show_default=False),
    rows: int | None = typer.Option(None, "--rows", min=0,
                                    help="Seeded rows per table (default: config, 20)."),
    table_rows: list[str] = typer.Option(
        [], "--table-rows", metavar="TABLE=N", help="Seeded rows for one table (repeatable)."),
    schema: str | None = typer.Option(
        None, "--schema", metavar="PATH|VERSION",
        help="The new schema to verify the rehearsed database against (default: --to's)."),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
    fail_on: Severity | None = typer.Option(
        None, "--fail-on", help="Exit 1 on findings at or above this severity (default: config)."),
) -> None:
    """List the migrations the upgrade adds, each statement's lock, and the named findings.

    Exit codes: 0 clean, 1 findings at/above --fail-on, 4 an unacknowledged ERR or a
    sacred field touched, 2 bad input or an unreachable database.
    """
    from nemoctl.cli._common import console
    from nemoctl.config import load_config
    from nemoctl.errors import BadInputError
    from nemoctl.migrations.gate import GateRequest, run_gate
    from nemoctl.render import migrations as render

    per_table: dict[str, int] = {}
    for item in table_rows:
        table, sep, count = item.partition("=")
        if not sep or not table or not count.isdigit():
            raise BadInputError(f"--table-rows {item!r}: expected TABLE=N")
        per_table[table] = int(count)
    config = load_config()
    threshold = (fail_on.value if fail_on else None) or config.fail_on
    report = run_gate(config, GateRequest(
        from_spec=from_, to_spec=to, database_url=database_url, rehearse=rehearse,
        server_url=server, rows=rows, table_rows=per_table, new_schema=schema))
    if output is OutputFormat.human:
        render.render_human(report, console())
    elif output is OutputFormat.json:
        typer.echo(render.to_json(report, fail_on=threshold), nl=False)
    elif output is OutputFormat.markdown:
        typer.echo(render.to_markdown(report), nl=False)
    else:
        typer.echo(render.to_github(report), nl=False)
    raise typer.Exit(int(report.exit_code(threshold)))
