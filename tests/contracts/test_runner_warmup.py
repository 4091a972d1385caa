"""The plugin every suite run loads (``nemoctl._contracts_warmup``), in a real pytest child.

- Fast exit: the child leaves right after pytest unconfigured, with pytest's exit
  status and its JUnit XML written, and without running interpreter teardown (an
  atexit handler registered by a test does not run; without the switch it does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from nemoctl._contracts_warmup import FAST_EXIT_ENV
from nemoctl.contracts.runner import WARMUP_PLUGIN

REPO = Path(__file__).resolve().parents[2]

TESTS = """\
import atexit
import os
from pathlib import Path

def _teardown():
    Path(os.environ["MARK_DIR"], "atexit").write_text("ran")

atexit.register(_teardown)

def test_passes():
    Path(os.environ["MARK_DIR"], "ran").write_text("yes")

def test_fails():
    assert 1 == 2
"""


def _run(tmp_path: Path, env_extra: dict[str, str],
         wait: bool = True) -> subprocess.CompletedProcess[str] | subprocess.Popen[str]:
    suite = tmp_path / "suite"
    suite.mkdir(exist_ok=True)
    (suite / "test_sample.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k != FAST_EXIT_ENV}
    env.update(PYTHONPATH=str(REPO), MARK_DIR=str(tmp_path), **env_extra)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", WARMUP_PLUGIN,
           "-q", "--junitxml", str(tmp_path / "junit.xml"), str(suite)]
    if not wait:
        return subprocess.Popen(cmd, cwd=tmp_path, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)


def _cases(tmp_path: Path) -> dict[str, bool]:
    root = ET.parse(tmp_path / "junit.xml").getroot()
    return {c.get("name", ""): c.find("failure") is None for c in root.iter("testcase")}


def test_fast_exit_keeps_status_and_junit_and_skips_teardown(tmp_path: Path) -> None:
    proc = _run(tmp_path, {FAST_EXIT_ENV: "1"})
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _cases(tmp_path) == {"test_passes": True, "test_fails": False}
    assert "1 failed, 1 passed" in proc.stdout  # the terminal summary was printed
    assert not (tmp_path / "atexit").exists(), "interpreter teardown ran"


def test_without_the_switch_teardown_runs(tmp_path: Path) -> None:
    proc = _run(tmp_path, {})
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (tmp_path / "atexit").read_text() == "ran"

