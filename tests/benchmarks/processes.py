"""The environment benchmarks run nemoctl's children in (shared by the whole-process ones)."""

from __future__ import annotations

import os


def bench_env(source: str | None = None) -> dict[str, str]:
    """This environment with bytecode caching on (as in an installed tool) and no colour;
    ``source``: another checkout's nemoctl first on ``PYTHONPATH`` (a "before" column)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    if source:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    return env
