"""What a contract run returns: plain data, rendered elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nemoctl.contracts.models import ModelsStatus
    from nemoctl.contracts.proxy_config import SuiteSetting

#: Outcomes that count as a broken contract.
FAILING = frozenset({"failed", "error", "not run"})


@dataclass(frozen=True)
class ContractResult:
    """One contract (a named test in the suite) and how it went."""

    name: str
    outcome: str  # passed | failed | error | skipped | not run
    message: str = ""
    module: str = ""
    duration_s: float = 0.0
    #: What the suite recorded about this version's behaviour (e.g. ``stream_cost_header``).
    observations: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return self.outcome not in FAILING

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "passed": self.passed,
            "message": self.message,
            "module": self.module,
            "duration_s": self.duration_s,
            "observations": dict(self.observations),
        }


@dataclass(frozen=True)
class ContractRun:
    results: tuple[ContractResult, ...]
    litellm_version: str
    duration_s: float
    requested_version: str | None = None
    #: The isolated environment used, when a version was requested.
    environment: str | None = None
    environment_reused: bool | None = None
    #: Every setting the suite added, replaced or removed in the proxy config it ran under.
    settings: tuple[SuiteSetting, ...] = ()
    #: The consumer's proxy config the suite ran under (``None``: LiteLLM's defaults).
    proxy_config: str | None = None
    #: For a version: whether the committed models are stale for it (not a contract).
    models: ModelsStatus | None = None
    #: The generated models the payload contracts validated against.
    models_dir: str | None = None
    #: The interpreter the suite ran with, and the LiteLLM distribution it imported
    #: (``litellm 1.102.4 at /…/site-packages``), as the suite itself saw it.
    interpreter: str | None = None
    litellm_distribution: str | None = None
    #: Whose environment that was: the project's (``.venv``, ``poetry``, ...), an
    #: isolated one, or nemoctl's own.
    interpreter_origin: str | None = None

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    def observations(self) -> dict[str, str]:
        """Every recorded observation as ``<contract>.<key>`` (what the matrix compares)."""
        return {f"{r.name}.{k}": v for r in self.results for k, v in r.observations}

    @property
    def failures(self) -> tuple[ContractResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    def result(self, name: str) -> ContractResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "litellm_version": self.litellm_version,
            "requested_version": self.requested_version,
            "passed": self.passed,
            "failed": [r.name for r in self.failures],
            "duration_s": self.duration_s,
            "environment": self.environment,
            "environment_reused": self.environment_reused,
            "proxy_config": self.proxy_config,
            "settings": [s.to_dict() for s in self.settings],
            "models_dir": self.models_dir,
            "interpreter": self.interpreter,
            "interpreter_origin": self.interpreter_origin,
            "litellm_distribution": self.litellm_distribution,
            "models": self.models.to_dict() if self.models else None,
            "results": [r.to_dict() for r in self.results],
        }
