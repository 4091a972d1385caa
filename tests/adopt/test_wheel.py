"""nemoctl's own wheel ships the library only: no top-level package a consumer's could be."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.adopt.conftest import BIN

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # builds the wheel (hatchling from uv's cache, --offline)
def test_the_wheel_has_no_nemoctl_models(tmp_path: Path) -> None:
    subprocess.run([str(BIN / "uv"), "build", "--wheel", "--offline", "--quiet",
                    "--out-dir", str(tmp_path)], cwd=REPO, check=True, timeout=300)
    (wheel,) = tmp_path.glob("nemoctl-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        tops = {name.split("/")[0] for name in zf.namelist()}
    assert tops == {"nemoctl", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
