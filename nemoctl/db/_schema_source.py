"""Which Prisma schema a database is compared with, and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from nemoctl.config import UpstreamConfig
from nemoctl.errors import BadInputError
from nemoctl.schema.model import Schema
from nemoctl.schema.parser import parse_file, parse_text


@dataclass(frozen=True, slots=True)
class SchemaSource:
    schema: Schema
    label: str


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def installed_schema(upstream: UpstreamConfig) -> SchemaSource:
    """The schema inside the installed upstream package (``litellm/proxy/schema.prisma``)."""
    try:
        dist = metadata.distribution(upstream.package)
    except metadata.PackageNotFoundError:
        raise BadInputError(f"{upstream.package} is not installed; pass --schema") from None
    path = Path(str(dist.locate_file(upstream.schema_path)))
    if not path.is_file():
        raise BadInputError(f"{upstream.package} {dist.version} has no {upstream.schema_path}")
    return SchemaSource(parse_file(path), f"{upstream.package} {dist.version} (installed)")


def schema_for_version(upstream: UpstreamConfig, version: str) -> SchemaSource:
    """The schema a release ships: the installed copy when it is that release, else fetched."""
    if installed_version(upstream.package) == version:
        return installed_schema(upstream)
    from nemoctl.upstream import fetch_schema

    fetched = fetch_schema(upstream, version)
    label = f"{upstream.package} {version}"
    return SchemaSource(parse_text(fetched.text, source=f"{label}:{upstream.schema_path}"), label)


def schema_from_spec(spec: str, upstream: UpstreamConfig) -> SchemaSource:
    """``--schema``: a ``.prisma`` file or a release version."""
    path = Path(spec)
    if spec.endswith(".prisma") or path.exists():
        if not path.is_file():
            raise BadInputError(f"{spec}: no such schema file")
        return SchemaSource(parse_file(path), str(path))
    return schema_for_version(upstream, spec)


def snapshot_or_installed(
    schemas_dir: Path, upstream: UpstreamConfig, root: Path | None = None
) -> SchemaSource:
    """The project's pinned snapshot (``schemas/schema.prisma``), else the installed one."""
    snapshot = schemas_dir / "schema.prisma"
    if snapshot.is_file():
        # Relative to the project when possible: reports stay the same on every machine.
        label = snapshot.relative_to(root) if root and snapshot.is_relative_to(root) else snapshot
        return SchemaSource(parse_file(snapshot), str(label))
    return installed_schema(upstream)
