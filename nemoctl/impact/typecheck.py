"""The consumer type-check gate: the project's own checkers, run against the new types.

``[tool.nemoctl.impact] typecheck = ["npx tsc -p frontend --noEmit", "mypy backend"]``
runs inside the upgrade transaction after regeneration (so the checkers see the new
generated files); each failure line the checker prints with a location becomes a
finding with that file and line, and any failing command fails the upgrade with
``TYPECHECK_FAILED`` (8) — the transaction then restores every file.

Commands run without a shell, from the project root.  ``npx X`` must find ``X`` in the
project's ``node_modules/.bin``: npx would otherwise download it from the registry,
which nemoctl never lets a gate do.  A missing executable is a clear error (exit 2).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.config import Config
from nemoctl.errors import BadInputError, TypecheckFailedError

#: What a checker's own output looks like (its output, not source code, is parsed here).
_TSC = re.compile(r"^(?P<path>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): "
                  r"(?P<level>error|warning) (?P<code>TS\d+): (?P<msg>.*)$")
_TSC_PRETTY = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+) - "
                         r"(?P<level>error|warning) (?P<code>TS\d+): (?P<msg>.*)$")
_GENERIC = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? "
                      r"(?P<level>error|warning|note)?:? ?(?P<msg>.*?)"
                      r"(?:\s+\[(?P<code>[\w-]+)\])?$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TAIL = 40


@dataclass(frozen=True, slots=True)
class CheckerFinding:
    command: str
    path: str
    line: int
    column: int
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "path": self.path, "line": self.line,
                "column": self.column, "code": self.code or None, "message": self.message}


@dataclass(frozen=True, slots=True)
class CommandResult:
    command: str
    returncode: int
    duration_s: float
    findings: tuple[CheckerFinding, ...]
    output_tail: str

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "returncode": self.returncode, "passed": self.passed,
                "duration_s": round(self.duration_s, 3),
                "findings": [f.to_dict() for f in self.findings],
                "output_tail": self.output_tail}


@dataclass(frozen=True, slots=True)
class TypecheckResult:
    commands: tuple[CommandResult, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.commands)

    @property
    def findings(self) -> tuple[CheckerFinding, ...]:
        return tuple(f for c in self.commands for f in c.findings)

    def summary(self) -> str:
        failed = [c for c in self.commands if not c.passed]
        if not failed:
            return f"{len(self.commands)} checker(s) passed"
        return (f"{len(failed)} of {len(self.commands)} checker(s) failed, "
                f"{len(self.findings)} finding(s)")

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "commands": [c.to_dict() for c in self.commands]}

    def raise_if_failed(self) -> None:
        if self.passed:
            return
        first = self.findings[0] if self.findings else None
        where = f"; first: {first.path}:{first.line}: {first.message}" if first else ""
        failed = [c.command for c in self.commands if not c.passed]
        raise TypecheckFailedError(
            f"the project's type check fails against the new generated types "
            f"({', '.join(failed)}){where}",
            hint="fix the code that uses the changed types (see the findings), or stay on "
                 "the current pin; every file has been restored",
        )


def run_typecheck(config: Config) -> TypecheckResult:
    """Run every configured checker from the project root (no shell)."""
    root = config.root.resolve()
    results = []
    for command in config.impact.typecheck:
        argv = _argv(command, root)
        started = time.perf_counter()
        try:
            proc = subprocess.run(argv, cwd=root, capture_output=True, text=True,
                                  timeout=config.impact.typecheck_timeout, check=False,
                                  env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"})
        except subprocess.TimeoutExpired:
            limit = config.impact.typecheck_timeout
            results.append(CommandResult(command, -1, time.perf_counter() - started, (),
                                         f"timed out after {limit:.0f} s"))
            continue
        output = _ANSI.sub("", proc.stdout + ("\n" if proc.stdout else "") + proc.stderr)
        findings = parse_output(command, output, root) if proc.returncode else ()
        tail = "\n".join(output.strip().splitlines()[-_TAIL:])
        results.append(CommandResult(command, proc.returncode, time.perf_counter() - started,
                                     findings, tail))
    return TypecheckResult(tuple(results))


def _argv(command: str, root: Path) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise BadInputError(f"[tool.nemoctl.impact] typecheck {command!r}: {exc}") from None
    if not argv:
        raise BadInputError("[tool.nemoctl.impact] typecheck has an empty command")
    exe = argv[0]
    found = (root / exe) if "/" in exe else None
    if found is not None and not found.is_file():
        found = Path(exe) if Path(exe).is_absolute() and Path(exe).is_file() else None
    resolved = str(found) if found is not None else shutil.which(exe)
    if resolved is None:
        raise BadInputError(
            f"typecheck command {command!r}: {exe} is not on PATH",
            hint=f"install {exe} (e.g. Node.js for npx) or remove the command from "
                 "[tool.nemoctl.impact] typecheck",
        )
    if Path(exe).name == "npx":
        tool = next((a for a in argv[1:] if not a.startswith("-")), None)
        if tool is None or _local_bin(root, tool) is None:
            raise BadInputError(
                f"typecheck command {command!r}: {tool or 'the tool'} is not installed in "
                "the project (node_modules/.bin); nemoctl does not let npx download it",
                hint="run `npm install` (or `npm ci`) in the project first",
            )
    return [resolved, *argv[1:]]


def _local_bin(root: Path, tool: str) -> Path | None:
    for directory in (root, *root.parents):
        candidate = directory / "node_modules" / ".bin" / tool
        if candidate.exists():
            return candidate
        if (directory / ".git").exists():
            break
    # A workspace package's own node_modules (npx -p frontend tsc, or tsc -p frontend).
    for candidate in sorted(root.glob(f"*/node_modules/.bin/{tool}")):
        return candidate
    return None


def parse_output(command: str, output: str, root: Path) -> tuple[CheckerFinding, ...]:
    """Findings from a checker's output: tsc (plain and pretty), mypy/ruff/pyright-style."""
    found: list[CheckerFinding] = []
    seen: set[tuple[str, int, int, str]] = set()
    for raw in output.splitlines():
        line = raw.rstrip()
        match = _TSC.match(line) or _TSC_PRETTY.match(line) or _GENERIC.match(line)
        if match is None:
            continue
        parts = match.groupdict()
        if parts.get("level") in ("note", "warning"):
            continue
        path = _relative(parts["path"].strip(), root)
        if path is None:
            continue
        item = CheckerFinding(command, path, int(parts["line"]), int(parts["col"] or 0),
                              parts.get("code") or "", parts["msg"].strip())
        key = (item.path, item.line, item.column, item.message)
        if key not in seen:
            seen.add(key)
            found.append(item)
    return tuple(found)


def _relative(path: str, root: Path) -> str | None:
    """Project-relative POSIX path of a checker's file, or None when it names no file."""
    candidate = Path(path)
    full = candidate if candidate.is_absolute() else root / candidate
    try:
        resolved = full.resolve()
    except OSError:
        return None
    if not resolved.is_file():
        return None
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path
