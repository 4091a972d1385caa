"""`nemoctl impact` and `nemoctl sacred suggest` as a user runs them, in the consumer repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.diff import load_sacred
from tests.impact.conftest import schema_path
from tests.impact.consumer import line_of

ADMIN = "frontend/src/app/admin/shadow-evals.tsx"


@pytest.fixture(scope="module")
def repo(consumer_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the consumer for this module, with its pinned snapshot in place."""
    root = tmp_path_factory.mktemp("cli") / "repo"
    shutil.copytree(consumer_root, root, symlinks=True)
    (root / "schemas").mkdir(exist_ok=True)
    shutil.copyfile(schema_path("1.100.0"), root / "schemas" / "schema.prisma")
    return root


def _run(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEMOCTL_CACHE_DIR": str(cache), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([str(Path(sys.executable).parent / "nemoctl"), *args], cwd=root,
                          env=env, text=True, capture_output=True)


def test_impact_to_a_release_and_the_usage_map(repo: Path, scan_cache_dir: Path) -> None:
    root = repo
    new = str(schema_path("1.102.4"))
    proc = _run(root, scan_cache_dir, "impact", "--to", new, "--format", "json")
    assert proc.returncode == 4, proc.stderr  # the used removal blocks
    report = json.loads(proc.stdout)
    [removed] = [c for c in report["changes"] if c["rule_id"] == "FIELD_REMOVED"]
    assert removed["usage"] == "used" and removed["blocking"] is True
    assert [(u["path"], u["line"], u["kind"]) for u in removed["used_at"]] == [
        (ADMIN, line_of(ADMIN, "job.api_key_id"), "attribute")]
    [added] = [c for c in report["changes"] if c["rule_id"] == "FIELD_ADDED_REQUIRED"]
    # Nothing names a column before it exists; the table is reached: possibly used.
    assert (added["severity"], added["original_severity"], added["blocking"]) == (
        "ERR", None, True)
    assert added["usage"] == "possibly used" and added["possibly_used_at"]
    assert report["usage_scan"]["files_scanned"] == 10

    line = line_of(ADMIN, "job.api_key_id")
    usage = _run(root, scan_cache_dir, "impact", "--format", "json")
    assert usage.returncode == 0, usage.stderr
    models = {m["model"]: m for m in json.loads(usage.stdout)["models"]}
    assert [u["line"] for u in models["LiteLLM_ShadowEvalJob"]["members"]["api_key_id"]] == [line]


def test_sacred_suggest_writes_nothing_unless_asked(repo: Path, scan_cache_dir: Path) -> None:
    root = repo
    sacred_file = root / "schemas" / "sacred_fields.toml"
    sacred_file.write_text('[[field]]\nmodel = "LiteLLM_SpendLogs"\nfield = "spend"\n'
                           'type = "Float"\nowner = "billing"\nreason = "invoices"\n')
    before = sacred_file.read_bytes()
    proc = _run(root, scan_cache_dir, "sacred", "suggest", "--json")
    assert proc.returncode == 0, proc.stderr
    proposals = {(p["model"], p["field"]): p for p in json.loads(proc.stdout)}
    assert ("LiteLLM_SpendLogs", "spend") not in proposals  # already sacred
    assert proposals[("LiteLLM_SpendLogs", "model_group")]["type"] == "String?"
    assert proposals[("LiteLLM_ShadowEvalJob", "api_key_id")]["type"] == "String"
    # Text mentions are not typed uses: README's LiteLLM_SpendLogs.spend proposes nothing.
    assert sacred_file.read_bytes() == before

    written = _run(root, scan_cache_dir, "sacred", "suggest", "--write", "--owner", "gateway")
    assert written.returncode == 0, written.stderr
    entries = load_sacred(sacred_file)
    assert {(e.model, e.field) for e in entries.fields} == {("LiteLLM_SpendLogs", "spend"),
                                                           *proposals}
    assert {e.owner for e in entries.fields} == {"billing", "gateway"}
