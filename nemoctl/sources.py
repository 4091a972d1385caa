"""Turn a schema spec into a parsed schema: a version, a wheel file or a ``.prisma`` path.

    loaded = load_schema("1.102.4", config.upstream())      # fetched through pip's indexes
    loaded = load_schema("dist/litellm-1.102.4-…whl", up)   # read from the wheel, nothing extracted
    loaded = load_schema("schemas/schema.prisma", up)       # a file on disk

:func:`load_schemas` parses several specs with one node start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nemoctl.config import UpstreamConfig
from nemoctl.errors import BadInputError
from nemoctl.schema import Schema, parse_many

if TYPE_CHECKING:
    from nemoctl.upstream import FetchedWheel


@dataclass(frozen=True, slots=True)
class LoadedSchema:
    schema: Schema
    text: str
    #: How the spec is shown: ``litellm 1.102.4``, a wheel file name, a path.
    label: str
    #: The upstream version, when the spec was a version or a wheel.
    version: str | None = None
    wheel: FetchedWheel | None = None
    #: The file on disk, when the spec was a ``.prisma`` path.
    path: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "version": self.version,
            "path": str(self.path) if self.path else None,
            "wheel": self.wheel.to_dict() if self.wheel else None,
            "sha256": self.schema.sha256,
        }


@dataclass(frozen=True, slots=True)
class _Raw:
    text: str
    label: str
    source: str
    version: str | None
    wheel: FetchedWheel | None
    path: Path | None


def spec_kind(spec: str) -> str:
    """``wheel``, ``prisma`` or ``version``."""
    lowered = spec.strip().lower()
    if lowered.endswith(".whl"):
        return "wheel"
    if lowered.endswith(".prisma") or "/" in spec or "\\" in spec or _is_file(spec):
        return "prisma"
    return "version"


def _is_file(spec: str) -> bool:
    try:
        return Path(spec).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def load_schema(spec: str, upstream: UpstreamConfig) -> LoadedSchema:
    return load_schemas([spec], upstream)[0]


def load_schemas(specs: Sequence[str], upstream: UpstreamConfig) -> list[LoadedSchema]:
    """Load and parse every spec; parse errors name the spec's file (``file:line``)."""
    raws = [_read(spec, upstream) for spec in specs]
    schemas = parse_many([(raw.text, raw.source) for raw in raws])
    return [
        LoadedSchema(schema=s, text=raw.text, label=raw.label, version=raw.version,
                     wheel=raw.wheel, path=raw.path)
        for raw, s in zip(raws, schemas, strict=True)
    ]


def _read(spec: str, upstream: UpstreamConfig) -> _Raw:
    if not spec.strip():
        raise BadInputError("empty schema spec (expected a version, a .whl or a .prisma path)")
    kind = spec_kind(spec)
    if kind == "prisma":
        return _read_prisma(Path(spec))
    if kind == "wheel":
        return _read_wheel(Path(spec), upstream)
    return _read_version(spec, upstream)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError(f"{where} is not UTF-8 text") from None


def _read_prisma(path: Path) -> _Raw:
    if not path.exists():
        raise BadInputError(f"no such schema file: {path}",
                            hint="give a LiteLLM version (1.102.4), a .whl or a .prisma path")
    if not path.is_file():
        raise BadInputError(f"{path} is not a file")
    from nemoctl.schema.parser import check_size

    try:
        check_size(path.stat().st_size, str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}") from None
    return _Raw(_decode(data, str(path)), str(path), str(path), None, None, path)


def _read_wheel(path: Path, upstream: UpstreamConfig) -> _Raw:
    from nemoctl.upstream import FetchedWheel, read_member

    if not path.is_file():
        raise BadInputError(f"no such wheel: {path}")
    data = read_member(path, upstream.schema_path)
    source = f"{path.name}!{upstream.schema_path}"
    version = _wheel_version(path.name)
    wheel = FetchedWheel(path=path, filename=path.name, sha256=_sha256_file(path),
                         package=upstream.package, version=version or "", index_sha256=None)
    return _Raw(_decode(data, source), path.name, source, version, wheel, None)


def _wheel_version(filename: str) -> str | None:
    # name-version(-build)?-python-abi-platform.whl
    parts = filename[: -len(".whl")].split("-")
    return parts[1] if len(parts) >= 5 else None


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_version(spec: str, upstream: UpstreamConfig) -> _Raw:
    from nemoctl.upstream import fetch_schema, normalize_version

    version = normalize_version(spec)
    fetched = fetch_schema(upstream, version)
    source = f"{upstream.package}-{fetched.version}!{upstream.schema_path}"
    return _Raw(fetched.text, f"{upstream.package} {fetched.version}", source,
                fetched.version, fetched.wheel, None)
