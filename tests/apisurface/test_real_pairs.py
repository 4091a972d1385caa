"""Whole real wheels, real release pairs, the reference consumer: exact findings at exact
lines, agreeing with what importing each release shows (tests/fixtures/apisurface/).

Slow: a cold inventory costs ~20-45 s CPU per release; they are built once into
nemoctl's cache (``<cache>/surfaces/<wheel sha256>/api.sqlite``) and shared by every
test and run after that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.apisurface.cache import inventory_for
from nemoctl.apisurface.inventory import Inventory
from nemoctl.apisurface.judge import judge
from nemoctl.apisurface.model import ApiUsage
from tests.apisurface.conftest import HOOKS, REPO, line_of
from tests.apisurface.test_judge_subset import EXPECTED_A, EXPECTED_B

pytestmark = pytest.mark.slow

CONFIRMED = json.loads((REPO / "tests" / "fixtures" / "apisurface" / "confirmed.json")
                       .read_text(encoding="utf-8"))
WHOLE_A = EXPECTED_A | {("API_KEYWORD_REMOVED", "litellm.proxy.proxy_server.initialize",
                         (line_of("await initialize("),))}


@pytest.fixture(scope="session")
def inventories() -> dict[str, Inventory]:
    return {v: inventory_for("litellm", v) for v in ("1.102.4", "1.106.0", "1.110.2")}


def _found(report: object) -> set[tuple[str, str, tuple[int, ...]]]:
    return {(f.rule_id, f.subject, tuple(p.line for p in f.used_at))
            for f in report.findings}  # type: ignore[attr-defined]


def test_pair_a_whole_wheels(inventories: dict[str, Inventory], hooks_usage: ApiUsage) -> None:
    report = judge(hooks_usage, inventories["1.102.4"], inventories["1.106.0"])
    assert _found(report) == WHOLE_A
    assert report.unused_changes > 2000  # thousands of changes; the code reaches 8


def test_pair_b_whole_wheels(inventories: dict[str, Inventory], hooks_usage: ApiUsage) -> None:
    report = judge(hooks_usage, inventories["1.106.0"], inventories["1.110.2"])
    # The Router (a __getattr__ façade in 1.110.2) is not claimed removed; the calls on
    # it cannot be told statically and say so, without blocking.
    cannot = {f.subject for f in report.findings if f.rule_id == "API_CANNOT_TELL"}
    assert all(not f.blocking for f in report.findings if f.rule_id == "API_CANNOT_TELL")
    assert _found(report) - {x for x in _found(report) if x[1] in cannot} == EXPECTED_B
    assert not any("UserAPIKeyAuth" in f.subject for f in report.findings)


def test_the_findings_agree_with_importing_both_releases() -> None:
    pairs = {(p["old"], p["new"]): p for p in CONFIRMED["pairs"]}
    a = pairs[("1.102.4", "1.106.0")]["probes"]
    b = pairs[("1.106.0", "1.110.2")]["probes"]
    # Each finding above is a real breakage …
    assert a["import all_litellm_params"]["old"] == "ok"
    assert a["import all_litellm_params"]["new"].startswith("ImportError")
    assert a["initialize(telemetry=False)"] == {
        "old": "binds", "new": "TypeError: got an unexpected keyword argument 'telemetry'"}
    assert a["Scheduler.poll(id=, model_name=, health_deployments=)"]["old"] == "binds"
    assert a["Scheduler.poll(id=, model_name=, health_deployments=)"]["new"].startswith(
        "TypeError")
    assert a["ahealth_check mode default"] == {"old": "'chat'", "new": "None"}
    assert b["import DiskCache"]["old"] == "ok"
    assert b["import DiskCache"]["new"].startswith("ImportError")
    assert b["override mark_pre_call_hook_ran(self, data)"]["old"].startswith("binds")
    assert b["override mark_pre_call_hook_ran(self, data)"]["new"].startswith("TypeError")
    assert b["uses_apply_guardrail_interface kind"] == {"old": "function",
                                                        "new": "classmethod"}
    # … and what is not a finding is not broken: the moved, re-exported class imports.
    assert b["import UserAPIKeyAuth"] == {
        "old": "ok from litellm.proxy._types",
        "new": "ok from litellm.types.proxy.auth.user_api_key_auth"}
    # Pair A does not touch what pair B breaks.
    assert a["import DiskCache"] == {"old": "ok", "new": "ok"}
    assert a["uses_apply_guardrail_interface kind"] == {"old": "function", "new": "function"}


# -- as a user runs it ---------------------------------------------------------------------

def _repo(tmp: Path, files: dict[str, bytes], pin: str = "1.102.4") -> Path:
    root = tmp / "repo"
    (root / "backend").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "gw"\nversion = "0"\ndependencies = ["litellm[proxy]=={pin}"]\n',
        encoding="utf-8")
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=root, check=True)
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([str(Path(sys.executable).parent / "nemoctl"), *args], cwd=root,
                          env=env, text=True, capture_output=True, timeout=900)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


def test_impact_to_blocks_on_used_breakages_and_writes_nothing(
        tmp_path: Path, inventories: dict[str, Inventory]) -> None:
    root = _repo(tmp_path, {"backend/hooks.py": HOOKS.read_bytes()})
    before = _snapshot(root)
    proc = _run(root, "impact", "--surface", "api", "--to", "1.106.0", "--format", "json")
    assert proc.returncode == 4, proc.stderr
    api = json.loads(proc.stdout)["surfaces"]["api"]
    got = {(f["rule_id"], f["subject"], tuple(u["line"] for u in f["used_at"]))
           for f in api["findings"]}
    assert got == WHOLE_A
    assert api["unused_changes"] > 2000 and api["blocking"] is True
    assert _snapshot(root) == before
    # GitHub annotations land on the consumer's lines.
    gh = _run(root, "impact", "--surface", "api", "--to", "1.106.0", "--format", "github")
    assert gh.returncode == 4
    assert (f"::error file=backend/hooks.py,line={line_of('await initialize(')},"
            in gh.stdout)


def test_impact_to_passes_when_only_unused_api_changed(
        tmp_path: Path, inventories: dict[str, Inventory]) -> None:
    code = (b"from litellm.proxy._types import UserAPIKeyAuth\n"
            b"from litellm.scheduler import Scheduler\n"
            b"scheduler = Scheduler(polling_interval=0.01)\n"
            b"def key(token: str) -> UserAPIKeyAuth:\n"
            b"    return UserAPIKeyAuth(api_key=token)\n")
    root = _repo(tmp_path, {"backend/auth.py": code}, pin="1.106.0")
    proc = _run(root, "impact", "--surface", "api", "--to", "1.110.2", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    api = json.loads(proc.stdout)["surfaces"]["api"]
    assert api["findings"] == [] and api["unused_changes"] > 3000


def test_bad_consumer_input_is_reported_never_a_traceback(
        tmp_path: Path, inventories: dict[str, Inventory]) -> None:
    root = _repo(tmp_path, {
        "backend/broken.py": b"import litellm\ndef broken(:\n",
        "backend/star.py": b"from litellm.caching.caching import *\n",
    })
    proc = _run(root, "impact", "--surface", "api", "--to", "1.106.0")
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 4  # the star import possibly uses a removed name: never relaxed
    assert "API_CONSUMER_UNPARSEABLE" in proc.stdout and "backend/broken.py" in proc.stdout
    assert "possibly used" in proc.stdout and "star import" in proc.stdout
    bad = _run(root, "impact", "--surface", "nope", "--to", "1.106.0")
    assert bad.returncode == 2 and "unknown surface 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_gate_blocks_on_used_errors_and_acknowledgements_release_it(
        tmp_path: Path, inventories: dict[str, Inventory]) -> None:
    """The api gate as upgrade/ci/check run it (nemoctl.surfaces.GATES)."""
    from datetime import date

    from nemoctl.config import load_config
    from nemoctl.errors import ExitCode
    from nemoctl.findings import parse_acknowledgements
    from nemoctl.findings.surface import SurfaceContext
    from nemoctl.surfaces import GATES, run_gates

    assert "api" in [g.name for g in GATES]
    root = _repo(tmp_path, {"backend/hooks.py": HOOKS.read_bytes()})
    config = load_config(root)
    ctx = SurfaceContext(root=root, config=config, current_version="1.102.4",
                         target_version="1.106.0", today=date(2026, 12, 6))
    (report,) = run_gates(ctx, only=["api"])
    assert report.blocking and report.exit_code("ERR") == ExitCode.BLOCKED
    acks = parse_acknowledgements({"ack": [
        {"fingerprint": f.fingerprint, "reason": "fixed in the same PR"}
        for f in report.findings if f.severity == "ERR"]})
    (acked,) = run_gates(SurfaceContext(root=root, config=config, current_version="1.102.4",
                                        target_version="1.106.0", acknowledgements=acks,
                                        today=date(2026, 12, 6)), only=["api"])
    assert not acked.blocking and acked.exit_code("ERR") == ExitCode.OK
    assert acked.exit_code("WARN") == ExitCode.FINDINGS  # the changed default is still there
    # check: the pinned release alone (no target) — nothing in hooks.py patches LiteLLM.
    (alone,) = run_gates(SurfaceContext(root=root, config=config, current_version="1.102.4",
                                        target_version=None), only=["api"])
    assert alone.findings == () and not alone.blocking


def test_runtime_patch_reported_by_impact_without_a_target(
        tmp_path: Path, inventories: dict[str, Inventory]) -> None:
    code = (b"import litellm\nimport litellm.proxy.proxy_server as ps\n\n\n"
            b"async def ours(request, api_key):\n    return None\n\n\n"
            b"litellm.drop_params = True\nps.user_api_key_auth = ours\n")
    root = _repo(tmp_path, {"backend/auth.py": code, "tests/test_auth.py": code})
    proc = _run(root, "impact", "--surface", "api", "--format", "json")
    assert proc.returncode == 4, proc.stderr
    data = json.loads(proc.stdout)
    (f,) = data["surfaces"]["api"]["findings"]
    assert (f["rule_id"], f["subject"], f["location"]["path"], f["location"]["line"]) == (
        "API_RUNTIME_PATCH", "litellm.proxy.proxy_server.user_api_key_auth",
        "backend/auth.py", 10)
    writes = [u for u in data["api"]["uses"] if u["kind"] == "write"]
    assert {(u["file"], u["path"]) for u in writes} >= {("backend/auth.py",
                                                          "litellm.drop_params")}
