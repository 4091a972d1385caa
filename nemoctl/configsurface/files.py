"""Which proxy configs a project names (no parsing: ``check`` asks this on every run)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nemoctl.config import Config


def config_files(config: Config) -> tuple[Path, ...]:
    """``[tool.nemoctl.contracts] proxy-config``, then ``[tool.nemoctl.config] files``."""
    files: list[Path] = []
    if config.contracts is not None and config.contracts.proxy_config is not None:
        files.append(config.contracts.proxy_config)
    files += [f for f in config.config_files if f not in files]
    return tuple(files)
