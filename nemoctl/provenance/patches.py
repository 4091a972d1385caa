"""No patch files: diffs against LiteLLM in the tree, and the commands that apply them.

- ``*.patch`` / ``*.diff`` files are parsed with ``unidiff``; one that touches a
  LiteLLM path (a path component naming one of its import packages) is
  ``PATCH_FILE``, with the files it touches.
- ``Dockerfile`` / ``Containerfile`` ``RUN`` instructions (shell and exec form,
  continuations, heredocs), shell scripts (``*.sh``) and GitHub workflow ``run:``
  steps (ruamel.yaml, for line numbers) are tokenised as shell with :mod:`shlex`;
  ``patch``, ``git apply`` / ``git am`` and in-place ``sed -i`` / ``perl -i`` whose
  target is LiteLLM — named in the command, or touched by the patch file the
  command reads — are ``PATCH_APPLIED``.  A ``patch`` whose input cannot be read is
  ``PATCH_UNIDENTIFIED``: it may be LiteLLM.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nemoctl.provenance.model import Observation
from nemoctl.provenance.shell import (
    Applied,
    applied_patch,
    dockerfile_runs,
    produces_patch,
    relevant_commands,
    workflow_runs,
)

#: Import packages of LiteLLM and the packages released with it.
LITELLM_MODULES = frozenset({"litellm", "litellm_proxy_extras", "litellm_enterprise"})
_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__",
                        ".nemoctl", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox",
                        "site-packages", "dist", "build"})
_PATCH_SUFFIXES = (".patch", ".diff")
#: A patch file larger than this is not parsed (reported as unidentified instead).
MAX_PATCH_BYTES = 20_000_000


def is_litellm_path(path: str) -> bool:
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return any(p in LITELLM_MODULES
               or (p.endswith(".py") and p.split(".")[0] in LITELLM_MODULES) for p in parts)


@dataclass(frozen=True, slots=True)
class PatchTouches:
    #: Every file the patch changes (target paths, ``a/``/``b/`` prefixes removed).
    files: tuple[str, ...]
    #: The 1-based line of the first hunk touching LiteLLM (0: none).
    first_line: int
    error: str = ""

    @property
    def litellm_files(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if is_litellm_path(f))


def read_patch(path: Path) -> PatchTouches:
    from unidiff.errors import UnidiffParseError
    from unidiff.patch import PatchSet

    try:
        if not _readable_file(path):
            return PatchTouches((), 0, f"not a regular file of at most {MAX_PATCH_BYTES} bytes")
        text = path.read_text(encoding="utf-8", errors="replace")
        patch = PatchSet(text)
    except OSError as exc:
        return PatchTouches((), 0, exc.strerror or str(exc))
    except UnidiffParseError as exc:
        return PatchTouches((), 0, f"not a unified diff ({exc})")
    files: list[str] = []
    first = 0
    for patched in patch:
        names = {_strip_prefix(patched.source_file), _strip_prefix(patched.target_file)}
        names.discard("dev/null")
        for name in sorted(names):
            files.append(name)
            if is_litellm_path(name) and not first and len(patched):
                number = patched[0][0].diff_line_no if len(patched[0]) else None
                first = max((number or 2) - 1, 1)
    return PatchTouches(tuple(dict.fromkeys(files)), first)


def _strip_prefix(name: str) -> str:
    name = name.strip()
    for prefix in ("a/", "b/"):
        if name.startswith(prefix):
            return name[2:]
    return name.lstrip("/")


# --------------------------------------------------------------------------- tree walk


def _candidate(name: str) -> bool:
    """A file the scan reads: a patch, a Dockerfile, a shell script or a workflow."""
    base = name.rsplit("/", 1)[-1]
    return (base.endswith(_PATCH_SUFFIXES) or _is_dockerfile(base)
            or base.endswith((".sh", ".bash"))
            or (name.startswith(".github/workflows/") and base.endswith((".yml", ".yaml"))))


def _walk(root: Path) -> Iterator[Path]:
    """The project's candidate files: git's view (tracked and untracked, not ignored) when
    it is a repository — fast on a large tree — else a walk that skips environments and
    caches."""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        proc = None
    if proc is not None and proc.returncode == 0:
        names = proc.stdout.decode("utf-8", "replace").split("\0")
        for name in sorted({n for n in names if n and _candidate(n)}):
            if not set(PurePosixPath(name).parts) & _SKIP_DIRS:
                yield root / name
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(filenames):
            if _candidate(prefix + name):
                yield Path(dirpath) / name


def _is_dockerfile(name: str) -> bool:
    lowered = name.lower()
    return (lowered in ("dockerfile", "containerfile")
            or lowered.startswith(("dockerfile.", "containerfile."))
            or lowered.endswith((".dockerfile", ".containerfile")))


# --------------------------------------------------------------------------- scan


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class _Scan:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.found: list[Observation] = []
        self._patches: dict[Path, PatchTouches] = {}
        #: Names ``git format-patch`` writes in the scanned scripts: a commit of this
        #: repository, which an unreadable ``git am`` of the same name applies back.
        self.produced: set[str] = set()

    def patch(self, path: Path) -> PatchTouches:
        resolved = path.resolve()
        if resolved not in self._patches:
            self._patches[resolved] = read_patch(path)
        return self._patches[resolved]

    def commands(self, rel: str, base: Path, commands: list[tuple[int, list[str]]],
                 kind: str) -> None:
        for line, words in commands:
            self._note_produced(words)
            applied = applied_patch(words)
            if applied is not None:
                self._applied(rel, base, line, applied, kind, " ".join(words))

    def _note_produced(self, words: list[str]) -> None:
        if produces_patch(words):
            for i, word in enumerate(words):
                if word == ">" and i + 1 < len(words):
                    self.produced.add(PurePosixPath(words[i + 1]).name)
                elif word.startswith("--output="):
                    self.produced.add(PurePosixPath(word.split("=", 1)[1]).name)

    def finish(self) -> list[Observation]:
        """Drop unreadable patches that are this repository's own ``format-patch`` output."""
        return [o for o in self.found if not (
            o.rule_id == "PATCH_UNIDENTIFIED" and o.key_parts[2:]
            and all(PurePosixPath(n).name in self.produced for n in o.key_parts[2:]))]

    def _applied(self, rel: str, base: Path, line: int, applied: Applied, kind: str,
                 snippet: str) -> None:
        touches = [n for n in applied.named if is_litellm_path(n)]
        unreadable = []
        for name in applied.inputs:
            candidate = (base / name) if not os.path.isabs(name) else (self.root / name.lstrip("/"))
            if not candidate.is_file():
                candidate = self.root / name.lstrip("/")
            if candidate.is_file():
                touches += self.patch(candidate).litellm_files
            else:
                unreadable.append(name)
        if applied.tool == "patch" and not applied.inputs:
            unreadable.append("standard input")
        if touches:
            self.found.append(Observation(
                "PATCH_APPLIED", rel, line, "litellm", applied.tool,
                f"{rel}:{line}: {kind} runs `{applied.tool}` on LiteLLM: "
                + ", ".join(sorted(set(touches))),
                (rel, applied.tool, *sorted(set(touches))), snippet,
                tuple(sorted(set(touches)))))
        elif unreadable and applied.tool in ("patch", "git apply", "git am"):
            self.found.append(Observation(
                "PATCH_UNIDENTIFIED", rel, line, "", applied.tool,
                f"{rel}:{line}: {kind} runs `{applied.tool}` with a patch nemoctl cannot "
                f"read ({', '.join(unreadable)}); if it touches LiteLLM it is a fork",
                (rel, applied.tool, *unreadable), snippet))


def scan_patches(root: Path, files: Iterable[Path] | None = None) -> list[Observation]:
    """Every patch of LiteLLM in the tree at ``root`` and every command applying one."""
    scan = _Scan(root)
    for path in (files if files is not None else _walk(root)):
        name = path.name
        rel = _rel(path, root)
        if name.endswith(_PATCH_SUFFIXES):
            touches = scan.patch(path)
            if touches.litellm_files:
                scan.found.append(Observation(
                    "PATCH_FILE", rel, touches.first_line, "litellm", "patch file",
                    f"{rel}:{touches.first_line}: a patch of LiteLLM: "
                    + ", ".join(touches.litellm_files),
                    (rel, *touches.litellm_files), "", touches.litellm_files))
        elif _is_dockerfile(name):
            scan.commands(rel, path.parent, _commands(path, "dockerfile"), "the Dockerfile")
        elif name.endswith(".sh") or name.endswith(".bash"):
            scan.commands(rel, path.parent, _commands(path, "shell"), "the script")
        elif name.endswith((".yml", ".yaml")) and rel.startswith(".github/workflows/"):
            scan.commands(rel, root, _commands(path, "workflow"), "the workflow")
    return sorted(scan.finish(), key=lambda o: (o.path, o.line, o.rule_id))


#: Words without which no command in a file can apply a patch or edit in place: a file
#: containing none of them is not parsed at all (a YAML parser costs ~0.1 s to import).
_TOOL_WORDS = ("patch", "apply", "am", "sed", "perl")


def _commands(path: Path, kind: str) -> list[tuple[int, list[str]]]:
    """The patch commands a file runs, memoised by the file's sha256.

    Only those commands are remembered, each word redacted on its own (a token in a
    ``curl`` header or a URL never reaches the cache, and masking one word cannot hide
    a command, as masking a whole script line could).
    """
    import hashlib

    from nemoctl.config import cache_dir

    text = _read(path)
    if not any(word in text for word in _TOOL_WORDS):
        return []
    if kind == "shell":
        return relevant_commands([(1, text)])
    digest = hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()
    memo = cache_dir() / "provenance" / "scripts" / f"{digest}.json"
    try:
        stored = json.loads(memo.read_text(encoding="utf-8"))
        if stored.get("sha256") == digest:
            return [(int(line), [str(w) for w in words]) for line, words in stored["commands"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    from nemoctl.redact import redact

    runs = dockerfile_runs(text) if kind == "dockerfile" else workflow_runs(text)
    commands = [(line, [redact(w) for w in words]) for line, words in relevant_commands(runs)]
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f"{memo.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"sha256": digest, "commands": commands}), encoding="utf-8")
        os.replace(tmp, memo)
    except OSError:
        pass  # a read-only cache only costs speed
    return commands


def _readable_file(path: Path) -> bool:
    """A regular file (a link to one is fine) of a bounded size: never a FIFO or a device."""
    import stat

    st = path.stat()
    return stat.S_ISREG(st.st_mode) and st.st_size <= MAX_PATCH_BYTES


def _read(path: Path) -> str:
    try:
        if not _readable_file(path):
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
