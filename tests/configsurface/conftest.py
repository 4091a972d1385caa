"""Real LiteLLM inventories, shared by the session (scanned once per wheel, then cached).

The wheels come from PyPI through nemoctl's verified wheel cache (``fetch_wheel``);
the inventory is cached under the default cache directory, so only the first session
on a machine pays the scan (~25-35 s CPU a version)."""

from __future__ import annotations

import pytest

from nemoctl.configsurface.inventory import inventory
from nemoctl.configsurface.model import ConfigInventory

PAIRS = (("1.102.4", "1.106.0"), ("1.106.0", "1.110.2"))


@pytest.fixture(scope="session")
def real_inventory() -> dict[str, ConfigInventory]:
    cache: dict[str, ConfigInventory] = {}

    class _Lazy(dict[str, ConfigInventory]):
        def __missing__(self, version: str) -> ConfigInventory:
            cache[version] = inventory("litellm", version)
            self[version] = cache[version]
            return cache[version]

    return _Lazy()
