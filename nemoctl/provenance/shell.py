"""Reading shell the way a shell does: the commands a Dockerfile, a workflow or a script runs.

``RUN`` instructions (shell and exec form, continuations, the ``escape`` directive,
heredocs), GitHub workflow ``run:`` steps (ruamel.yaml, for line numbers) and shell
scripts, split into simple commands with :mod:`shlex` (quotes kept, ``;``, ``&&``,
``|`` separate commands); then which of them apply a patch or edit files in place.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "\n", "(", ")"})


def shell_commands(script: str) -> list[list[str]]:
    """Simple commands of a shell script: words split at ``;``, ``&&``, ``|``, newlines."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.whitespace = " \t\r"
    lexer.commenters = "#"
    commands: list[list[str]] = []
    current: list[str] = []
    try:
        for token in lexer:
            if token in _SEPARATORS or set(token) <= set(";&|()\n"):
                if current:
                    commands.append(current)
                current = []
            else:
                current.append(token)
    except ValueError:
        # Unbalanced quotes: fall back to whitespace words, so nothing goes unseen.
        return [line.split() for line in script.splitlines() if line.split()]
    if current:
        commands.append(current)
    return commands


def _strip_prefixes(words: list[str]) -> list[str]:
    while words and (("=" in words[0] and not words[0].startswith("-"))
                     or words[0] in ("sudo", "env", "exec", "command", "time")):
        words = words[1:]
    return words


@dataclass(frozen=True, slots=True)
class Applied:
    tool: str
    #: Patch files the command reads, and paths it names (dirs, targets).
    inputs: tuple[str, ...]
    named: tuple[str, ...]


def applied_patch(words: list[str]) -> Applied | None:
    """A ``patch`` / ``git apply`` / ``git am`` / ``sed -i`` / ``perl -i`` command."""
    words = _strip_prefixes(words)
    if not words:
        return None
    tool = PurePosixPath(words[0]).name
    args = words[1:]
    if tool == "git":
        sub = next((i for i, w in enumerate(args) if not w.startswith("-")), None)
        if sub is None or args[sub] not in ("apply", "am"):
            return None
        rest = args[sub + 1:]
        if args[sub] == "apply" and "--apply" not in rest and any(
                w in ("--stat", "--numstat", "--summary", "--check") for w in rest):
            return None  # only reads the patch: nothing is applied
        inputs = [w for w in rest if not w.startswith("-")]
        named = [w.split("=", 1)[1] for w in rest if w.startswith("--directory=")]
        return Applied(f"git {args[sub]}", tuple(inputs), tuple(named))
    if tool == "patch":
        inputs, named = [], []
        i = 0
        while i < len(args):
            word = args[i]
            if word in ("-i", "--input") and i + 1 < len(args):
                inputs.append(args[i + 1])
                i += 1
            elif word.startswith("--input="):
                inputs.append(word.split("=", 1)[1])
            elif word == "<" and i + 1 < len(args):
                inputs.append(args[i + 1])
                i += 1
            elif word in ("-d", "--directory") and i + 1 < len(args):
                named.append(args[i + 1])
                i += 1
            elif word.startswith("--directory="):
                named.append(word.split("=", 1)[1])
            elif word in ("-p", "-F", "-o", "-r", "-B", "-V", "-z", "-Y", "-D") \
                    and i + 1 < len(args):
                i += 1
            elif not word.startswith("-"):
                named.append(word)
            i += 1
        return Applied("patch", tuple(inputs), tuple(named))
    if tool in ("sed", "perl") and any(w == "-i" or w.startswith(("-i", "--in-place"))
                                        for w in args):
        return Applied(f"{tool} -i", (), tuple(w for w in args if not w.startswith("-")))
    return None


# --------------------------------------------------------------------------- sources of scripts


def dockerfile_runs(text: str) -> list[tuple[int, str]]:
    """``(line, shell text)`` of every RUN instruction (continuations and heredocs joined)."""
    lines = text.splitlines()
    escape = "\\"
    runs: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if stripped.startswith("#"):
            directive = stripped[1:].strip().lower().replace(" ", "")
            if directive.startswith("escape=") and len(directive) > 7:
                escape = directive[7]
            i += 1
            continue
        start = i
        parts = [stripped]
        while parts[-1].endswith(escape) and i + 1 < len(lines):
            parts[-1] = parts[-1][:-1]
            i += 1
            nxt = lines[i].strip()
            if not nxt.startswith("#"):
                parts.append(nxt)
        i += 1
        logical = " ".join(parts)
        word, _, rest = logical.partition(" ")
        if word.upper() != "RUN":
            continue
        body = rest.strip()
        while body.startswith("--"):  # RUN --mount=... --network=...
            _, _, body = body.partition(" ")
            body = body.strip()
        if body.startswith("["):
            try:
                argv = json.loads(body)
            except ValueError:
                argv = None
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                body = argv[2] if len(argv) >= 3 and argv[1] == "-c" else shlex.join(argv)
        if "<<" in body:  # heredoc: the script follows, up to its delimiter
            marker = body.split("<<", 1)[1].strip().lstrip("-").split()[0].strip("'\"")
            script = []
            while i < len(lines) and lines[i].strip() != marker:
                script.append(lines[i])
                i += 1
            i += 1
            body = body.split("<<", 1)[0] + "\n" + "\n".join(script)
        runs.append((start + 1, body))
    return runs


def workflow_runs(text: str) -> list[tuple[int, str]]:
    """``(line, script)`` of every ``run:`` step in a GitHub workflow."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        data = yaml.load(text)
    except YAMLError:
        return []
    found: list[tuple[int, str]] = []
    jobs = data.get("jobs") if hasattr(data, "get") else None
    if jobs is None or not hasattr(jobs, "items"):
        return []
    for _, job in jobs.items():
        steps = job.get("steps") if hasattr(job, "get") else None
        if not isinstance(steps, list):
            continue
        for step in steps:
            if hasattr(step, "get") and isinstance(step.get("run"), str):
                line = step.lc.value("run")[0] + 1
                script = str(step["run"])
                # A block scalar (``run: |``) starts on the line after its indicator.
                found.append((line + (1 if "\n" in script else 0), script))
    return found


def _lines_with_offsets(script: str) -> list[tuple[int, str]]:
    """Logical shell lines (backslash continuations joined) with their line offsets."""
    out: list[tuple[int, str]] = []
    parts: list[str] = []
    start = 0
    for offset, raw in enumerate(script.splitlines()):
        if not parts:
            start = offset
        if raw.rstrip().endswith("\\"):
            parts.append(raw.rstrip()[:-1])
            continue
        parts.append(raw)
        out.append((start, " ".join(parts)))
        parts = []
    if parts:
        out.append((start, " ".join(parts)))
    return out


def produces_patch(words: list[str]) -> bool:
    words = _strip_prefixes(words)
    return len(words) >= 2 and PurePosixPath(words[0]).name == "git" and "format-patch" in words


def relevant_commands(runs: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """``(line, words)`` of every command in ``runs`` that applies, or writes, a patch."""
    found = []
    for line, script in runs:
        for offset, command_line in _lines_with_offsets(script):
            for words in shell_commands(command_line):
                if applied_patch(words) is not None or produces_patch(words):
                    found.append((line + offset, words))
    return found
