"""Environment variable names a project's deploy sets, with file and line.

Sources: ``.env`` / ``.env.*`` (``NAME=…``, ``export NAME=…``); compose files
(``docker-compose*.y*ml``, ``compose*.y*ml``: ``services.*.environment`` as a list or
mapping, and the ``env_file:`` files they name); ``Dockerfile*`` ``ENV``; GitHub
workflows (``.github/workflows/*.y*ml``: ``env:`` of the workflow, its jobs and
steps); Kubernetes manifests and Helm values (YAML under ``k8s/``, ``kubernetes/``,
``deploy/``, ``manifests/``, ``helm/``, ``charts/``: every ``env:`` list of
``{name: …}`` entries, ``valueFrom`` included, and ``env:`` mappings in values files).

Only the name is kept: a line is split at ``=`` and the rest dropped; YAML values are
never copied out.  Helm templates (Go templates, not YAML) that do not parse are
skipped and counted.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.errors import BadInputError
from nemoctl.findings.finding import Location

_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                        ".mypy_cache", ".ruff_cache", "dist", "build", "generated"})
_K8S_DIRS = frozenset({"k8s", "kubernetes", "deploy", "deployment", "manifests", "helm",
                       "charts"})
_MAX_FILES = 500
_MAX_DEPTH = 5


@dataclass(frozen=True, slots=True, order=True)
class EnvName:
    name: str
    location: Location
    source: str  # ".env file", "compose environment", "Dockerfile ENV", ...


def deploy_env(root: Path) -> tuple[tuple[EnvName, ...], tuple[str, ...]]:
    """Every variable name the deploy files under ``root`` set, and the files read."""
    names: list[EnvName] = []
    files: list[str] = []
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        name = path.name
        found: list[EnvName] | None = None
        try:
            if name == ".env" or name.startswith(".env."):
                found = _dotenv(path, rel)
            elif name.startswith("Dockerfile"):
                found = _dockerfile(path, rel)
            elif name.endswith((".yml", ".yaml")):
                found = _yaml_env(root, path, rel)
        except BadInputError:
            found = None  # a deploy file that is not what its name says: not ours to judge
        if found is not None:
            files.append(rel)
            names += found
    return tuple(sorted(set(names))), tuple(files)


def _files(root: Path) -> list[Path]:
    out: list[Path] = []
    for here, dirs, filenames in os.walk(root):
        depth = len(Path(here).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and (
            not d.startswith(".") or d == ".github") and depth < _MAX_DEPTH)
        for f in sorted(filenames):
            out.append(Path(here) / f)
            if len(out) > 20 * _MAX_FILES:
                return out
    return [p for p in out if _is_deploy_file(root, p)][:_MAX_FILES]


def _is_deploy_file(root: Path, path: Path) -> bool:
    name = path.name
    parts = path.relative_to(root).parts
    if name == ".env" or name.startswith(".env.") or name.startswith("Dockerfile"):
        return True
    if not name.endswith((".yml", ".yaml")):
        return False
    if name.startswith(("docker-compose", "compose")):
        return True
    if parts[:2] == (".github", "workflows"):
        return True
    return any(p in _K8S_DIRS for p in parts[:-1])


def _read_lines(path: Path) -> list[str]:
    try:
        if path.stat().st_size > 1024 * 1024:
            raise BadInputError(f"{path} is larger than 1 MB")
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise BadInputError(f"cannot read {path}") from None


def _valid(name: str) -> bool:
    return bool(name) and not name[0].isdigit() and name.replace("_", "a").isascii() \
        and name.replace("_", "a").isalnum()


def _dotenv(path: Path, rel: str, source: str = ".env file") -> list[EnvName]:
    out = []
    for i, line in enumerate(_read_lines(path), 1):
        text = line.strip()
        if not text or text.startswith("#") or "=" not in text:
            continue
        name = text.split("=", 1)[0].strip()
        if name.startswith("export "):
            name = name[len("export "):].strip()
        if _valid(name):
            out.append(EnvName(name, Location(rel, i, line.index(name) + 1), source))
    return out


def _dockerfile(path: Path, rel: str) -> list[EnvName]:
    out = []
    for i, line in enumerate(_read_lines(path), 1):
        text = line.strip()
        if not text.upper().startswith("ENV "):
            continue
        try:
            tokens = shlex.split(text[4:], comments=False)
        except ValueError:
            continue
        if tokens and "=" not in tokens[0]:
            names = [tokens[0]]  # legacy form: ENV NAME value
        else:
            names = [t.split("=", 1)[0] for t in tokens if "=" in t]
        out += [EnvName(n, Location(rel, i, 0), "Dockerfile ENV") for n in names if _valid(n)]
    return out


def _yaml_env(root: Path, path: Path, rel: str) -> list[EnvName]:
    from nemoctl import _yaml

    out: list[EnvName] = []
    name = path.name
    docs = _yaml.load_all(path, what="deploy file")
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict):
            continue
        if name.startswith(("docker-compose", "compose")):
            out += _compose(root, path, rel, doc)
        elif rel.startswith(".github/workflows/"):
            out += _workflow(rel, doc)
        else:
            out += _k8s(rel, doc, data, ())
    return out


def _compose(root: Path, path: Path, rel: str, doc: Any) -> list[EnvName]:
    out: list[EnvName] = []
    services = doc.data.get("services")
    if not isinstance(services, dict):
        return out
    for svc, body in services.items():
        if not isinstance(body, dict):
            continue
        env = body.get("environment")
        where = ("services", svc, "environment")
        if isinstance(env, dict):
            out += [EnvName(str(k), Location(rel, doc.line(*where, k), doc.column(*where, k)),
                            "compose environment") for k in env if _valid(str(k))]
        elif isinstance(env, list):
            for i, item in enumerate(env):
                if isinstance(item, str):
                    n = item.split("=", 1)[0].strip()
                    if _valid(n):
                        out.append(EnvName(n, Location(rel, doc.line(*where, i), 0),
                                           "compose environment"))
        env_files = body.get("env_file")
        for entry in ([env_files] if isinstance(env_files, str) else env_files or []):
            file = entry.get("path") if isinstance(entry, dict) else entry
            if not isinstance(file, str):
                continue
            target = (path.parent / file).resolve()
            if target.is_relative_to(root.resolve()) and target.is_file():
                out += _dotenv(target, target.relative_to(root.resolve()).as_posix(),
                               "compose env_file")
    return out


def _workflow(rel: str, doc: Any) -> list[EnvName]:
    out: list[EnvName] = []

    def take(env: Any, *where: str | int) -> None:
        if isinstance(env, dict):
            out.extend(EnvName(str(k), Location(rel, doc.line(*where, k), doc.column(*where, k)),
                               "workflow env") for k in env if _valid(str(k)))

    data = doc.data
    take(data.get("env"), "env")
    for job_name, job in (data.get("jobs") or {}).items():
        if not isinstance(job, dict):
            continue
        take(job.get("env"), "jobs", job_name, "env")
        for i, step in enumerate(job.get("steps") or []):
            if isinstance(step, dict):
                take(step.get("env"), "jobs", job_name, "steps", i, "env")
    return out


def _k8s(rel: str, doc: Any, node: Any, path: tuple[str | int, ...]) -> list[EnvName]:
    out: list[EnvName] = []
    if isinstance(node, dict):
        for k, v in node.items():
            here = (*path, k)
            if k in ("env", "extraEnv", "extraEnvVars") and isinstance(v, list):
                for i, item in enumerate(v):
                    if isinstance(item, dict) and isinstance(item.get("name"), str) and \
                            _valid(item["name"]):
                        out.append(EnvName(item["name"], Location(
                            rel, doc.line(*here, i, "name"), doc.column(*here, i, "name")),
                            "Kubernetes env"))
            elif k == "env" and isinstance(v, dict):
                out += [EnvName(str(n), Location(rel, doc.line(*here, n), doc.column(*here, n)),
                                "Helm values env") for n in v if _valid(str(n))]
            else:
                out += _k8s(rel, doc, v, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _k8s(rel, doc, v, (*path, i))
    return out
