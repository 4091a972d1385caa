"""``[tool.nemoctl.contracts]``: the project's contract-suite settings.

    [tool.nemoctl.contracts]
    proxy-config = "deploy/litellm_config.yaml"   # run the suite under the gateway's config
    command = ["python", "-m", "pytest", "tests/contracts"]  # or: the project's own suite
    [tool.nemoctl.contracts.test-env]              # what os.environ/NAME resolves to
    LITELLM_MASTER_KEY = "sk-test-..."

The table's schema (``ContractsTable``) is validated with every other table by
:func:`nemoctl.config.load_config`; ``ContractsSettings`` is what the suite runs with.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from nemoctl.errors import ConfigError
from nemoctl.tables import MinLen, ProjectPath, Table, key


@dataclass(frozen=True)
class ContractsTable(Table):
    """``[tool.nemoctl.contracts]``: the project's own contract suite for ``upgrade``."""

    command: str | Annotated[list[str], MinLen(1)] | None = None
    #: The gateway's LiteLLM proxy config the built-in suite runs under (contracts.md).
    proxy_config: ProjectPath | None = key(None, alias="proxy-config")
    #: What ``os.environ/NAME`` resolves to in that config: test values only.
    test_env: dict[str, str] = key(default_factory=dict, alias="test-env", secret=True)


@dataclass(frozen=True)
class ContractsSettings:
    command: tuple[str, ...] | None = None
    proxy_config: Path | None = None
    #: Test values only: the suite never reads the real environment for these names.
    test_env: dict[str, str] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": list(self.command) if self.command else None,
            "proxy_config": str(self.proxy_config) if self.proxy_config else None,
            "test_env": sorted(self.test_env),
        }


def contracts_from_table(table: ContractsTable | None, root: Path) -> ContractsSettings:
    """The validated table as settings (paths made absolute under ``root``)."""
    if table is None:
        return ContractsSettings()
    # Test values may be real credentials: every later output masks them
    # (nemoctl.redact), whatever path they take into a message or a report.
    from nemoctl.redact import register_secret

    register_secret(*table.test_env.values())
    command = table.command
    argv = tuple(shlex.split(command)) if isinstance(command, str) else command
    return ContractsSettings(
        command=tuple(argv) if argv else None,
        proxy_config=(root / table.proxy_config) if table.proxy_config else None,
        test_env=dict(table.test_env),
    )


def parse_contracts(raw: Any, root: Path) -> ContractsSettings:
    """Validate a raw ``[tool.nemoctl.contracts]`` value (as ``load_config`` does)."""
    if raw is None:
        return ContractsSettings()
    if not isinstance(raw, dict):
        raise ConfigError("[tool.nemoctl.contracts] must be a table")
    return contracts_from_table(ContractsTable.validate(raw, "tool.nemoctl.contracts"), root)
