"""Shared pieces for the contract-suite tests: the fake LiteLLM and the models to validate with."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAKE_LITELLM = Path(__file__).resolve().parent / "fake_litellm"


@pytest.fixture
def models_dir() -> Path:
    """The generated models the spend-log contract validates against (the repo's, pinned)."""
    override = os.environ.get("NEMOCTL_TEST_MODELS_DIR")
    return Path(override) if override else REPO / "generated" / "python"


@pytest.fixture
def fake_litellm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Put the fake ``litellm`` ahead of the real one for the suite's child process."""
    monkeypatch.setenv("PYTHONPATH", str(FAKE_LITELLM))
    monkeypatch.delenv("FAKE_LITELLM_BREAK", raising=False)
    yield FAKE_LITELLM
