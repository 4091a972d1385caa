"""``impact``'s other surfaces: which to run (``--surface``), their reports, the API map.

Kept out of ``cli/impact.py`` so that command only gains a call or two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

import typer

from nemoctl.cli._common import OutputFormat

if TYPE_CHECKING:
    from nemoctl.config import Config
    from nemoctl.findings import SurfaceReport


def _gate_names() -> list[str]:
    from nemoctl.surfaces import GATES

    return [g.name for g in GATES]


def chosen_surfaces(given: Sequence[str]) -> list[str]:
    """The surfaces ``--surface`` selects (all when none is given); validated first."""
    from nemoctl.errors import BadInputError

    known = ["schema", *_gate_names()]
    wanted = [name.strip().lower() for item in given for name in item.split(",")
              if name.strip()]
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise BadInputError(f"unknown surface {unknown[0]!r} (known: {', '.join(known)})")
    return wanted or known


def _version(spec: str | None) -> str | None:
    """A spec that names a release (not a .whl or .prisma file), normalised."""
    from packaging.version import InvalidVersion, Version

    if spec is None:
        return None
    try:
        return str(Version(spec))
    except InvalidVersion:
        return None


def run(config: Config, package: str, old: str | None, new: str | None,
        chosen: Sequence[str], list_all: bool) -> tuple[SurfaceReport, ...]:
    from nemoctl.findings import load_acknowledgements
    from nemoctl.findings.surface import SurfaceContext
    from nemoctl.pins import pinned_version
    from nemoctl.surfaces import run_gates

    names = [n for n in chosen if n != "schema"]
    if not names:
        return ()
    from nemoctl.errors import ConfigError
    from nemoctl.findings import SurfaceReport

    target = _version(new) if new is not None else None
    if new is not None and target is None:
        return tuple(SurfaceReport(surface=n, notes=(
            f"--to {new} is not a release version: the {n} surface is judged between "
            "releases only",)) for n in names)
    try:
        current = _version(old) or pinned_version(config.root, package)
    except ConfigError:
        current = None  # no pin: each gate says what it cannot judge without one
    ctx = SurfaceContext(root=config.root, config=config, current_version=current,
                         target_version=target, severities=config.rule_severities,
                         acknowledgements=load_acknowledgements(config.acknowledgements_file),
                         list_unused=list_all)
    return run_gates(ctx, only=names)


def surface_reports(config: Config, package: str, old: str | None, new: str | None,
                    chosen: Sequence[str], output: OutputFormat, threshold: str,
                    list_all: bool, *, exit: bool = False,
                    then: Callable[[tuple[SurfaceReport, ...]], NoReturn] | None = None,
                    ) -> None:
    """Run the chosen gates; hand the reports to ``then`` (the schema report's printer),
    or print them alone and exit (``exit``: the schema surface is not selected)."""
    reports = run(config, package, old, new, chosen, list_all)
    if then is not None:
        then(reports)
    if not exit:
        return
    from nemoctl.cli._common import console
    from nemoctl.render import apisurface as render

    if output is OutputFormat.json:
        import json

        data: dict[str, object] = {}
        if new is None and "api" in chosen:
            from nemoctl.apisurface.scan import scan_api

            data["api"] = render.map_to_dict(scan_api(config))
        data["surfaces"] = render.reports_to_dict(reports, threshold)
        typer.echo(json.dumps(data, indent=2))
        raise typer.Exit(max([0, *(int(r.exit_code(threshold)) for r in reports)]))
    if new is None and output is not OutputFormat.github:
        emit_api_map(config, chosen, output, "")
    if output is OutputFormat.markdown:
        typer.echo(render.reports_to_markdown(reports), nl=False)
    elif output is OutputFormat.github:
        typer.echo(render.reports_to_github(reports), nl=False)
    else:
        render.render_reports_human(reports, console())
    raise typer.Exit(max([0, *(int(r.exit_code(threshold)) for r in reports)]))


def emit_api_map(config: Config, chosen: Sequence[str], output: OutputFormat,
                 base: str) -> str:
    """The API map beside the schema usage map: printed (human, markdown) or merged
    into ``base`` (JSON, returned)."""
    if "api" not in chosen:
        return base
    from nemoctl.apisurface.scan import scan_api
    from nemoctl.cli._common import console
    from nemoctl.render import apisurface as render

    usage = scan_api(config)
    if output is OutputFormat.json:
        return render.merge_json(base or "{}", "api", render.map_to_dict(usage))
    if output is OutputFormat.markdown:
        typer.echo(render.map_to_markdown(usage), nl=False)
    elif output is OutputFormat.human:
        render.render_map_human(usage, console())
    return base
