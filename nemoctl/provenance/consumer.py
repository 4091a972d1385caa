"""The consumer's own interpreter for the contract suite, once its LiteLLM is verified.

``nemoctl contracts run`` without ``--version`` tests the LiteLLM the project ships:
the one installed in the project's environment.  It runs only after that
installation passed the integrity check; a modified, added-to or missing-file
LiteLLM is refused (the contracts would vouch for a fork), and so is an environment
that is broken or holds no LiteLLM.  Without a project environment, ``None``: the
caller falls back to the LiteLLM installed with nemoctl and its report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nemoctl.config import Config
from nemoctl.errors import ContractsFailedError
from nemoctl.provenance.environment import ProjectEnvironment, find_environment

#: Shown at most this many files in a refusal; the rest are counted.
_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ConsumerInterpreter:
    python: Path
    origin: str
    env: ProjectEnvironment
    litellm_version: str


def consumer_interpreter(config: Config, *,
                         pinned: str | None = None) -> ConsumerInterpreter | None:
    from nemoctl.provenance.integrity import verify_installed
    from nemoctl.provenance.scan import watched_packages

    lookup = find_environment(config.root, config.environment)
    if lookup.problem:
        raise ContractsFailedError(
            f"refusing to run the contracts: {lookup.problem}",
            hint="recreate the environment (uv sync / poetry install), or fix "
            "[tool.nemoctl] environment",
        )
    env = lookup.env
    if env is None:
        return None
    result = verify_installed(config.root, env.site_packages,
                              watched=watched_packages(config), pinned=pinned)
    if "litellm" not in result.installed:
        raise ContractsFailedError(
            f"refusing to run the contracts: the project environment {env.path} "
            f"({env.origin}) has no LiteLLM installed",
            hint="install the project (uv sync / poetry install), or pass --version X.Y.Z "
            "to test a published release in an isolated environment",
        )
    if result.observations:
        shown = [o.message for o in result.observations[:_SHOWN]]
        more = len(result.observations) - len(shown)
        raise ContractsFailedError(
            "refusing to run the contracts against the project's LiteLLM: it is not what "
            "was published:\n  " + "\n  ".join(shown)
            + (f"\n  … and {more} more" if more > 0 else ""),
            hint="reinstall it from the index (uv sync --reinstall-package litellm, or "
            "poetry install / pip install --force-reinstall litellm==<pin>); see "
            "docs/never-fork.md",
        )
    return ConsumerInterpreter(env.python, env.origin, env, result.installed["litellm"])
