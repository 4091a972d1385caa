"""`nemoctl db verify`: compare a live database, or LiteLLM's migrations, with the schema."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from nemoctl.cli._common import OutputFormat, Severity

#: Where ``--migrations`` creates its throwaway database when no server is given.
DEFAULT_SERVER_URL = "postgresql://127.0.0.1:5432/postgres"


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(
        name="db", help="Check a PostgreSQL database against the pinned schema.",
        no_args_is_help=True,
    )
    db_app.command("verify")(verify_command)
    app.add_typer(db_app)


def verify_command(
    database_url: str | None = typer.Option(
        None, "--database-url", metavar="URL",
        help="postgresql:// URL of the database to verify (default: $DATABASE_URL). With "
        "--migrations: the server to create the throwaway database on.",
        show_default=False,
    ),
    migrations: str | None = typer.Option(
        None, "--migrations", metavar="VERSION",
        help="Build a throwaway database from the SQL migrations shipped with "
        "litellm[proxy]==VERSION ('pinned': the project's pin) and verify it.",
    ),
    migrations_dir: Path | None = typer.Option(
        None, "--migrations-dir", metavar="DIR",
        help="Like --migrations, from a local directory of <name>/migration.sql folders.",
    ),
    schema: str | None = typer.Option(
        None, "--schema", metavar="PATH|VERSION",
        help="Schema to compare with (default: schemas/schema.prisma; with --migrations, that "
        "release's schema).",
    ),
    output: OutputFormat = typer.Option(OutputFormat.human, "--format", help="Output format."),
    fail_on: Severity | None = typer.Option(
        None, "--fail-on", help="Exit 1 on findings at or above this severity (default: config)."
    ),
) -> None:
    """Verify tables, columns, types and nullability; sacred fields first.

    Exit codes: 0 clean, 1 findings at/above --fail-on, 4 a sacred field is missing or
    incompatible (or a migration fails to apply), 2 bad input or an unreachable database.
    """
    from nemoctl.cli._common import console
    from nemoctl.config import load_config
    from nemoctl.db import (
        installed_migrations,
        migrations_for,
        migrations_from_dir,
        parse_url,
        verify_database,
        verify_migrations,
    )
    from nemoctl.db._sacred import load_sacred_keys
    from nemoctl.db._schema_source import (
        schema_for_version,
        schema_from_spec,
        snapshot_or_installed,
    )
    from nemoctl.errors import BadInputError
    from nemoctl.render import db as render

    if migrations and migrations_dir:
        raise BadInputError("give --migrations or --migrations-dir, not both")
    config = load_config()
    upstream = config.upstream()
    sacred = load_sacred_keys(config.sacred_fields_file)
    threshold = (fail_on.value if fail_on else None) or config.fail_on

    if migrations or migrations_dir:
        server = parse_url(database_url or os.environ.get("NEMOCTL_TEST_DATABASE_URL")
                           or DEFAULT_SERVER_URL)
        if migrations_dir is not None:
            found = migrations_from_dir(migrations_dir)
            source = (schema_from_spec(schema, upstream) if schema
                      else snapshot_or_installed(config.schemas_dir, upstream, config.root))
        else:
            assert migrations is not None
            version = _resolve_version(migrations, config.root, upstream.package)
            found = migrations_for(version) if version else installed_migrations()
            source = (schema_from_spec(schema, upstream) if schema
                      else schema_for_version(upstream, version))
        run = verify_migrations(server, found, source.schema, schema_source=source.label,
                                sacred=sacred)
    else:
        url = database_url or os.environ.get("DATABASE_URL")
        if not url:
            raise BadInputError(
                "no database to verify",
                hint="pass --database-url postgresql://... (or set DATABASE_URL), "
                "or --migrations VERSION to check a release's migrations",
            )
        source = (schema_from_spec(schema, upstream) if schema
                  else snapshot_or_installed(config.schemas_dir, upstream, config.root))
        run = verify_database(parse_url(url), source.schema, schema_source=source.label,
                              sacred=sacred)

    report = run.report
    if output is OutputFormat.human:
        render.render_human(report, console())
    else:
        text = {
            OutputFormat.markdown: render.to_markdown,
            OutputFormat.json: render.to_json,
            OutputFormat.github: render.to_github,
        }[output](report)
        typer.echo(text, nl=False)
    raise typer.Exit(int(report.exit_code(threshold)))


def _resolve_version(spec: str, root: Path, package: str) -> str:
    from nemoctl.pins import pinned_version
    from nemoctl.upstream import normalize_version

    if spec == "pinned":
        return pinned_version(root, package)
    return normalize_version(spec)
