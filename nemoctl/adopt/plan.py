"""``nemoctl init``: plan every file adoption needs, then write them all or none.

The plan is computed completely before anything is written: the ``[tool.nemoctl]``
table (appended to ``pyproject.toml``, or a minimal ``pyproject.toml`` created), the
schema snapshot and generated files for the *pinned* version, a seeded
``sacred_fields.toml``, a commented ``acknowledged.toml``, the ``.gitignore`` entry and,
with ``ci="github"``, dependabot and the two workflows.  Each file is one of:

- ``create`` / ``update`` -- written;
- ``unchanged`` -- already byte-identical (a second ``init`` is all ``unchanged``);
- ``kept`` -- the user's own (an existing ``[tool.nemoctl]``, sacred fields or
  acknowledgements): never rewritten, not even with ``force``;
- ``conflict`` -- exists with other bytes: ``init`` writes nothing and exits 2, unless
  ``force`` (then it becomes ``update``).

All or nothing (docs/init.md): the plan is made under the repository lock; every path
it would write is checked for its kind (a file where a directory is needed, a
directory, FIFO or outside link where a file is written: exit 2) and every existing
file it keeps or extends is parsed and validated, before the first write.  The writes
then go through the upgrade's journaled :class:`~nemoctl.transaction.Transaction`,
so a failure or an interrupt restores the tree byte for byte.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomlkit

from nemoctl._atomic import describe_kind, write_target
from nemoctl._limits import loads_toml
from nemoctl.adopt.detect import Detection, detect_project
from nemoctl.adopt.seed import ACKNOWLEDGED, render_sacred, seed_sacred
from nemoctl.adopt.workflows import WorkflowContext, github_files
from nemoctl.config import (
    DEFAULT_SCHEMA_PATH,
    Config,
    UpstreamConfig,
    default_upstreams,
    load_config,
    read_text,
)
from nemoctl.errors import BadInputError, ConfigError, InitConflictError
from nemoctl.provenance.refuse import refuse_adoption

Action = Literal["create", "update", "unchanged", "kept", "conflict"]
CI_PROVIDERS = ("github", "renovate")
GITIGNORE_ENTRY = ".nemoctl/"


@dataclass(frozen=True, slots=True)
class PlannedFile:
    #: Relative to the project root (``.github`` files: may start with ``../``).
    path: str
    action: Action
    note: str = ""
    data: bytes | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "action": self.action, "note": self.note}


@dataclass(frozen=True, slots=True)
class InitResult:
    detection: Detection
    files: tuple[PlannedFile, ...]
    dry_run: bool
    #: True when ``init`` created ``pyproject.toml`` (a requirements-only project).
    created_pyproject: bool
    #: Sacred seed entries written (0 when the file was kept).
    sacred_seeded: int
    warnings: tuple[str, ...] = ()
    next_commands: tuple[str, ...] = ()

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files if f.action in ("create", "update"))

    @property
    def nothing_to_do(self) -> bool:
        return not self.written

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.detection.to_dict(),
            "dry_run": self.dry_run,
            "created_pyproject": self.created_pyproject,
            "sacred_seeded": self.sacred_seeded,
            "files": [f.to_dict() for f in self.files],
            "written": list(self.written),
            "nothing_to_do": self.nothing_to_do,
            "warnings": list(self.warnings),
            "next": list(self.next_commands),
        }


def _table_text(detection: Detection) -> str:
    extras = ", ".join(f'"{e}"' for e in detection.extras)
    coupled = '["litellm-proxy-extras"]' if (
        "proxy" in detection.extras
        or any(p.package == "litellm-proxy-extras" for p in detection.pins)
    ) else "[]"
    return (
        "# nemoctl: safe, atomic LiteLLM upgrades (written by `nemoctl init`; see nemoctl's\n"
        "# docs/config.md).  The pins above are moved only by `nemoctl upgrade`.\n"
        "[tool.nemoctl]\n"
        'schemas-dir = "schemas"\n'
        'generated-dir = "generated"\n'
        'minimum-release-age = "3 days"\n'
        "\n"
        f"[tool.nemoctl.upstreams.{detection.package}]\n"
        f'package = "{detection.package}"\n'
        f"extras = [{extras}]\n"
        f'schema-path = "{DEFAULT_SCHEMA_PATH}"\n'
        f"coupled = {coupled}\n"
    )


MINIMAL_PYPROJECT_HEAD = (
    "# Created by `nemoctl init`: this project pins its dependencies in requirements\n"
    "# files; this file only holds nemoctl's settings.  It has no [project] table, so no\n"
    "# tool builds or installs anything from it.\n"
    "\n"
)


def _pyproject(root: Path, detection: Detection) -> tuple[PlannedFile, bool]:
    """The pyproject.toml action, and whether ``[tool.nemoctl]`` already existed."""
    path = root / "pyproject.toml"
    if not os.path.lexists(path):
        data = (MINIMAL_PYPROJECT_HEAD + _table_text(detection)).encode()
        return PlannedFile("pyproject.toml", "create", "holds only [tool.nemoctl]",
                           data), False
    if not path.is_file():  # a directory, FIFO, dangling link: refused by _check_paths
        return PlannedFile("pyproject.toml", "update", "added [tool.nemoctl]", b""), False
    original = read_text(path)
    try:
        doc = tomlkit.parse(original)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    tool = doc.get("tool")
    if isinstance(tool, dict) and "nemoctl" in tool:
        return PlannedFile("pyproject.toml", "kept", "[tool.nemoctl] exists: yours"), True
    updated = append_nemoctl_table(original, _table_text(detection), source=str(path))
    return PlannedFile("pyproject.toml", "update", "added [tool.nemoctl]",
                       updated.encode()), False


def append_nemoctl_table(original: str, table: str, *, source: str = "pyproject.toml") -> str:
    """``original`` + ``table``: every byte above stays as it was.

    Appended as text rather than through tomlkit's document model, so comments,
    whitespace and key order above are untouched by construction; parsed back to prove
    the result is valid TOML with ``[tool.nemoctl]`` where nemoctl reads it.
    """
    sep = "" if not original or original.endswith("\n\n") else (
        "\n" if original.endswith("\n") else "\n\n")
    updated = original + sep + table
    try:
        parsed = loads_toml(updated)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"cannot append [tool.nemoctl] to {source}: {exc}",
            hint="add the table by hand (see docs/config.md), then run nemoctl init again",
        ) from None
    tool = parsed.get("tool", {})
    if not isinstance(tool, dict) or "nemoctl" not in tool:
        raise ConfigError(f"cannot add [tool.nemoctl] to {source}")
    return updated


def _config(root: Path, detection: Detection, table_exists: bool) -> Config:
    if table_exists:
        return load_config(root)
    upstreams = default_upstreams()
    base = upstreams.get(detection.package) or UpstreamConfig(detection.package,
                                                               detection.package)
    coupled = ("litellm-proxy-extras",) if (
        "proxy" in detection.extras
        or any(p.package == "litellm-proxy-extras" for p in detection.pins)
    ) else ()
    up = UpstreamConfig(base.name, base.package, detection.extras, base.schema_path, coupled)
    return Config(root=root, schemas_dir=root / "schemas", generated_dir=root / "generated",
                  upstreams={up.name: up}, minimum_release_age="3 days")


def _compare(root: Path, rel: str, data: bytes, note: str = "") -> PlannedFile:
    path = root / rel
    if not path.exists():
        return PlannedFile(rel, "create", note, data)
    if not path.is_file():  # refused by _check_paths, with its kind
        return PlannedFile(rel, "conflict", "not a regular file", data)
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}") from None
    if current == data:
        return PlannedFile(rel, "unchanged", note)
    return PlannedFile(rel, "conflict", "exists and differs", data)


def _user_file(root: Path, rel: str, data: bytes, note: str) -> PlannedFile:
    path = root / rel
    if path.is_file():
        return PlannedFile(rel, "kept", "exists: yours, never overwritten")
    if os.path.lexists(path):  # a directory, FIFO, dangling link: refused by _check_paths
        return PlannedFile(rel, "conflict", "not a regular file", data)
    return PlannedFile(rel, "create", note, data)


def _validate_kept(config: Config, files: list[PlannedFile]) -> None:
    """A sacred-fields or acknowledgements file init keeps must be valid (else exit 2).

    init promises a protected project; keeping a file every later command rejects
    would report success on a repository that cannot be upgraded.
    """
    from nemoctl.diff.sacred import load_sacred
    from nemoctl.findings import load_acknowledgements

    kept = {f.path for f in files if f.action == "kept"}
    if _rel_dir(config, config.sacred_fields_file) in kept:
        load_sacred(config.sacred_fields_file)
    if _rel_dir(config, config.acknowledgements_file) in kept:
        load_acknowledgements(config.acknowledgements_file)


def _gitignore(root: Path) -> PlannedFile:
    path = root / ".gitignore"
    if not os.path.lexists(path):
        return PlannedFile(".gitignore", "create", f"ignores {GITIGNORE_ENTRY}",
                           f"# nemoctl's upgrade journal and lock\n{GITIGNORE_ENTRY}\n".encode())
    if not path.is_file():  # refused by _check_paths
        return PlannedFile(".gitignore", "update", f"added {GITIGNORE_ENTRY}", b"")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    # Bytes, not text: a .gitignore in another encoding keeps every byte it had.
    entries = {line.strip() for line in raw.splitlines()}
    if entries & {b".nemoctl", b".nemoctl/", b"/.nemoctl", b"/.nemoctl/"}:
        return PlannedFile(".gitignore", "unchanged", f"already ignores {GITIGNORE_ENTRY}")
    sep = b"" if raw.endswith(b"\n") or not raw else b"\n"
    data = raw + sep + f"\n# nemoctl's upgrade journal and lock\n{GITIGNORE_ENTRY}\n".encode()
    return PlannedFile(".gitignore", "update", f"added {GITIGNORE_ENTRY}", data)


def _check_paths(root: Path, boundary: Path, files: tuple[PlannedFile, ...]) -> None:
    """Every path init would write must be writable as a regular file: else exit 2.

    Checked for the whole plan before the first write, and reported together: a file
    where a directory is needed (``schemas`` a file, ``.github/workflows`` a file), a
    directory, FIFO or device where a file is written, a link leaving the project.
    """
    problems: list[str] = []
    for planned in files:
        if planned.action not in ("create", "update", "conflict"):
            continue
        full = Path(os.path.normpath(root / planned.path))
        for parent in reversed(full.parents):
            if parent == boundary or boundary not in parent.parents:
                continue
            if os.path.lexists(parent) and not parent.is_dir():
                kind = describe_kind(parent.lstat().st_mode)
                problems.append(f"{_show(root, parent)} is {kind}, but init writes "
                                "files inside it")
                break
        else:
            try:
                write_target(full, boundary)
            except BadInputError as exc:  # shown relative to the project: shorter
                problems.append(exc.message.replace(f"{root}{os.sep}", ""))
    if problems:
        raise BadInputError(
            "init cannot write every file it plans: " + "; ".join(dict.fromkeys(problems))
            + "; nothing was written",
            hint="move those paths out of the way (or replace the link with a regular file), "
            "then run nemoctl init again",
        )


def _show(root: Path, path: Path) -> str:
    return os.path.relpath(path, root)


def _git_root(root: Path) -> Path | None:
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root,
                          capture_output=True, text=True, check=False)
    return Path(proc.stdout.strip()).resolve() if proc.returncode == 0 else None


def _rel_dir(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        raise ConfigError(f"{path} is outside the project {config.root}") from None


def _ci_files(root: Path, config: Config, detection: Detection, ci: str) -> list[PlannedFile]:
    from nemoctl import __version__
    from nemoctl.adopt import renovate

    repo_root = _git_root(root) or root
    project_dir = root.relative_to(repo_root).as_posix() if root != repo_root else ""
    ctx = WorkflowContext(detection, __version__, project_dir,
                          _rel_dir(config, config.schemas_dir),
                          _rel_dir(config, config.generated_dir),
                          renovate.updater_for(repo_root, ci))
    planned = []
    for rel_to_repo, text in github_files(ctx).items():
        rel = os.path.relpath(repo_root / rel_to_repo, root)
        planned.append(_compare(root, Path(rel).as_posix(), text.encode(),
                                f"for a {detection.kind} project"))
    if ctx.updater == "renovate":
        r = renovate.plan_for_project(repo_root, minimum_release_age=config.minimum_release_age,
                                      pin_texts=[p.text for p in detection.pins])
        planned.append(PlannedFile(Path(os.path.relpath(repo_root / r.path, root)).as_posix(),
                                   r.action, r.note, r.data))
    return planned


def plan_init(
    root: Path, *, ci: str | None = None, package: str = "litellm"
) -> tuple[InitResult, Config]:
    """Detect the project and compute every file; writes nothing."""
    if ci is not None and ci not in CI_PROVIDERS:
        raise BadInputError(f"--ci must be one of {', '.join(CI_PROVIDERS)}, not {ci!r}")
    root = root.resolve()
    if not root.is_dir():
        raise BadInputError(f"{root} is not a directory")
    refuse_adoption(root)  # LiteLLM from anywhere but the index: adopt nothing
    detection = detect_project(root, package)
    pyproject, table_exists = _pyproject(root, detection)
    config = _config(root, detection, table_exists)
    upstream = config.upstream(package) if package in config.upstreams else next(
        iter(config.upstreams.values()))

    from nemoctl.codegen import cached_render_outputs, output_path
    from nemoctl.schema.parser import parse_text
    from nemoctl.upstream import fetch_schema

    fetched = fetch_schema(upstream, detection.version)
    # Cached: a second `nemoctl init` (nothing to write) should not render again.
    outputs = cached_render_outputs(fetched.text, upstream_version=detection.version,
                                    wheel_sha256=fetched.wheel.sha256, upstream=upstream.name,
                                    package=upstream.package, options=config.codegen)
    files = [pyproject]
    for rel, data in outputs.items():
        files.append(_compare(root, _rel_dir(config, output_path(config, rel)), data,
                              f"{upstream.package} {detection.version}"))
    seed = seed_sacred(parse_text(fetched.text, source=f"{upstream.package} "
                                  f"{detection.version}"))
    sacred_rel = _rel_dir(config, config.sacred_fields_file)
    sacred = _user_file(root, sacred_rel,
                        render_sacred(seed, package=upstream.package,
                                      version=detection.version).encode(),
                        f"{len(seed.entries)} billing field(s) from the pinned schema")
    files.append(sacred)
    files.append(_user_file(root, _rel_dir(config, config.acknowledgements_file),
                            ACKNOWLEDGED.encode(), "empty, commented"))
    files.append(_gitignore(root))
    if ci is not None:
        files += _ci_files(root, config, detection, ci)
    _validate_kept(config, files)
    _check_paths(root, _boundary(root, files), tuple(files))

    warnings = []
    seeded = len(seed.entries) if sacred.action == "create" else 0
    if sacred.action == "create" and not seed.entries:
        warnings.append(
            f"none of the billing fields exists in {upstream.package} {detection.version}: "
            f"add your own entries to {sacred_rel} (until then upgrade/ci/check refuse)"
        )
    if detection.kind == "pep621":
        warnings.append("no lockfile: only the pins in pyproject.toml will move")
    result = InitResult(
        detection=detection,
        files=tuple(files),
        dry_run=True,
        created_pyproject=pyproject.action == "create",
        sacred_seeded=seeded,
        warnings=tuple(warnings),
        next_commands=_next_commands(root, files, upstream.name),
    )
    return result, config


def _next_commands(root: Path, files: list[PlannedFile], upstream: str) -> tuple[str, ...]:
    commands = []
    if any(f.action in ("create", "update") for f in files):
        commands.append(f"review {next((f.path for f in files if 'sacred' in f.path), '')}"
                        " (owners, reasons, your own columns)")
        commands.append('git add -A && git commit -m "Adopt nemoctl"')
    commands.append(f"nemoctl upgrade {upstream} latest --dry-run")
    return tuple(commands)


def _boundary(root: Path, files: list[PlannedFile] | tuple[PlannedFile, ...]) -> Path:
    """The directory init may write in: the project, or the repository for ``.github``."""
    if any(f.path.startswith("../") for f in files):
        return _git_root(root) or root
    return root


def _check_state_dir(root: Path) -> None:
    state = root / ".nemoctl"
    if os.path.lexists(state) and not state.is_dir():
        raise BadInputError(
            f"{state} is {describe_kind(state.lstat().st_mode)}; nemoctl keeps its lock "
            "and journal in that directory; nothing was written",
            hint="move it out of the way, then run nemoctl init again",
        )


def run_init(
    root: Path, *, ci: str | None = None, force: bool = False, dry_run: bool = False,
    package: str = "litellm",
) -> InitResult:
    """``nemoctl init``: lock, plan, refuse on conflicts (unless ``force``), then write
    every file in one journaled transaction -- all of them or none."""
    if ci is not None and ci not in CI_PROVIDERS:
        raise BadInputError(f"--ci must be one of {', '.join(CI_PROVIDERS)}, not {ci!r}")
    root = root.resolve()
    if not root.is_dir():
        raise BadInputError(f"{root} is not a directory")
    if dry_run:
        planned, _ = plan_init(root, ci=ci, package=package)
        return _decide(planned, force=force, dry_run=True)

    from nemoctl.repolock import repo_lock
    from nemoctl.transaction import pending_journal

    _check_state_dir(root)
    made_state = not (root / ".nemoctl").exists()
    # The lock before the plan: a second init (or an upgrade) waits for this one's
    # result instead of planning against the tree this one is about to change.
    lock = repo_lock(root, "init")
    wrote = False
    try:
        if pending_journal(root) is not None:
            raise BadInputError(
                "an interrupted upgrade left a journal in .nemoctl/txn; nothing was written",
                hint="run `nemoctl upgrade --recover` first",
            )
        planned, _ = plan_init(root, ci=ci, package=package)
        result = _decide(planned, force=force, dry_run=False)
        if not result.nothing_to_do:
            _apply(root, result.files)
            wrote = True
        return result
    finally:
        if made_state and not wrote:  # leave the tree exactly as it was
            shutil.rmtree(root / ".nemoctl", ignore_errors=True)
        lock.release()


def _decide(planned: InitResult, *, force: bool, dry_run: bool) -> InitResult:
    from dataclasses import replace

    conflicts = [f for f in planned.files if f.action == "conflict"]
    if conflicts and not force:
        raise InitConflictError(
            f"{len(conflicts)} file(s) exist and differ from what init would write: "
            + ", ".join(f.path for f in conflicts) + "; nothing was written",
            hint="review them; rerun with --force to overwrite those files "
            "(sacred fields, acknowledgements and [tool.nemoctl] are never overwritten)",
        )
    files = tuple(
        replace(f, action="update", note="overwritten (--force)") if f.action == "conflict"
        else f for f in planned.files
    )
    return replace(planned, files=files, dry_run=dry_run)


def _apply(root: Path, files: tuple[PlannedFile, ...]) -> None:
    """Write the planned files in one journaled transaction; on any failure, undo all.

    The journal (``.nemoctl/txn``) also means a SIGKILL mid-way is restored by the
    next ``nemoctl upgrade --recover``.  Directories init creates are removed again
    on failure, so the tree is byte-identical to before.
    """
    from nemoctl.transaction import Transaction

    boundary = _boundary(root, files)
    writes = [f for f in files if f.action in ("create", "update") and f.data is not None]
    targets = [write_target(Path(os.path.normpath(root / f.path)), boundary) for f in writes]
    new_dirs = sorted({p for t in targets for p in t.parents
                       if boundary in p.parents and not os.path.lexists(p)},
                      key=lambda p: len(p.parts), reverse=True)
    made_state = boundary != root and not (boundary / ".nemoctl").exists()
    # The lock file goes last, like `nemoctl generate`: an interrupted init leaves a
    # lock.json that does not match, so the next run re-plans instead of trusting it.
    order = sorted(zip(writes, targets, strict=True),
                   key=lambda pair: pair[0].path.endswith("lock.json"))
    txn = Transaction(boundary, files=targets, dirs=[], label="init")
    try:
        with txn:
            for planned, target in order:
                assert planned.data is not None
                txn.write_bytes(target, planned.data)
    except BaseException:
        for directory in new_dirs:
            with contextlib.suppress(OSError):
                directory.rmdir()  # only when empty: nothing of the user's goes
        raise
    finally:
        if made_state:
            shutil.rmtree(boundary / ".nemoctl", ignore_errors=True)
