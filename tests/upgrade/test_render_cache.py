"""The verified render cache regenerate uses (``codegen.render.cached_render_outputs``).

A repeated render of the same inputs is served from the cache (the generators do not
run) and is byte-identical to a fresh render; a tampered entry or other inputs (the
version) render afresh.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from nemoctl.codegen import render as render_module
from nemoctl.codegen.render import cached_render_outputs, render_outputs
from tests.upgrade.conftest import SCHEMAS


@pytest.fixture
def renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The versions rendered for real (a spy that calls through to render_outputs)."""
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[str] = []
    real = render_module.render_outputs

    def spy(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        calls.append(kwargs["upstream_version"])
        return real(*args, **kwargs)

    monkeypatch.setattr(render_module, "render_outputs", spy)
    return calls


def _entry(tmp_path: Path) -> Path:
    (entry,) = (tmp_path / "cache" / "render").glob("*.json")
    return entry


def test_a_repeat_is_served_from_the_cache_byte_identical(
    tmp_path: Path, renders: list[str]
) -> None:
    first = cached_render_outputs(SCHEMAS["1.1.0"], upstream_version="1.1.0", wheel_sha256=None)
    second = cached_render_outputs(SCHEMAS["1.1.0"], upstream_version="1.1.0", wheel_sha256=None)
    assert renders == ["1.1.0"]
    assert second == first == render_outputs(
        SCHEMAS["1.1.0"], upstream_version="1.1.0", wheel_sha256=None)
    cached_render_outputs(SCHEMAS["1.1.0"], upstream_version="1.2.0", wheel_sha256=None)
    assert renders == ["1.1.0", "1.2.0"], "another version is another key"


def test_a_tampered_entry_is_rendered_again_and_replaced(
    tmp_path: Path, renders: list[str]
) -> None:
    good = cached_render_outputs(SCHEMAS["1.1.0"], upstream_version="1.1.0", wheel_sha256=None)
    entry = _entry(tmp_path)
    stored = json.loads(entry.read_text())
    models = next(rel for rel in stored if rel.endswith("/models.py"))
    stored[models] = base64.b64encode(b"# edited in the cache\n").decode()
    entry.write_text(json.dumps(stored))
    again = cached_render_outputs(SCHEMAS["1.1.0"], upstream_version="1.1.0", wheel_sha256=None)
    assert again == good and renders == ["1.1.0", "1.1.0"]
    assert json.loads(entry.read_text())[models] == base64.b64encode(good[models]).decode()
    entry.write_text("{not json")
    assert cached_render_outputs(
        SCHEMAS["1.1.0"], upstream_version="1.1.0", wheel_sha256=None) == good
    assert len(renders) == 3
