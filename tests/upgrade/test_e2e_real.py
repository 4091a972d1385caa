"""End to end against the real registry: a tmp project upgraded 1.102.4 → 1.106.0.

Marked slow (real 27-40 MB wheels, an isolated LiteLLM environment, the real
contract suite): `uv run pytest tests/upgrade -m slow`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.upgrade.real_repo import FROM_VERSION, TO_EXTRAS, TO_VERSION, build_real_consumer, git

pytestmark = pytest.mark.slow


def test_real_upgrade_commits_pins_lock_schema_types(tmp_path: Path) -> None:
    repo = build_real_consumer(tmp_path / "gateway")
    base = git(repo, "rev-parse", "HEAD").strip()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "nemoctl"), "upgrade", "litellm", TO_VERSION,
         "--commit", "--json"],
        cwd=repo, capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout[-3000:]
    report = json.loads(proc.stdout)
    assert (report["from_version"], report["to_version"]) == (FROM_VERSION, TO_VERSION)
    assert report["coupled"] == {"litellm-proxy-extras": TO_EXTRAS}
    assert report["contracts"]["passed"] and report["contracts"]["total"] >= 1
    assert all(s["state"] == "ok" for s in report["schema"]["sacred"])
    changed = set(git(repo, "diff", "--name-only", base, "HEAD").split())
    assert {"pyproject.toml", "uv.lock", "schemas/schema.prisma", "schemas/lock.json"} <= changed
    diff = git(repo, "show", "--format=", "-U0", "HEAD", "--", "pyproject.toml")
    assert [line for line in diff.splitlines() if line[:1] in "+-"
            and not line.startswith(("+++", "---"))] == [
        f'-    "litellm[proxy]=={FROM_VERSION}",  # moved only by `nemoctl upgrade`',
        '-    "litellm-proxy-extras==0.4.97",',
        f'+    "litellm[proxy]=={TO_VERSION}",  # moved only by `nemoctl upgrade`',
        f'+    "litellm-proxy-extras=={TO_EXTRAS}",',
    ]
    assert f'name = "litellm"\nversion = "{TO_VERSION}"' in (repo / "uv.lock").read_text()
    assert git(repo, "status", "--porcelain") == ""
    print("\nstep timings:", {s["name"]: s["duration_s"] for s in report["steps"]})
