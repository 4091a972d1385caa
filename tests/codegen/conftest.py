from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl import _node
from nemoctl.codegen import render_outputs

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "schemas"
#: Three real LiteLLM schemas, oldest to newest, including the pinned one.
VERSIONS = ("1.60.0", "1.102.4", "1.109.1")
PINNED = "1.102.4"
PINNED_WHEEL_SHA256 = "d2422d3d251b563e7f3406827aa03e59f0692cc3461d691249b70fd63c6cece6"

HEAD = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n\n'


def schema_text(version: str) -> str:
    return (FIXTURES / version / "schema.prisma").read_text(encoding="utf-8")


def write_outputs(root: Path, outputs: dict[str, bytes]) -> Path:
    for rel, data in outputs.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def run_python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports the package generated under ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root / "generated" / "python")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False,
        cwd=root,
    )


def run_tsc(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(_node.bin_path("tsc")), "--noEmit", "--strict", "--target", "es2020",
         "--module", "commonjs", *map(str, files)],
        capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each real schema rendered once per session into its own directory."""
    out: dict[str, Path] = {}
    for version in VERSIONS:
        sha = PINNED_WHEEL_SHA256 if version == PINNED else None
        # The tests import and compile these themselves; the built-in proof is covered
        # by tests/codegen/test_proof.py.
        outputs = render_outputs(
            schema_text(version), upstream_version=version, wheel_sha256=sha, prove=False
        )
        out[version] = write_outputs(tmp_path_factory.mktemp(f"gen-{version}"), outputs)
    return out


@pytest.fixture(scope="module")
def no_remembered_proofs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Successful proofs are cached by output bytes; these tests must prove every time."""
    proofs = tmp_path_factory.mktemp("proof-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("nemoctl.codegen.proof.cache_dir", lambda: proofs)
        yield
