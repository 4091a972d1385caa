"""Requirements files are a lockfile too: after a bump, the whole set must still install.

Moving only ``litellm`` and ``litellm-proxy-extras`` in a ``requirements.txt`` can leave
another exact pin the new version refuses (``litellm-enterprise==0.1.62``), and then
``pip install -r requirements.txt`` fails.  So, after the bump:

- **pip-tools** (``X.in`` beside ``X.txt``): ``X.txt`` is regenerated from ``X.in`` with
  ``uv pip compile``, preferring the versions it already pins (as ``pip-compile``
  would), with the options its header names (``--generate-hashes``, extras, annotation
  style) and its original header kept byte for byte;
- **plain** ``requirements*.txt``: the file's requirements are re-resolved with every
  exact pin other than the upstream's relaxed to a *preference*; each pin the new
  resolution changes is moved in place (through :func:`nemoctl.upgrade.bump.plan_bump`,
  so the rest of the file is untouched) and listed in the report.

:func:`check_requirements` is ``nemoctl check``'s "requirements" check: every
``requirements*.txt`` resolves as pinned, against pip's configured indexes (offline:
from uv's cache only).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from nemoctl.errors import ResolutionError, ToolchainError
from nemoctl.pins import exact_version, requirement_files
from nemoctl.upgrade.bump import PinEdit, plan_bump
from nemoctl.upgrade.resolve import IndexOptions, explain_failure, pip_index_options

if TYPE_CHECKING:
    pass

#: ``pip-compile`` / ``uv pip compile`` options from a header that change the output.
_KEPT_FLAGS = {
    "--generate-hashes", "--strip-extras", "--no-strip-extras", "--allow-unsafe",
    "--no-annotate", "--emit-index-url", "--no-emit-index-url", "--emit-find-links",
    "--emit-index-annotation",
}
_KEPT_VALUE_FLAGS = {"--annotation-style"}


@dataclass(frozen=True, slots=True)
class RequirementsSync:
    """What keeping the requirements files installable changed."""

    #: Files rewritten (regenerated or with moved pins), relative to the project.
    files: tuple[str, ...] = ()
    #: Every moved pin line beyond the upstream's own (e.g. ``litellm-enterprise``).
    edits: tuple[PinEdit, ...] = ()
    #: Commands run, one per regenerated pip-tools file.
    commands: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": list(self.files),
            "edits": [e.to_dict() for e in self.edits],
            "commands": list(self.commands),
        }

    def detail(self) -> str:
        moved = ", ".join(f"{e.location} {e.package} {e.old}→{e.new}" for e in self.edits)
        return f"{', '.join(self.files)}: " + (moved or "no other pin moved")


def _uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def _compile(
    args: list[str], *, root: Path, timeout: float = 300.0
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([_uv(), "pip", "compile", *args], cwd=root, capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"uv pip compile did not finish within {timeout:.0f} s") from None


def _reason(stderr: str) -> str:
    """One line on why uv could not resolve: its own "Because ..." sentence when it has one."""
    _missing, reason = explain_failure(stderr)
    if "No solution found" in reason:
        text = " ".join(stderr.split())
        start = text.find("Because")
        if start >= 0:
            end = text.find("unsatisfiable", start)
            return text[start:end + len("unsatisfiable") if end >= 0 else start + 400]
    return reason


def _pins(text: str) -> dict[str, tuple[str, str]]:
    """canonical name -> (version, line) of every exact pin in a requirements text."""
    found: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip().rstrip("\\").strip()
        if not body or body.startswith("-"):
            continue
        try:
            req = Requirement(body.split(" --hash")[0].strip())
        except InvalidRequirement:
            continue
        if version := exact_version(req):
            found[canonicalize_name(req.name)] = (version, body)
    return found


def _header(text: str) -> tuple[str, list[str]]:
    """The leading comment block of a compiled file, and the options its command named."""
    lines = text.splitlines(keepends=True)
    head: list[str] = []
    for line in lines:
        if line.startswith("#") or (head and not line.strip()):
            head.append(line)
            continue
        break
    while head and not head[-1].strip():
        head.pop()
    flags: list[str] = []
    pip_compile = False
    for line in head:
        command = line.lstrip("#").strip()
        if not command.startswith(("pip-compile", "uv pip compile")):
            continue
        pip_compile = command.startswith("pip-compile")
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        it = iter(words)
        for word in it:
            name, eq, value = word.partition("=")
            if name in _KEPT_FLAGS:
                flags.append(name)
            elif name in _KEPT_VALUE_FLAGS:
                flags += [name, value if eq else next(it, "")]
    if pip_compile and not {"--strip-extras", "--no-strip-extras"} & set(flags):
        flags.append("--no-strip-extras")  # pip-compile 7 keeps extras; uv strips by default
    return "".join(head), flags


def _moved(before: str, after: str, file_name: str) -> list[PinEdit]:
    old, new = _pins(before), _pins(after)
    edits = []
    for name, (version, line) in old.items():
        if name in new and new[name][0] != version:
            edits.append(PinEdit(name, file_name, version, new[name][0], line, new[name][1]))
    return edits


def _regenerate(root: Path, source: Path, target: Path, *, python: str,
                indexes: IndexOptions, scratch: Path) -> tuple[bytes, str]:
    """``target``'s new bytes compiled from ``source`` (preferring its current pins)."""
    current = target.read_text(encoding="utf-8") if target.is_file() else ""
    header, flags = _header(current)
    preferences = scratch / target.name
    if target.is_file():
        shutil.copyfile(target, preferences)
    args = [source.name, "--output-file", str(preferences), "--no-header", "--quiet",
            "--python-version", python, *indexes.uv_args(), *flags]
    proc = _compile(args, root=root)
    if proc.returncode != 0:
        reason = _reason(proc.stderr)
        raise ResolutionError(
            f"regenerating {target.name} from {source.name} failed: {reason}",
            hint=f"the new pins conflict with another requirement in {source.name}",
        )
    body = preferences.read_text(encoding="utf-8")
    text = (header + "\n" + body) if header else body
    shown = " ".join(["uv pip compile", source.name, "-o", target.name, *flags])
    return text.encode("utf-8"), shown


def _reresolved(root: Path, path: Path, *, keep: set[str], python: str,
                indexes: IndexOptions, scratch: Path) -> dict[str, str]:
    """Moves (name -> new version) for the exact pins of a plain requirements file."""
    text = path.read_text(encoding="utf-8")
    pinned = _pins(text)
    lines = []
    for name, (_version, line) in pinned.items():
        if name in keep:
            lines.append(line)
            continue
        req = Requirement(line.split(" --hash")[0].strip())
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        marker = f" ; {req.marker}" if req.marker else ""
        lines.append(f"{req.name}{extras}{marker}")
    source = scratch / f"{path.stem}.in"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preferences = scratch / path.name
    shutil.copyfile(path, preferences)
    proc = _compile([str(source), "--output-file", str(preferences), "--no-header", "--quiet",
                     "--no-annotate", "--python-version", python, *indexes.uv_args()], root=root)
    if proc.returncode != 0:
        reason = _reason(proc.stderr)
        raise ResolutionError(
            f"{path.name} does not resolve with the new pins: {reason}",
            hint=f"another requirement in {path.name} conflicts with the new version",
        )
    resolved = _pins(preferences.read_text(encoding="utf-8"))
    return {name: resolved[name][0] for name, (version, _line) in pinned.items()
            if name in resolved and resolved[name][0] != version}


def sync_requirements(
    root: Path, write: Any, *, upstream_packages: Iterable[str], python: str,
    indexes: IndexOptions | None = None,
) -> RequirementsSync:
    """Make every requirements file installable again after the upstream pins moved.

    ``write(path, data)`` writes a file (the upgrade passes its transaction's
    ``write_bytes``, so a failure later restores these files too).
    """
    files = requirement_files(root)
    if not files:
        return RequirementsSync()
    indexes = indexes or pip_index_options()
    keep: set[str] = {str(canonicalize_name(p)) for p in upstream_packages}
    written: list[str] = []
    edits: list[PinEdit] = []
    commands: list[str] = []
    with tempfile.TemporaryDirectory(prefix="nemoctl-req-") as tmp:
        scratch = Path(tmp)
        compiled = {p.with_suffix(".txt") for p in files if p.suffix == ".in"}
        for source in (p for p in files if p.suffix == ".in"):
            target = source.with_suffix(".txt")
            before = target.read_text(encoding="utf-8") if target.is_file() else ""
            if not (set(_pins(before)) | set(_pins(source.read_text(encoding="utf-8")))) & keep:
                continue  # a set without the upstream (dev tools): not this upgrade's business
            data, command = _regenerate(root, source, target, python=python,
                                        indexes=indexes, scratch=scratch)
            commands.append(command)
            if write(target, data):
                written.append(target.name)
                edits += _moved(before, data.decode("utf-8"), target.name)
        moves: dict[str, str] = {}
        for path in (p for p in files if p.suffix == ".txt" and p not in compiled):
            pinned = set(_pins(path.read_text(encoding="utf-8")))
            if not pinned & keep or not pinned - keep:
                continue  # no upstream pin here, or nothing but the upstream's, already moved
            moves.update(_reresolved(root, path, keep=keep, python=python,
                                     indexes=indexes, scratch=scratch))
        if moves:
            planned, outputs = plan_bump(root, moves)
            for path, data in outputs.items():
                if write(path, data):
                    written.append(path.name)
            edits += planned
    return RequirementsSync(tuple(dict.fromkeys(written)), tuple(edits), tuple(commands))


def check_requirements(root: Path, *, python: str, offline: bool,
                       indexes: IndexOptions | None = None) -> tuple[list[str], list[str]]:
    """(problems, files checked): does every ``requirements*.txt`` resolve as pinned?"""
    indexes = indexes or pip_index_options()
    problems: list[str] = []
    checked: list[str] = []
    for path in (p for p in requirement_files(root) if p.suffix == ".txt"):
        args = [path.name, "--no-header", "--quiet", "--no-annotate", "--python-version",
                python, *indexes.uv_args(), *(["--offline"] if offline else [])]
        proc = _compile(args, root=root)
        checked.append(path.name)
        if proc.returncode != 0:
            reason = _reason(proc.stderr)
            if offline and "network was disabled" in proc.stderr:
                reason += " (offline: uv's cache lacks it; run without --offline once)"
            problems.append(f"{path.name} does not resolve as pinned: {reason}")
    return problems, checked

