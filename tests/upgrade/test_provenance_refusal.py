"""An upgrade refuses, before any write, while LiteLLM comes from a local checkout."""

from __future__ import annotations

from pathlib import Path

from tests.upgrade.conftest import Consumer, git


def _editable_checkout(consumer: Consumer, tmp_path: Path) -> int:
    checkout = tmp_path / "litellm-fork"
    (checkout / "litellm").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text('[project]\nname = "litellm"\nversion = "1.0.0"\n')
    (checkout / "litellm" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    pyproject = consumer.root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text + f'\n[tool.uv.sources]\nlitellm = {{ path = "{checkout}", '
                         'editable = true }\n')
    git(consumer.root, "commit", "-qam", "litellm from a local checkout")
    return len(text.splitlines()) + 3


def test_editable_path_upgrade_refuses_byte_identical(consumer: Consumer,
                                                       tmp_path: Path) -> None:
    line = _editable_checkout(consumer, tmp_path)
    before, head = consumer.hashes(), consumer.head()
    proc = consumer.cli("litellm", "1.1.0")
    assert proc.returncode == 4, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert f"pyproject.toml:{line}: litellm comes as an editable install" in out
    assert "SOURCE_EDITABLE" in out and "way back" in out
    assert "Traceback" not in out
    assert consumer.hashes() == before
    assert consumer.head() == head and consumer.status() == ""
