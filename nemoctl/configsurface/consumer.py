"""The consumer's proxy config(s) and deploy environment: names and places, never values.

Proxy configs: ``[tool.nemoctl.contracts] proxy-config`` and ``[tool.nemoctl.config]
files``, read by :mod:`nemoctl._yaml`, with the files their ``include:`` lists (relative
to the including file, inside the project, each once).  From them: every key of
``general_settings``, ``litellm_settings``, ``router_settings``, each
``model_list[].litellm_params`` and ``guardrails[].litellm_params``, and every
``os.environ/NAME`` reference, each with its file and line.

Deploy environment (:mod:`nemoctl.configsurface.deploy`): variable *names* set by
``.env*`` files, compose files, Dockerfiles, Kubernetes manifests / Helm values and
GitHub workflows, and by the configs' own ``environment_variables:``.  Values are
dropped as soon as a line is split; nothing here keeps, logs or returns one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemoctl.config import Config
from nemoctl.configsurface.deploy import EnvName, deploy_env
from nemoctl.configsurface.files import config_files
from nemoctl.errors import BadInputError
from nemoctl.findings.finding import Location

_MAX_INCLUDES = 32
ENV_PREFIX = "os.environ/"


@dataclass(frozen=True, slots=True)
class ConfigKey:
    section: str
    key: str
    location: Location


@dataclass(frozen=True, slots=True)
class ConsumerSurface:
    files: tuple[str, ...]
    keys: tuple[ConfigKey, ...]
    #: Section name -> where it starts (for findings about keys it leaves unset).
    sections: dict[str, Location]
    env_refs: tuple[EnvName, ...]
    deploy: tuple[EnvName, ...]
    deploy_files: tuple[str, ...]

    def keys_in(self, section: str) -> set[str]:
        return {k.key for k in self.keys if k.section == section}


def read_consumer(config: Config) -> ConsumerSurface:
    root = config.root
    keys: list[ConfigKey] = []
    refs: list[EnvName] = []
    config_env: list[EnvName] = []
    sections: dict[str, Location] = {}
    read: list[str] = []
    queue = list(config_files(config))
    while queue:
        path = queue.pop(0)
        rel = _rel(root, path)
        if rel in read:
            continue
        if len(read) >= _MAX_INCLUDES:
            raise BadInputError(f"more than {_MAX_INCLUDES} proxy config files (include:)")
        read.append(rel)
        from nemoctl import _yaml

        doc = _yaml.load(path, what="proxy config")
        data = doc.data

        def loc(*keys: str | int, _doc: Any = doc, _rel: str = rel) -> Location:
            return Location(_rel, _doc.line(*keys), _doc.column(*keys))

        for section in ("general_settings", "litellm_settings", "router_settings"):
            body = data.get(section)
            if section in data:
                sections.setdefault(section, loc(section))
            if isinstance(body, dict):
                keys += [ConfigKey(section, str(k), loc(section, k)) for k in body]
        for listed, section in (("model_list", "model_list[].litellm_params"),
                                ("guardrails", "guardrails[].litellm_params")):
            entries = data.get(listed)
            if not isinstance(entries, list):
                continue
            for i, entry in enumerate(entries):
                params = entry.get("litellm_params") if isinstance(entry, dict) else None
                if isinstance(params, dict):
                    sections.setdefault(section, loc(listed, i, "litellm_params"))
                    keys += [ConfigKey(section, str(k), loc(listed, i, "litellm_params", k))
                             for k in params]
        refs += _env_refs(data, (), loc)
        # ``environment_variables:`` sets variables from the config: a deploy source too.
        env_vars = data.get("environment_variables")
        if isinstance(env_vars, dict):
            config_env += [EnvName(str(k), loc("environment_variables", k),
                                   "config environment_variables") for k in env_vars]
        for include in data.get("include") or []:
            if not isinstance(include, str):
                raise BadInputError(f"{rel}: include: entries must be file names")
            target = (path.parent / include).resolve()
            if not target.is_relative_to(root.resolve()):
                raise BadInputError(f"{rel}: include {include!r} is outside the project")
            queue.append(target)
    deploy, deploy_files = deploy_env(root)
    return ConsumerSurface(tuple(read), tuple(keys), sections, tuple(refs),
                           tuple(sorted({*deploy, *config_env})), deploy_files)


def _env_refs(node: Any, path: tuple[str | int, ...], loc: Any) -> list[EnvName]:
    out: list[EnvName] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _env_refs(v, (*path, k), loc)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _env_refs(v, (*path, i), loc)
    elif isinstance(node, str) and node.startswith(ENV_PREFIX):
        out.append(EnvName(node[len(ENV_PREFIX):], loc(*path), "os.environ/ reference"))
    return out


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
