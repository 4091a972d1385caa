"""Run the contract suite against the installed LiteLLM or a given version, results by name.

The suite always runs in a child ``python -m pytest`` (the current interpreter, or the
isolated environment's) so LiteLLM never gets imported into the caller's process and
a crash or a hang in it is contained.  Results come back through pytest's JUnit XML.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import nemoctl
from nemoctl import _proc
from nemoctl._contracts_warmup import FAST_EXIT_ENV
from nemoctl.contracts.catalogue import Contract, contracts
from nemoctl.contracts.envs import ensure_env
from nemoctl.contracts.models import (
    DEFAULT_PACKAGE,
    ModelsStatus,
    compare,
    models_for_version,
    schema_in_env,
)
from nemoctl.contracts.proxy_config import EffectiveConfig, effective_config
from nemoctl.contracts.result import ContractResult, ContractRun
from nemoctl.contracts.suite import gateway
from nemoctl.errors import ContractsFailedError

SUITE_PACKAGE = "nemoctl.contracts.suite"
#: Loaded into every suite run: the upgrade's gate, and the exit without teardown.
WARMUP_PLUGIN = "nemoctl._contracts_warmup"
#: A wedged LiteLLM must not wedge `nemoctl upgrade`; the whole suite takes ~10-20 s.
DEFAULT_TIMEOUT_S = 600.0
_MESSAGE_LIMIT = 600
_CREDENTIALS = re.compile(r"(//)[^/@\s:]+:[^/@\s]+@")

_PYTEST_INI = """\
[pytest]
addopts =
junit_family = xunit1
junit_logging = no
filterwarnings = ignore::DeprecationWarning
"""


def default_models_dir(package: str = DEFAULT_PACKAGE) -> Path | None:
    """The directory holding the ``package`` (generated models) this interpreter imports."""
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).parent
    repo_models = Path(nemoctl.__file__).resolve().parent.parent / "generated" / "python"
    return repo_models if (repo_models / package).is_dir() else None


def run_contracts(
    version: str | None = None,
    *,
    models_dir: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    committed_models: Path | None = None,
    proxy_config: Path | None = None,
    test_env: Mapping[str, str] | None = None,
    models_package: str = DEFAULT_PACKAGE,
    extra_env: Mapping[str, str] | None = None,
    interpreter: Path | None = None,
    interpreter_origin: str | None = None,
) -> ContractRun:
    """Run every contract; ``version=None`` uses the LiteLLM installed next to nemoctl.

    A version runs in an isolated cached environment (built on first use) and never
    touches the active one.  The spend-log contract validates against ``models_dir``
    when given (the upgrade gate passes the models it just regenerated); for a version
    without one, against models rendered for that version from the schema it ships, and
    ``committed_models`` (default: the ``models_package`` importable here) is then checked
    for staleness separately (:attr:`ContractRun.models`), never as a contract failure.
    The proxy runs under ``proxy_config`` (see :mod:`nemoctl.contracts.proxy_config`) or,
    without one, under LiteLLM's defaults.  ``extra_env`` is added to the suite's
    environment (the upgrade loads a plugin with it that lets the contracts needing no
    models run before the regenerated models exist).  ``interpreter`` (without a version)
    runs the suite with the consumer's own environment's Python, so the LiteLLM tested is
    the one the project ships; ``interpreter_origin`` says how that environment was found.
    """
    started = time.monotonic()
    config = effective_config(proxy_config, test_env)
    env_path: Path | None = None
    reused: bool | None = None
    staleness: ModelsStatus | None = None
    models: Path | None
    consumer = version is None and interpreter is not None
    if version is None:
        python = interpreter if interpreter is not None else Path(sys.executable)
        models = models_dir if models_dir is not None else default_models_dir(models_package)
    else:
        env = ensure_env(version)
        python, env_path, reused = env.python, env.path, env.reused
        if models_dir is not None:
            models = models_dir
        else:
            models = models_for_version(schema_in_env(env.path), version, package=models_package)
            committed_models = committed_models or default_models_dir(models_package)
        if committed_models is not None and (committed_models / models_package).is_dir():
            assert models is not None
            staleness = compare(committed_models, models, version, models_package)
    with tempfile.TemporaryDirectory(prefix="nemoctl-contracts-") as tmp:
        stage = Path(tmp)
        xml_path = stage / "junit.xml"
        proc = _run_pytest(
            python,
            stage,
            xml_path,
            models,
            isolated=version is not None,
            timeout=timeout,
            config=config,
            package=models_package,
            extra_env=extra_env,
            consumer=consumer,
        )
        if not xml_path.is_file():
            raise ContractsFailedError(
                "the contract suite could not run"
                + (f" against litellm {version}" if version else "")
                + ":\n"
                + _tail(proc.stdout + proc.stderr),
            )
        xml_text = xml_path.read_text(encoding="utf-8")
        litellm_version, results = parse_junit(xml_text)
        distribution = suite_property(xml_text, "litellm_distribution")
    catalogue = contracts()
    order = {c.name: i for i, c in enumerate(catalogue)}
    results = sorted(
        _with_missing(results, catalogue), key=lambda r: (order.get(r.name, len(order)), r.name)
    )
    return ContractRun(
        results=tuple(results),
        litellm_version=litellm_version or version or "unknown",
        duration_s=round(time.monotonic() - started, 2),
        requested_version=version,
        environment=str(env_path) if env_path else None,
        environment_reused=reused,
        settings=config.settings,
        proxy_config=str(config.source) if config.source else None,
        models=staleness,
        models_dir=str(models) if models else None,
        interpreter=str(python),
        litellm_distribution=distribution,
        interpreter_origin=interpreter_origin if consumer else (
            "isolated environment" if version is not None else "nemoctl's own environment"),
    )


def _run_pytest(
    python: Path,
    stage: Path,
    xml_path: Path,
    models: Path | None,
    *,
    isolated: bool,
    timeout: float,
    config: EffectiveConfig,
    package: str = DEFAULT_PACKAGE,
    extra_env: Mapping[str, str] | None = None,
    consumer: bool = False,
) -> subprocess.CompletedProcess[str]:
    # The stage puts exactly nemoctl and the chosen models on the child's path: an
    # installed nemoctl's parent is site-packages, which must not leak into the env.
    (stage / "nemoctl").symlink_to(Path(nemoctl.__file__).resolve().parent, True)
    if models is not None and (models / package).is_dir():
        (stage / package).symlink_to((models / package).resolve(), True)
    (stage / "pytest.ini").write_text(_PYTEST_INI)
    # JSON is YAML: LiteLLM reads it as its config file.  It may hold test secrets, so it
    # lives only in this private temporary directory.
    config_path = stage / "proxy_config.yaml"
    config_path.write_text(json.dumps(config.config, indent=2, sort_keys=True))
    config_path.chmod(0o600)
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env[gateway.CONFIG_ENV] = str(config_path)
    env[gateway.MODELS_PACKAGE_ENV] = package
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env[FAST_EXIT_ENV] = "1"
    env.update(extra_env or {})
    if isolated or consumer:
        env["PYTHONPATH"] = str(stage)
        env["PYTHONNOUSERSITE"] = "1"
        # The environment was compiled when it was built (envs.py), so LiteLLM's proxy
        # imports from bytecode (~7 s, twice that from source) whatever the caller's
        # PYTHONDONTWRITEBYTECODE says; and the run writes no __pycache__ into the
        # shared environment or next to the models in the user's repository.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(stage), env.get("PYTHONPATH")) if p)
    # The consumer's environment need not hold pytest: its own packages come first, and
    # nemoctl's pytest (only pytest and what it imports) is appended after them.
    launcher = ["-c", _CONSUMER_BOOTSTRAP, _pytest_path(stage)] if consumer else ["-m", "pytest"]
    cmd = [
        str(python),
        *launcher,
        "-c",
        str(stage / "pytest.ini"),
        "--rootdir",
        str(stage),
        "-p",
        "no:cacheprovider",
        "-p",
        WARMUP_PLUGIN,
        "-q",
        "--no-header",
        "-rN",
        "--junitxml",
        str(xml_path),
        "--pyargs",
        SUITE_PACKAGE,
    ]
    try:
        return _proc.run(
            cmd, cwd=stage, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ContractsFailedError(
            f"the contract suite did not finish within {timeout:.0f} s"
        ) from None
    except FileNotFoundError:
        raise ContractsFailedError(f"no Python interpreter at {python}") from None


#: ``python -c`` program for a consumer's environment: nemoctl's pytest goes *after*
#: the environment's own site-packages, so a pytest (or anything) it holds wins.
_CONSUMER_BOOTSTRAP = (
    "import sys; sys.path.append(sys.argv.pop(1)); sys.argv[0] = 'pytest'; "
    "import pytest; raise SystemExit(pytest.main(sys.argv[1:]))"
)
#: What nemoctl lends a consumer environment that lacks pytest (pytest's own imports).
_PYTEST_PARTS = ("pytest", "_pytest", "pluggy", "iniconfig", "py.py", "pygments", "packaging")


def _pytest_path(stage: Path) -> str:
    """A directory of links to nemoctl's pytest and its dependencies (appended last)."""
    import pytest as _pytest_module

    site = Path(_pytest_module.__file__).resolve().parent.parent
    lent = stage / "_nemoctl_pytest"
    lent.mkdir()
    for part in _PYTEST_PARTS:
        if (site / part).exists():
            (lent / part).symlink_to(site / part, (site / part).is_dir())
    return str(lent)


def suite_property(text: str, name: str) -> str | None:
    """One test-suite property the suite recorded (``litellm_distribution``)."""
    for prop in ET.fromstring(text).iter("property"):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def parse_junit(text: str) -> tuple[str | None, list[ContractResult]]:
    """LiteLLM's version and one result per test case, from pytest's JUnit XML."""
    root = ET.fromstring(text)
    version: str | None = None
    for prop in root.iter("property"):
        if prop.get("name") == "litellm_version":
            version = prop.get("value")
    results: list[ContractResult] = []
    for case in root.iter("testcase"):
        outcome, message = "passed", ""
        for tag, name in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
            node = case.find(tag)
            if node is not None:
                outcome = name
                message = _message(node)
                break
        observations = {
            p.get("name", ""): p.get("value", "") for p in case.findall("properties/property")
        }
        results.append(
            ContractResult(
                name=case.get("name", ""),
                outcome=outcome,
                message=message,
                module=(case.get("classname") or "").rsplit(".", 1)[-1],
                duration_s=round(float(case.get("time") or 0.0), 3),
                observations=tuple(sorted(observations.items())),
            )
        )
    return version, results


def _message(node: ET.Element) -> str:
    """The assertion text, not the traceback: what follows ``AssertionError:``."""
    text = node.get("message") or ""
    if not text:
        lines = (node.text or "").strip().splitlines()
        text = lines[-1] if lines else ""
    text = re.sub(r"^(AssertionError|assert):?\s*", "", text.strip())
    text = _CREDENTIALS.sub(r"\1***@", text.split("\nassert ")[0].strip())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _with_missing(results: list[ContractResult], catalogue: list[Contract]) -> list[ContractResult]:
    """A contract the run did not report (its module failed to import, say) is a failure."""
    seen = {r.name for r in results}
    missing = [
        ContractResult(
            name=c.name, outcome="not run", message="the suite did not report it", module=c.module
        )
        for c in catalogue
        if c.name not in seen
    ]
    return results + missing


def _tail(text: str, lines: int = 20) -> str:
    kept = "\n".join(text.strip().splitlines()[-lines:])
    return _CREDENTIALS.sub(r"\1***@", kept)
