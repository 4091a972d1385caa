"""``generate``: bring the committed schema snapshot and generated code up to date.

The fast path needs neither the network nor the generators: when ``schemas/lock.json``
names the pinned version and the current generator versions, and every generated
file still hashes as the lock recorded, there is nothing to do.  Otherwise the schema
comes from the committed snapshot (when it matches the lock's sha256 and the pin) or
from the upstream wheel, everything is re-rendered and then written or compared.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nemoctl._atomic import write_atomic, write_target
from nemoctl.codegen.lock import LOCK_PATH, Lock, current_generators, read_lock, sha256_bytes
from nemoctl.codegen.render import (
    SCHEMA_PATH,
    cached_render_outputs,
    generated_dirs,
    output_paths,
)
from nemoctl.config import Config, UpstreamConfig
from nemoctl.pins import pinned_version

ChangeKind = Literal["added", "modified", "deleted"]
SchemaSource = Literal["none", "snapshot", "upstream"]


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    kind: ChangeKind

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """What ``generate`` found and did.  ``changes`` are relative to the project root."""

    version: str
    schema_sha256: str | None
    check: bool
    #: True when the lock and hashes proved everything current without rendering.
    noop: bool
    #: Where the schema text came from when rendering was needed.
    schema_source: SchemaSource
    changes: tuple[FileChange, ...] = ()
    diff: str = ""
    duration_s: float = 0.0
    generators: dict[str, str] = field(default_factory=dict)
    #: Things the user should know about the output (e.g. sacred fields whose
    #: TypeScript type the ``bigint`` option changes).
    notes: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        return bool(self.changes)

    @property
    def written(self) -> bool:
        return not self.check and bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "schema_sha256": self.schema_sha256,
            "check": self.check,
            "noop": self.noop,
            "stale": self.stale,
            "written": self.written,
            "schema_source": self.schema_source,
            "changes": [c.to_dict() for c in self.changes],
            "diff": self.diff,
            "duration_s": round(self.duration_s, 3),
            "generators": dict(self.generators),
            "notes": list(self.notes),
        }


def generate(
    config: Config, *, check: bool = False, refetch: bool = False, upstream: str = "litellm"
) -> GenerateResult:
    """Write (or with ``check``, only compare) the outputs for the pinned upstream version.

    ``refetch`` ignores the committed snapshot and reads the schema from the upstream
    wheel, so the snapshot itself is verified against the release.
    """
    started = time.perf_counter()
    up = config.upstream(upstream)
    version = pinned_version(config.root, up.package)
    lock = read_lock(output_path(config, LOCK_PATH))
    generators = current_generators()

    current = lock is not None and _is_current(config, lock, up.package, version, generators)
    if current and not refetch and lock is not None:
        notes: tuple[str, ...] = ()
        if config.codegen.bigint != "number":
            notes = _notes(config, output_path(config, SCHEMA_PATH).read_text(encoding="utf-8"))
        return GenerateResult(
            version=version,
            schema_sha256=lock.schema_sha256,
            check=check,
            noop=True,
            schema_source="none",
            duration_s=time.perf_counter() - started,
            generators=generators,
            notes=notes,
        )

    text, wheel_sha256, source = _schema_text(config, lock, up, version, refetch=refetch)
    outputs = cached_render_outputs(
        text,
        upstream_version=version,
        wheel_sha256=wheel_sha256,
        upstream=up.name,
        package=up.package,
        options=config.codegen,
    )
    changes, diff = compare_outputs(config, outputs)
    if not check:
        write_outputs(config, outputs, changes)
    return GenerateResult(
        version=version,
        schema_sha256=sha256_bytes(text.encode("utf-8")),
        check=check,
        noop=False,
        schema_source=source,
        changes=changes,
        diff=diff,
        duration_s=time.perf_counter() - started,
        generators=generators,
        notes=_notes(config, text),
    )


def _notes(config: Config, schema_text: str) -> tuple[str, ...]:
    """Name the sacred fields whose TypeScript type the ``bigint`` option changes."""
    mapping = config.codegen.bigint
    if mapping == "number" or not config.sacred_fields_file.is_file():
        return ()
    from nemoctl.diff import load_sacred
    from nemoctl.schema.parser import parse_text

    schema = parse_text(schema_text, source=_display(config, output_path(config, SCHEMA_PATH)))
    notes = []
    for entry in load_sacred(config.sacred_fields_file).fields:
        model = schema.model(entry.model)
        f = model.field(entry.field) if model is not None else None
        if f is not None and f.type == "BigInt":
            notes.append(
                f"sacred field {entry.model}.{entry.field} ({f.prisma_type}) is `{mapping}` "
                f"in TypeScript, not `number` (bigint = {mapping!r}); its readers must expect it"
            )
    return tuple(notes)


def output_path(config: Config, rel: str) -> Path:
    """Where a ``render_outputs`` path lives in the project (schemas-dir, generated-dir)."""
    top, _, rest = rel.partition("/")
    base = {"schemas": config.schemas_dir, "generated": config.generated_dir}[top]
    return base / rest


def _display(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _is_current(
    config: Config, lock: Lock, package: str, version: str, generators: dict[str, str]
) -> bool:
    if (lock.package, lock.version, lock.generators) != (package, version, generators):
        return False
    if lock.options != config.codegen.to_dict():
        return False  # [tool.nemoctl.generate] changed since the outputs were rendered
    if output_path(config, LOCK_PATH).read_bytes() != lock.dumps():
        return False  # hand-edited or from another nemoctl: re-render to be sure
    expected = set(lock.outputs)
    # Only nemoctl's own paths: a lock naming anything else is not trusted (or read).
    if expected != set(output_paths(config.codegen)) or _stray_files(config, expected):
        return False
    for rel, digest in lock.outputs.items():
        try:
            if sha256_bytes(output_path(config, rel).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return lock.outputs[SCHEMA_PATH] == lock.schema_sha256


def _stray_files(config: Config, expected: set[str]) -> list[str]:
    stray: list[str] = []
    for rel_dir in (*generated_dirs(config.codegen), *_renamed_packages(config)):
        directory = output_path(config, rel_dir)
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            rel = f"{rel_dir}/{path.relative_to(directory).as_posix()}"
            if rel not in expected:
                stray.append(rel)
    return stray


def _renamed_packages(config: Config) -> list[str]:
    """Packages nemoctl generated under an earlier ``python-package`` name (now stale)."""
    base = output_path(config, "generated/python")
    current = config.codegen.python_package
    found = []
    for init in sorted(base.glob("*/__init__.py")):
        if init.parent.name == current:
            continue
        try:
            with init.open("rb") as fh:
                head = fh.read(64)
        except OSError:
            continue
        if head.startswith(b"# Generated by `nemoctl generate`"):
            found.append(f"generated/python/{init.parent.name}")
    return found


def _schema_text(
    config: Config, lock: Lock | None, up: UpstreamConfig, version: str, *, refetch: bool
) -> tuple[str, str | None, SchemaSource]:
    if not refetch and lock is not None and lock.version == version:
        snapshot = output_path(config, SCHEMA_PATH)
        try:
            data = snapshot.read_bytes()
        except OSError:
            data = None
        if data is not None and sha256_bytes(data) == lock.schema_sha256:
            return data.decode("utf-8"), lock.wheel_sha256, "snapshot"
    from nemoctl.upstream import fetch_schema

    fetched = fetch_schema(up, version)
    return fetched.text, fetched.wheel.sha256, "upstream"


def compare_outputs(
    config: Config, outputs: dict[str, bytes]
) -> tuple[tuple[FileChange, ...], str]:
    """What writing ``outputs`` would change (incl. stale files to delete), and a unified diff."""
    changes: list[FileChange] = []
    diffs: list[str] = []
    for rel, new in outputs.items():
        path = output_path(config, rel)
        try:
            old: bytes | None = path.read_bytes()
        except OSError:
            old = None
        if old == new:
            continue
        shown = _display(config, path)
        changes.append(FileChange(shown, "added" if old is None else "modified"))
        diffs.append(_unified(shown, old, new))
    for rel in _stray_files(config, set(outputs)):
        path = output_path(config, rel)
        shown = _display(config, path)
        changes.append(FileChange(shown, "deleted"))
        diffs.append(_unified(shown, path.read_bytes(), None))
    return tuple(changes), "".join(diffs)


def _unified(shown: str, old: bytes | None, new: bytes | None) -> str:
    def lines(data: bytes | None) -> list[str]:
        return [] if data is None else data.decode("utf-8", "replace").splitlines(keepends=True)

    text = "".join(
        difflib.unified_diff(
            lines(old),
            lines(new),
            fromfile="/dev/null" if old is None else f"a/{shown}",
            tofile="/dev/null" if new is None else f"b/{shown}",
        )
    )
    return text if text.endswith("\n") or not text else text + "\n\\ No newline at end of file\n"


def write_outputs(
    config: Config, outputs: dict[str, bytes], changes: tuple[FileChange, ...]
) -> None:
    """Apply ``changes`` (from :func:`compare_outputs`): atomic per file, the lock last."""
    changed = {c.path for c in changes}
    for rel in outputs:  # the link rule for every target first: refused before any write
        if _display(config, output_path(config, rel)) in changed:
            write_target(output_path(config, rel), config.root)
    # The lock goes last: an interrupted run leaves a lock that does not match, so the
    # next run re-renders instead of trusting half-written outputs.
    for rel in sorted(outputs, key=lambda r: r == LOCK_PATH):
        path = output_path(config, rel)
        if _display(config, path) in changed:
            _write_atomic(path, outputs[rel], config.root)
    for change in changes:
        if change.kind == "deleted":
            path = config.root / change.path
            path.unlink(missing_ok=True)
            _prune_empty(path.parent, config.generated_dir)


def _prune_empty(directory: Path, stop: Path) -> None:
    """Remove directories emptied by deletions (a renamed package), up to ``stop``."""
    import shutil

    while directory != stop and directory.is_relative_to(stop):
        try:
            entries = list(directory.iterdir())
        except OSError:
            return
        if any(e.name != "__pycache__" for e in entries):
            return
        # Only bytecode of the deleted modules is left.
        for cache in entries:
            shutil.rmtree(cache, ignore_errors=True)
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _write_atomic(path: Path, data: bytes, root: Path) -> None:
    # Not tempfile.mkstemp: its 0600 mode would survive the rename (issue 12).  The
    # link rule (docs/security.md): never through a link that leaves the project.
    write_atomic(path, data, root=root)
