"""`nemoctl schema show|sacred`: a version's parsed schema, and sacred fields against it."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    schema_app = typer.Typer(name="schema", help="Show parsed schemas; check sacred fields.",
                             no_args_is_help=True)
    schema_app.command("show")(show_command)
    schema_app.command("sacred")(sacred_command)
    app.add_typer(schema_app)


def show_command(
    spec: str = typer.Argument(..., metavar="SPEC",
                               help="A LiteLLM version (1.102.4), a .whl or a .prisma path."),
    output: ShowFormat = typer.Option(ShowFormat.table, "--format", help="Output format."),
    model: str | None = typer.Option(None, "--model", metavar="NAME",
                                     help="Show one model's fields in detail."),
    supply_chain: bool = typer.Option(
        True, "--supply-chain/--no-supply-chain",
        help="For a version spec: include the supply-chain evaluation (JSON format)."),
    upstream_name: str = typer.Option("litellm", "--upstream", help="Configured upstream."),
) -> None:
    """Parse a schema with the official Prisma parser and show it.

    JSON keys: "schema" (models, enums, fields, indexes; see docs/diff.md), "source"
    (label, version, wheel, sha256) and, for versions, "supply_chain".
    Exit codes: 0 shown; 2 bad input or parse error (Prisma's message, file:line); 3 a
    version cannot be fetched.
    """
    from nemoctl.cli._common import console
    from nemoctl.cli.diff import project_config
    from nemoctl.errors import BadInputError
    from nemoctl.render import schema as render
    from nemoctl.sources import load_schema

    config = project_config()
    loaded = load_schema(spec, config.upstream(upstream_name))
    chosen = None
    if model is not None:
        chosen = loaded.schema.model(model)
        if chosen is None:
            raise BadInputError(f"no model {model!r} in {loaded.label}",
                                hint=_suggest(model, [m.name for m in loaded.schema.models]))
    if output is ShowFormat.json:
        data: dict[str, Any] = {"source": loaded.to_dict(), "schema": loaded.schema.to_dict()}
        if chosen is not None:
            data["schema"]["models"] = [m for m in data["schema"]["models"]
                                        if m["name"] == chosen.name]
        if supply_chain and loaded.version is not None and loaded.path is None:
            data["supply_chain"] = _supply_chain(config, loaded)
        typer.echo(json.dumps(data, indent=2))
        return
    if chosen is not None:
        render.render_model(chosen, console())
    else:
        render.render_overview(loaded.schema, loaded.label, console())


def sacred_command(
    spec: str | None = typer.Argument(
        None, metavar="[SPEC]", help="Schema to check (default: schemas/schema.prisma, "
        "else the pinned version)."),
    sacred_path: Path | None = typer.Option(None, "--sacred", metavar="FILE",
                                            help="Sacred fields file.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
    upstream_name: str = typer.Option("litellm", "--upstream", help="Configured upstream."),
) -> None:
    """Check every sacred field against one schema: it must exist with its expected type.

    Exit codes: 0 all present; 4 an entry is missing or of another type; 2 bad input.
    """
    from nemoctl.cli._common import console
    from nemoctl.cli.diff import default_from_spec, project_config, raise_bad
    from nemoctl.diff import check_sacred, load_sacred
    from nemoctl.errors import ExitCode
    from nemoctl.render import schema as render
    from nemoctl.sources import load_schema

    config = project_config()
    upstream = config.upstream(upstream_name)
    path = sacred_path or config.sacred_fields_file
    if not path.is_file():
        raise_bad(f"no sacred fields file: {path}")
    sacred = load_sacred(path)
    loaded = load_schema(spec or default_from_spec(config, upstream.package), upstream)
    statuses = check_sacred(loaded.schema, sacred)
    if as_json:
        typer.echo(json.dumps({"schema": loaded.to_dict(),
                               "sacred": [s.to_dict() for s in statuses]}, indent=2))
    else:
        render.render_sacred(statuses, loaded.label, console())
    if any(s.blocking for s in statuses):
        raise typer.Exit(int(ExitCode.BLOCKED))


def _supply_chain(config: Any, loaded: Any) -> dict[str, Any]:
    try:
        from nemoctl.supply_chain import evaluate
    except ImportError:
        return {"available": False}
    from nemoctl.errors import NemoctlError

    package = loaded.wheel.package if loaded.wheel else "litellm"
    try:
        report = evaluate(package, loaded.version, config, wheel=loaded.wheel)
    except NemoctlError as exc:
        return {"available": True, "error": exc.message}
    result: dict[str, Any] = report.to_dict()
    return result


def _suggest(name: str, names: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, names, n=3)
    return f"did you mean {', '.join(close)}?" if close else None
