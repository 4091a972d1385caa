"""Moved to :mod:`nemoctl.config.contracts` (the configuration layer declares every
table); kept so imports written against the old path work."""

from nemoctl.config.contracts import (
    ContractsSettings,
    ContractsTable,
    contracts_from_table,
    parse_contracts,
)

__all__ = ["ContractsSettings", "ContractsTable", "contracts_from_table", "parse_contracts"]
