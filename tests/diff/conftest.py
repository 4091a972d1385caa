from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.schema import Schema, parse_many

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
VERSIONS = ("1.60.0", "1.80.0", "1.100.0", "1.102.4", "1.106.0", "1.108.0", "1.109.1")
REPO = Path(__file__).resolve().parents[2]


def fixture_path(version: str) -> Path:
    return FIXTURES / version / "schema.prisma"


@pytest.fixture(scope="session")
def real() -> dict[str, Schema]:
    """Every real LiteLLM schema fixture, parsed once (one node start at most)."""
    texts = [(fixture_path(v).read_text(encoding="utf-8"), v) for v in VERSIONS]
    return dict(zip(VERSIONS, parse_many(texts), strict=True))
