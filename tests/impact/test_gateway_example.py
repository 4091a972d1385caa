"""examples/gateway, the reference consumer: adopted and clean, and the real
1.102.4 → 1.106.0 pair with the JWT-mapping upsert of issue 24."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.impact.conftest import schema_path
from tests.impact.consumer import git

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gateway"
JWT = "backend/app/jwt_mappings.py"
UPSERT = '''\
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

metadata = sa.MetaData()
jwt_key_mappings = sa.Table(
    "LiteLLM_JWTKeyMapping", metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("token", sa.String),
)


def map_claim(conn, mapping_id, claim, value, token_hash):
    stmt = insert(jwt_key_mappings).values(id=mapping_id, token=token_hash)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["jwt_claim_name", "jwt_claim_value"],
        set_={"token": stmt.excluded.token}))
'''


def nemoctl(cwd: Path, *args: str, cache: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    if cache is not None:
        env["NEMOCTL_CACHE_DIR"] = str(cache)
    return subprocess.run([str(Path(sys.executable).parent / "nemoctl"), *args], cwd=cwd,
                          env=env, text=True, capture_output=True, timeout=600)


def test_the_example_is_adopted_and_check_is_clean() -> None:
    proc = nemoctl(EXAMPLE.parents[1], "check", "--project", "examples/gateway")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK" in proc.stdout
    assert (EXAMPLE / "uv.lock").is_file() and (EXAMPLE / "schemas" / "lock.json").is_file()
    assert '"litellm[proxy]==1.102.4"' in (EXAMPLE / "pyproject.toml").read_text()


@pytest.fixture
def gateway(tmp_path: Path) -> Path:
    """A copy of the example as its own repository, the backend upserting on the unique
    key 1.106.0 removes, the acknowledgement taken out."""
    root = tmp_path / "gateway"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".nemoctl", "node_modules"))
    (root / JWT).write_text(UPSERT, encoding="utf-8")
    acks = root / "schemas" / "acknowledged.toml"
    acks.write_text("ack = []\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "gateway")
    return root


def _acknowledge(root: Path, fingerprint: str) -> None:
    (root / "schemas" / "acknowledged.toml").write_text(
        f'[[ack]]\nfingerprint = "{fingerprint}"\nrule = "UNIQUE_REMOVED"\n'
        'reason = "moving the upsert to the new key in the same change"\n', encoding="utf-8")
    git(root, "commit", "-q", "-am", "ack")


def test_the_upsert_keeps_unique_removed_err_until_acknowledged(
        gateway: Path, scan_cache_dir: Path) -> None:
    new = str(schema_path("1.106.0"))
    proc = nemoctl(gateway, "impact", "--to", new, "--format", "json", cache=scan_cache_dir)
    assert proc.returncode == 4, proc.stderr
    report = json.loads(proc.stdout)
    [unique] = [c for c in report["changes"] if c["rule_id"] == "UNIQUE_REMOVED"
                and c["model"] == "LiteLLM_JWTKeyMapping"]
    assert (unique["severity"], unique["original_severity"], unique["usage"]) == (
        "ERR", None, "used")
    text = '        index_elements=["jwt_claim_name", "jwt_claim_value"],'
    line, column = UPSERT.splitlines().index(text) + 1, text.index("jwt_claim_name") + 1
    assert (JWT, line, column) in [(u["path"], u["line"], u["column"]) for u in unique["used_at"]]

    _acknowledge(gateway, unique["fingerprint"])
    again = nemoctl(gateway, "impact", "--to", new, "--format", "json", cache=scan_cache_dir)
    assert again.returncode == 0, again.stderr
    [acked] = [c for c in json.loads(again.stdout)["changes"]
               if c["fingerprint"] == unique["fingerprint"]]
    assert acked["acknowledged"] and acked["severity"] == "ERR"


@pytest.mark.slow
def test_the_real_upgrade_dry_run_is_blocked_until_acknowledged(gateway: Path) -> None:
    """The README's command on the pair 1.102.4 → 1.106.0 (resolve on PyPI, real wheel)."""
    blocked = nemoctl(gateway, "upgrade", "litellm", "1.106.0", "--dry-run", "--json")
    assert blocked.returncode == 4, blocked.stderr
    report = json.loads(blocked.stdout)
    [unique] = [c for c in _changes(report) if c.get("rule_id") == "UNIQUE_REMOVED"]
    assert unique["severity"] == "ERR" and unique["usage"] == "used"
    _acknowledge(gateway, unique["fingerprint"])
    passed = nemoctl(gateway, "upgrade", "litellm", "1.106.0", "--dry-run")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def _changes(data: object) -> list[dict[str, object]]:
    """Every diff change in an upgrade report, wherever the report nests the diff."""
    if isinstance(data, dict):
        if isinstance(data.get("changes"), list) and "sacred" in data:
            return list(data["changes"])
        return [c for v in data.values() for c in _changes(v)]
    if isinstance(data, list):
        return [c for v in data for c in _changes(v)]
    return []
