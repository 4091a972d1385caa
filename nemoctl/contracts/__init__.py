"""The upstream contract suite: what the gateway relies on in LiteLLM, checked per version.

``run_contracts()`` runs it against the installed LiteLLM; ``run_contracts("1.106.0")``
against that version in an isolated cached environment.  See ``docs/contracts.md``.
"""

from nemoctl.contracts.catalogue import Contract, contracts
from nemoctl.contracts.result import ContractResult, ContractRun
from nemoctl.contracts.runner import run_contracts

__all__ = ["Contract", "ContractResult", "ContractRun", "contracts", "run_contracts"]
