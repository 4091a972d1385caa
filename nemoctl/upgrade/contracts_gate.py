"""The last gate: the contract suite against the new version, never in the user's environment.

By default this is nemoctl's own LiteLLM contract suite (:func:`nemoctl.contracts.run_contracts`,
which builds an isolated, cached environment for the version).  A project can name its own
suite instead::

    [tool.nemoctl.contracts]
    command = ["python", "-m", "pytest", "tests/contracts", "-q"]

That command runs in an isolated virtual environment (built once per requirement set with
uv, cached under ``$NEMOCTL_CACHE_DIR/upgrade-envs``) holding the new upstream version, with
``NEMOCTL_UPGRADE_VERSION`` and ``NEMOCTL_MODELS_DIR`` set.  pytest's ``FAILED`` lines name
the failed contracts.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nemoctl import _proc
from nemoctl._filelock import FileLock
from nemoctl.config import Config
from nemoctl.errors import ConfigError, ToolchainError
from nemoctl.paths import cache_dir, read_pyproject
from nemoctl.upgrade.resolve import IndexOptions, pip_index_options

if TYPE_CHECKING:
    from nemoctl.contracts.result import ContractRun

_FAILED_LINE = re.compile(r"^(?:FAILED|ERROR) (?P<name>\S+)")


@dataclass(frozen=True, slots=True)
class ContractOutcome:
    passed: bool
    runner: str
    failed: tuple[str, ...] = ()
    total: int | None = None
    duration_s: float = 0.0
    upstream_version: str | None = None
    #: The tail of the runner's output when it failed (no secrets: our own test output).
    output_tail: str = ""
    results: tuple[dict[str, Any], ...] = field(default=())
    #: Overlapped runs: seconds from the upgrade's start to the background's start,
    #: vetting (and by what), readiness (only the models missing), release and finish.
    background: dict[str, float | str | None] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "background": self.background,
            "passed": self.passed,
            "runner": self.runner,
            "failed": list(self.failed),
            "total": self.total,
            "duration_s": round(self.duration_s, 3),
            "upstream_version": self.upstream_version,
            "results": list(self.results),
        }


def configured_command(config: Config) -> list[str] | None:
    """``[tool.nemoctl.contracts].command`` as argv, or ``None``."""
    table = read_pyproject(config.pyproject).get("tool", {}).get("nemoctl", {}).get("contracts")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError("[tool.nemoctl.contracts] must be a table")
    command = table.get("command")
    if command is None:
        return None
    if isinstance(command, str):
        return shlex.split(command)
    if isinstance(command, list) and command and all(isinstance(c, str) for c in command):
        return list(command)
    raise ConfigError("[tool.nemoctl.contracts] command must be a string or a list of strings")


def isolated_env(requirements: list[str], *, indexes: IndexOptions | None = None) -> Path:
    """A cached virtualenv holding exactly ``requirements`` (built with uv, reused when warm)."""
    from uv import find_uv_bin

    uv = str(find_uv_bin())
    indexes = indexes or pip_index_options()
    python = sys.executable
    # "compiled": environments are built with bytecode (an older, uncompiled one is
    # not reused: a command under PYTHONDONTWRITEBYTECODE would import from source).
    key = hashlib.sha256(
        "\n".join([python, "compiled", *sorted(requirements), *indexes.uv_args()]).encode()
    ).hexdigest()[:16]
    base = cache_dir() / "upgrade-envs"
    target = base / key
    base.mkdir(parents=True, exist_ok=True)
    with FileLock(base / f"{key}.lock"):
        if (target / ".complete").is_file():
            return target
        # A venv's scripts embed its path, so it is built where it will live; the
        # ``.complete`` marker is written last, so a half-built one is rebuilt.
        shutil.rmtree(target, ignore_errors=True)
        for cmd in (
            [uv, "venv", "--quiet", "--python", python, str(target)],
            [uv, "pip", "install", "--quiet", "--compile-bytecode",
             "--python", str(target / "bin" / "python"),
             *indexes.uv_args(), *requirements],
        ):
            proc = _proc.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise ToolchainError(
                    "could not build the isolated contract environment: "
                    + " ".join(proc.stderr.split())[-500:]
                )
        (target / ".complete").write_text("\n".join(requirements) + "\n")
    return target


def run_command_gate(
    command: list[str], *, root: Path, version: str, requirements: list[str], models_dir: Path
) -> ContractOutcome:
    started = time.perf_counter()
    venv = isolated_env(requirements)
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env.update(
        VIRTUAL_ENV=str(venv),
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        NEMOCTL_UPGRADE_VERSION=version,
        NEMOCTL_MODELS_DIR=str(models_dir),
    )
    proc = _proc.run(command, cwd=root, env=env, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    failed = tuple(
        m.group("name") for line in output.splitlines() if (m := _FAILED_LINE.match(line))
    )
    if proc.returncode != 0 and not failed:
        failed = (f"{shlex.join(command)} (exit {proc.returncode})",)
    passed = proc.returncode == 0
    return ContractOutcome(
        passed=passed,
        runner=shlex.join(command),
        failed=failed,
        duration_s=time.perf_counter() - started,
        upstream_version=version,
        output_tail="" if passed else "\n".join(output.strip().splitlines()[-30:]),
    )


def run_gate(
    config: Config, version: str, *, requirements: list[str], models_dir: Path
) -> ContractOutcome:
    """Run the project's contract command, or nemoctl's LiteLLM contract suite."""
    command = configured_command(config)
    if command is not None:
        return run_command_gate(
            command, root=config.root, version=version, requirements=requirements,
            models_dir=models_dir,
        )
    from nemoctl.contracts import run_contracts

    started = time.perf_counter()
    run = run_contracts(version, models_dir=models_dir, **suite_options(config))
    return outcome_of(run, time.perf_counter() - started)


def suite_options(config: Config) -> dict[str, Any]:
    """The gateway's own proxy config and test environment ([tool.nemoctl.contracts])."""
    settings = config.contracts
    return {"proxy_config": settings.proxy_config if settings else None,
            "test_env": settings.test_env if settings else None}


def outcome_of(run: ContractRun, duration_s: float) -> ContractOutcome:
    """The gate's view of a run of nemoctl's own contract suite."""
    results = tuple(
        {"name": r.name, "outcome": r.outcome, "message": r.message} for r in run.results
    )
    return ContractOutcome(
        passed=bool(run.passed),
        runner="nemoctl.contracts",
        failed=tuple(r.name for r in run.failures),
        total=len(run.results),
        duration_s=duration_s,
        upstream_version=run.litellm_version,
        results=results,
    )
