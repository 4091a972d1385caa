"""`nemoctl rules [explain ID]`: every rule of every surface, from the one registry."""

from __future__ import annotations

from enum import StrEnum

import typer


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    rules_app = typer.Typer(name="rules", help="List and explain every rule nemoctl checks.",
                            invoke_without_command=True)
    rules_app.callback(invoke_without_command=True)(list_command)
    rules_app.command("explain")(explain_command)
    app.add_typer(rules_app)


def list_command(
    ctx: typer.Context,
    output: RulesFormat = typer.Option(RulesFormat.text, "--format",
                                       help="text, json, or markdown (docs/rules.md)."),
    surface: str | None = typer.Option(None, "--surface", metavar="NAME",
                                       help="Only this surface's rules."),
) -> None:
    """List every rule: ID, surface, severity in effect, summary.

    Exit codes: 0 listed; 2 unknown surface or a malformed [tool.nemoctl.rules].
    """
    if ctx.invoked_subcommand is not None:
        return
    from nemoctl.errors import BadInputError
    from nemoctl.findings.catalogue import load_all
    from nemoctl.findings.spec import SURFACES
    from nemoctl.render import rules as render

    if surface is not None and surface not in SURFACES:
        raise BadInputError(f"unknown surface {surface[:40]!r} (one of {', '.join(SURFACES)})")
    specs = [s for s in load_all() if surface is None or s.surface == surface]
    if output is RulesFormat.markdown:
        typer.echo(render.markdown(specs), nl=False)
        return
    effective = _effective()
    text = render.as_json(specs, effective) if output is RulesFormat.json \
        else render.listing(specs, effective)
    typer.echo(text, nl=False)


def explain_command(rule_id: str = typer.Argument(..., metavar="ID",
                                                  help="A rule ID, e.g. COLUMN_DROPPED.")
                    ) -> None:
    """Explain one rule: what it checks, why it matters, what to do, an example.

    Exit codes: 0 explained; 2 no such rule.
    """
    from difflib import get_close_matches

    from nemoctl.errors import BadInputError
    from nemoctl.findings.catalogue import load_all
    from nemoctl.findings.spec import get_rule
    from nemoctl.render import rules as render

    specs = load_all()
    spec = get_rule(rule_id.strip().upper())
    if spec is None:
        near = get_close_matches(rule_id.upper(), [s.id for s in specs], n=3)
        raise BadInputError(f"no rule {rule_id[:60]!r}",
                            hint=("did you mean " + ", ".join(near) + "?") if near
                            else "`nemoctl rules` lists them")
    typer.echo(render.explain(spec, _effective().get(spec.id)), nl=False)


def _effective() -> dict[str, str]:
    """Severities in effect in the project here (``[tool.nemoctl.rules]``), if any."""
    from nemoctl.cli.diff import project_config

    return dict(project_config().rule_severities)
