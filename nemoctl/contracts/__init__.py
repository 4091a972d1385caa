"""The upstream contract suite: what the gateway relies on in LiteLLM, checked per version.

``run_contracts()`` runs it against the installed LiteLLM; ``run_contracts("1.106.0")``
against that version in an isolated cached environment; ``run_matrix([...])`` once per
version, tabulated.  See ``docs/contracts.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
    from nemoctl.config.contracts import ContractsSettings
    from nemoctl.contracts.catalogue import Contract, contracts
    from nemoctl.contracts.matrix import ContractMatrix, MatrixRow, run_matrix
    from nemoctl.contracts.models import ModelsStatus
    from nemoctl.contracts.proxy_config import EffectiveConfig, SuiteSetting, effective_config
    from nemoctl.contracts.result import ContractResult, ContractRun
    from nemoctl.contracts.runner import run_contracts

_WHERE = {
    "Contract": "catalogue",
    "contracts": "catalogue",
    "ContractMatrix": "matrix",
    "MatrixRow": "matrix",
    "run_matrix": "matrix",
    "ModelsStatus": "models",
    "EffectiveConfig": "proxy_config",
    "SuiteSetting": "proxy_config",
    "effective_config": "proxy_config",
    "ContractResult": "result",
    "ContractRun": "result",
    "run_contracts": "runner",
    "ContractsSettings": "settings",
}

__all__ = [
    "Contract",
    "ContractMatrix",
    "ContractResult",
    "ContractRun",
    "ContractsSettings",
    "EffectiveConfig",
    "MatrixRow",
    "ModelsStatus",
    "SuiteSetting",
    "contracts",
    "effective_config",
    "run_contracts",
    "run_matrix",
]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
