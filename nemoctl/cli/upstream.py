"""`nemoctl upstream`: the upstream's published source, read-only."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    upstream_app = typer.Typer(
        name="upstream",
        help="The upstream's published releases, for reading (never for editing).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    upstream_app.command("source")(source_command)
    app.add_typer(upstream_app)


def source_command(
    version: str | None = typer.Argument(
        None, metavar="[VERSION]", help="Release to unpack (default: the pinned one)."),
    open_: bool = typer.Option(
        False, "--open", help="Print only the path (for `cd \"$(nemoctl upstream source "
        "--open)\"`)."),
    upstream: str = typer.Option("litellm", "--upstream", help="Configured upstream name."),
    project: Path | None = typer.Option(
        None, "--project", metavar="DIR", help="Project directory (default: search upwards)."),
) -> None:
    """Unpack the verified wheel of the pinned (or given) version into nemoctl's cache,
    read-only and outside any repository, and print its path.  Read and grep it there;
    change nothing in LiteLLM (docs/never-fork.md).  Exit codes: 0 printed; 2 bad input
    (no pin, an invalid version); 3 the version cannot be fetched; 7 the cache is unusable."""
    from nemoctl.config import UpstreamConfig, default_upstreams, find_project_root, load_config
    from nemoctl.errors import ConfigError
    from nemoctl.pins import pinned_version
    from nemoctl.provenance.reference import reference_copy
    from nemoctl.upstream import normalize_version

    root: Path | None
    try:
        root = find_project_root(project)
    except ConfigError:
        if project is not None or version is None:
            raise
        root = None
    upstreams = load_config(root).upstreams if root is not None else default_upstreams()
    spec: UpstreamConfig | None = upstreams.get(upstream)
    if spec is None:
        raise ConfigError(f"unknown upstream {upstream!r} (configured: "
                          f"{', '.join(sorted(upstreams)) or 'none'})")
    if version is not None:
        version = normalize_version(version)
    else:
        assert root is not None
        version = pinned_version(root, spec.package)
    copy = reference_copy(spec.package, version, project_root=root)
    if open_:
        typer.echo(str(copy.path))
        return
    typer.echo(f"{copy.package} {copy.version} (wheel sha256 {copy.wheel_sha256[:16]}…), "
               "read-only reference copy:")
    typer.echo(f"  {copy.path}")
    typer.echo("read and grep it; change nothing in LiteLLM: behaviour you need goes in "
               "your own code (docs/never-fork.md)")
