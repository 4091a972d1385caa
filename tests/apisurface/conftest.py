"""Real LiteLLM wheels (fetched from PyPI once, cached) and the reference consumer.

Fast tests build inventories of a *subset* of a real wheel's files (a few modules load
in well under a second); the slow ones use whole-wheel inventories, built once and
shared through nemoctl's cache (``inventory_for``; ~20-45 s CPU per version cold).
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from nemoctl.apisurface import rules  # noqa: F401 - registers the API_ rules
from nemoctl.apisurface.consumer import scan_source
from nemoctl.apisurface.inventory import Inventory
from nemoctl.apisurface.model import ApiUsage

REPO = Path(__file__).resolve().parents[2]
HOOKS = REPO / "tests" / "fixtures" / "apisurface" / "hooks_1_102_4.py"
HOOKS_PATH = "backend/hooks.py"


def line_of(text: str, source: Path = HOOKS, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``source`` that contains ``text``."""
    seen = 0
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{text!r} not in {source}")


@functools.cache
def real_tree(version: str) -> Path:
    """The verified, unpacked wheel (checked once per session: the check stats every
    file of the tree)."""
    from nemoctl.upstream.unpack import unpacked_wheel

    return Path(unpacked_wheel("litellm", version).path)


def subset_inventory(version: str, files: Iterable[str], into: Path) -> Inventory:
    """The inventory of only ``files`` of the real wheel (copied into ``into``), cached in
    nemoctl's cache under the digest of those files (as a wheel's is under its own), so
    a second run of the suite reads it instead of running griffe again."""
    import hashlib

    from nemoctl.apisurface.cache import cached_inventory

    source = real_tree(version)
    digest = hashlib.sha256(version.encode())
    for rel in sorted(files):
        target = into / version / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target)
        digest.update(rel.encode() + b"\0" + target.read_bytes() + b"\0")
    return cached_inventory(into / version, digest.hexdigest(), "litellm", version)


def usage_of(source: bytes, path: str = HOOKS_PATH) -> ApiUsage:
    return ApiUsage(tuple(scan_source(source, path)), 1)


@pytest.fixture(scope="session")
def hooks_usage() -> ApiUsage:
    return usage_of(HOOKS.read_bytes())
