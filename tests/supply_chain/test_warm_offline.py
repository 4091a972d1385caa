"""A warm ``nemoctl diff --from VERSION --to VERSION`` opens no connection.

The index is a real local one; after the first (cold) run it is shut down, so its
port is closed: the same pip configuration now points at nothing listening.  A warm
run must still succeed and give the same report, while ``--refresh`` (which asks the
index) fails, proving the closed port would have been noticed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from nemoctl.paths import cache_dir
from tests.supply_chain.conftest import make_project
from tests.supply_chain.test_diff_cli import Serve

NEMOCTL = Path(sys.executable).parent / "nemoctl"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"


def _diff(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEMOCTL), "diff", "--no-sacred", "--no-acks", "--format", "json",
         "--from", "1.2.0", "--to", "1.3.0", *args],
        cwd=project, env=dict(os.environ), capture_output=True, text=True, timeout=300,
        check=False,
    )


def test_warm_version_diff_needs_no_index(serve: Serve, tmp_path: Path,
                                          cold_cache: Path) -> None:
    project = tmp_path / "proj"
    make_project(project)
    real_node = Path(os.environ.get("HOME", "~")).expanduser() / ".cache" / "nemoctl" / "node"
    if real_node.is_dir():  # reuse the installed Prisma parser; wheels stay cold
        cold_cache.mkdir(parents=True, exist_ok=True)
        (cold_cache / "node").symlink_to(real_node)
    assert cache_dir() == cold_cache

    with serve() as idx:
        cold = _diff(project)
        asked = len(idx.requests)
    assert cold.returncode in (0, 1, 4), cold.stderr
    assert asked > 0, "the cold run must have used the index"

    # The server is gone: its port is closed, pip's configuration is unchanged.
    warm = _diff(project)
    assert warm.returncode == cold.returncode, warm.stderr
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    assert "could not read any package index" not in warm.stderr

    refreshed = _diff(project, "--refresh")
    assert refreshed.returncode == 3, refreshed.stderr
    assert "could not read any package index" in refreshed.stderr
