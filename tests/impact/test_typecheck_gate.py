"""The consumer type-check gate: a real tsc fails on a removed field inside the upgrade
transaction, the upgrade exits 8 (TYPECHECK_FAILED) and the repository is left byte-identical."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemoctl.diff.report import fingerprint
from tests.impact.consumer import git
from tests.support.pkgindex import LocalIndex, build_fake_litellm, build_fake_proxy_extras

HEAD = """\
datasource client {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model LiteLLM_SpendLogs {
  request_id  String  @id
  spend       Float   @default(0.0)
"""
OLD = HEAD + '  model_group String? @default("")\n}\n'
NEW = HEAD + "}\n"  # 1.1.0 drops model_group
FRONTEND = """\
import type { LiteLLM_SpendLogs } from "../../generated/typescript/index";

export function label(row: LiteLLM_SpendLogs): string {
  return `${row.request_id}: ${row.model_group ?? "?"}`;
}
"""
TSCONFIG = '{"compilerOptions": {"strict": true, "noEmit": true, "types": [], ' \
           '"target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler"}, ' \
           '"include": ["src"]}\n'


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    wheels = tmp_path_factory.mktemp("tc-wheels")
    for version, extras, schema in (("1.0.0", "0.1.0", OLD), ("1.1.0", "0.1.1", NEW)):
        build_fake_litellm(wheels, version, schema, extras)
        build_fake_proxy_extras(wheels, extras)
    with LocalIndex(wheels) as served:
        yield served


def _consumer(root: Path, typecheck: str) -> Path:
    from nemoctl.codegen import render_outputs

    files = {
        "pyproject.toml": f"""\
[project]
name = "consumer"
version = "0.1.0"
requires-python = ">=3.11"

[tool.nemoctl.impact]
typecheck = [{json.dumps(typecheck)}]
""",
        "requirements.txt": "litellm[proxy]==1.0.0\nlitellm-proxy-extras==0.1.0\n",
        "frontend/tsconfig.json": TSCONFIG,
        "frontend/src/label.ts": FRONTEND,
        "schemas/sacred_fields.toml": """\
[[field]]
model = "LiteLLM_SpendLogs"
field = "spend"
type = "Float"
owner = "billing"
reason = "per-request cost"
""",
        # A reviewer acknowledged the removal; only the type check knows the UI reads it.
        "schemas/acknowledged.toml": f"""\
[[ack]]
fingerprint = "{fingerprint('FIELD_REMOVED', 'LiteLLM_SpendLogs', 'model_group', 'String?', '')}"
rule = "FIELD_REMOVED"
reason = "we believed nothing reads model_group"
""",
    }
    for rel, data in {**{k: v.encode() for k, v in files.items()},
                      **render_outputs(OLD, upstream_version="1.0.0",
                                       wheel_sha256=None)}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "consumer at litellm 1.0.0")
    return root


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] not in (".git", ".nemoctl")}


def _upgrade(root: Path, index: LocalIndex, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **index.pip_env(), "NEMOCTL_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "nemoctl"), "upgrade", "litellm", "1.1.0",
         "--no-contracts", "--json"], cwd=root, env=env, text=True, capture_output=True,
    )


def test_real_tsc_failure_fails_the_upgrade_and_restores_everything(
        tmp_path: Path, index: LocalIndex, scan_cache_dir: Path) -> None:
    from nemoctl import _node

    tsc = _node.bin_path("tsc")
    root = _consumer(tmp_path / "repo", f"{tsc} -p frontend --noEmit")
    before = _hashes(root)
    proc = _upgrade(root, index, scan_cache_dir)
    assert proc.returncode == 8, proc.stderr
    report = json.loads(proc.stdout)
    assert report["error"]["type"] == "TypecheckFailedError"
    assert report["restored"] is True
    [command] = report["typecheck"]["commands"]
    assert command["passed"] is False and command["returncode"] != 0
    line = FRONTEND.splitlines().index(
        '  return `${row.request_id}: ${row.model_group ?? "?"}`;') + 1
    assert [(f["path"], f["line"], f["code"]) for f in command["findings"]] == [
        ("frontend/src/label.ts", line, "TS2339")]
    assert "model_group" in command["findings"][0]["message"]
    # The schema step carried the usage: the acknowledged removal is used at that line.
    [removed] = [c for c in report["schema"]["changes"] if c["rule_id"] == "FIELD_REMOVED"]
    assert [(u["path"], u["line"]) for u in removed["used_at"]] == [
        ("frontend/src/label.ts", line)]
    assert [s["name"] for s in report["steps"]][-2:] == ["regenerate", "typecheck"]
    assert _hashes(root) == before
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize(("command", "message"), [
    ("npx tsc -p frontend --noEmit", "typecheck command 'npx tsc -p frontend --noEmit': tsc is "
     "not installed in the project (node_modules/.bin); nemoctl does not let npx download it"),
    ("no-such-checker-13 backend", "typecheck command 'no-such-checker-13 backend': "
     "no-such-checker-13 is not on PATH"),
])
def test_missing_checker_is_a_clear_error(tmp_path: Path, command: str, message: str) -> None:
    from nemoctl.config import load_config
    from nemoctl.errors import BadInputError, ExitCode
    from nemoctl.impact.typecheck import run_typecheck

    (tmp_path / "pyproject.toml").write_text(
        f"[tool.nemoctl.impact]\ntypecheck = [{json.dumps(command)}]\n")
    with pytest.raises(BadInputError) as caught:
        run_typecheck(load_config(tmp_path))
    assert caught.value.message == message
    assert caught.value.exit_code == ExitCode.BAD_INPUT
