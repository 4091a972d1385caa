"""The layer order of docs/architecture.md holds: import-linter's contracts in
pyproject.toml (layers + independence; imports inside functions count,
``TYPE_CHECKING`` imports do not) pass on the package, and do fail on a copy of it
with one import against the order, while a ``TYPE_CHECKING`` import stays allowed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the ``nemoctl`` found in ``package_parent``."""
    return subprocess.run(
        [sys.executable, "-P", "-c", LINT, "--config", str(config), "--no-cache"],
        cwd=package_parent, env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300, check=False,
    )


def test_the_package_keeps_every_contract() -> None:
    proc = lint(ROOT, ROOT / "pyproject.toml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout
    assert "nemoctl layers KEPT" in proc.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "nemoctl", where / "nemoctl",
                    ignore=shutil.ignore_patterns("__pycache__", "node_modules", "*.wasm"))
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    return where


def _append(copy: Path, rel: str, code: str) -> str:
    path = copy / "nemoctl" / rel
    original = path.read_text()
    path.write_text(original + code)
    return original


@pytest.mark.parametrize(("rel", "code", "broken"), [
    # config is a leaf: even an import inside a function is refused.
    ("config/__init__.py", "\n\ndef _late() -> None:\n    from nemoctl.upgrade import pipeline\n",
     "nemoctl.config is not allowed to import nemoctl.upgrade"),
    # a feature package importing another of its layer (a cycle in the making)
    ("codegen/proof.py", "\nfrom nemoctl.impact import scan\n",
     "nemoctl.codegen is not allowed to import nemoctl.impact"),
])
def test_an_import_against_the_order_breaks_the_contract(
    copy: Path, rel: str, code: str, broken: str,
) -> None:
    original = _append(copy, rel, code)
    try:
        proc = lint(copy, copy / "pyproject.toml")
    finally:
        (copy / "nemoctl" / rel).write_text(original)
    assert proc.returncode != 0
    assert broken in proc.stdout, proc.stdout


def test_type_checking_imports_do_not_count(copy: Path) -> None:
    code = ("\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from nemoctl.upgrade.report import UpgradeReport\n")
    original = _append(copy, "config/__init__.py", code)
    try:
        proc = lint(copy, copy / "pyproject.toml")
    finally:
        (copy / "nemoctl" / "config/__init__.py").write_text(original)
    assert proc.returncode == 0, proc.stdout
