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
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomlkit

from nemoctl.adopt.detect import Detection, detect_project
from nemoctl.adopt.seed import ACKNOWLEDGED, render_sacred, seed_sacred
from nemoctl.adopt.workflows import WorkflowContext, github_files
from nemoctl.config import (
    DEFAULT_SCHEMA_PATH,
    Config,
    UpstreamConfig,
    default_upstreams,
    load_config,
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
    if not path.is_file():
        data = (MINIMAL_PYPROJECT_HEAD + _table_text(detection)).encode()
        return PlannedFile("pyproject.toml", "create", "holds only [tool.nemoctl]",
                           data), False
    original = path.read_text(encoding="utf-8")
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
        parsed = tomllib.loads(updated)
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
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}") from None
    if current == data:
        return PlannedFile(rel, "unchanged", note)
    return PlannedFile(rel, "conflict", "exists and differs", data)


def _user_file(root: Path, rel: str, data: bytes, note: str) -> PlannedFile:
    if (root / rel).is_file():
        return PlannedFile(rel, "kept", "exists: yours, never overwritten")
    return PlannedFile(rel, "create", note, data)


def _gitignore(root: Path) -> PlannedFile:
    path = root / ".gitignore"
    if not path.is_file():
        return PlannedFile(".gitignore", "create", f"ignores {GITIGNORE_ENTRY}",
                           f"# nemoctl's upgrade journal and lock\n{GITIGNORE_ENTRY}\n".encode())
    text = path.read_text(encoding="utf-8", errors="replace")
    entries = {line.strip() for line in text.splitlines()}
    if entries & {".nemoctl", ".nemoctl/", "/.nemoctl", "/.nemoctl/"}:
        return PlannedFile(".gitignore", "unchanged", f"already ignores {GITIGNORE_ENTRY}")
    sep = "" if text.endswith("\n") or not text else "\n"
    data = f"{text}{sep}\n# nemoctl's upgrade journal and lock\n{GITIGNORE_ENTRY}\n"
    return PlannedFile(".gitignore", "update", f"added {GITIGNORE_ENTRY}", data.encode())


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


def _write(path: Path, data: bytes) -> None:
    """Atomic write; the new file gets the mode the umask gives (as ``open`` would)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        mode = (path.stat().st_mode & 0o7777) if path.exists() else (0o666 & ~umask)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_init(
    root: Path, *, ci: str | None = None, force: bool = False, dry_run: bool = False,
    package: str = "litellm",
) -> InitResult:
    """``nemoctl init``: plan, refuse on conflicts (unless ``force``), write atomically."""
    from dataclasses import replace

    from nemoctl.repolock import repo_lock

    planned, _ = plan_init(root, ci=ci, package=package)
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
    result = replace(planned, files=files, dry_run=dry_run)
    if dry_run or result.nothing_to_do:
        return result
    root = root.resolve()
    lock = repo_lock(root)  # never write while an upgrade rewrites the same files
    try:
        # The lock file goes last, like `nemoctl generate`: an interrupted init leaves a
        # lock.json that does not match, so the next run re-plans instead of trusting it.
        ordered = sorted(files, key=lambda f: f.path.endswith("lock.json"))
        for planned_file in ordered:
            if planned_file.action in ("create", "update") and planned_file.data is not None:
                _write(root / planned_file.path, planned_file.data)
    finally:
        lock.release()
    return result
