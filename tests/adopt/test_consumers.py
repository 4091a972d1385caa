"""From zero to a committed upgrade, in each kind of consumer repository.

Each test makes a real repository (locked with real uv, real Poetry, real pip-compile,
or a hand-written requirements.txt), runs ``nemoctl init`` and ``nemoctl upgrade
litellm 1.1.0 --commit`` as a user would, against a local index, and asserts: the files
init wrote, the pins moved (including ``litellm-enterprise`` pinned by hand), the lockfile
or requirements set installable, ``nemoctl check`` clean, and the generated models
importable from the consumer's own path, not shadowed by anything nemoctl installs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from nemoctl.adopt import detect_project
from nemoctl.diff import load_acknowledgements, load_sacred
from tests.adopt.conftest import BIN, CONTRACTS_TABLE, KINDS, Repo, make_repo
from tests.support.pkgindex import LocalIndex

SEEDED = {
    ("LiteLLM_SpendLogs", "spend", "Float"),
    ("LiteLLM_SpendLogs", "prompt_tokens", "Int"),
    ("LiteLLM_SpendLogs", "model_group", "String?"),
    ("LiteLLM_SpendLogs", "organization_id", "String?"),
    ("LiteLLM_DailyOrganizationSpend", "spend", "Float"),
    ("LiteLLM_DailyOrganizationSpend", "prompt_tokens", "BigInt"),
}


def _installable(repo: Repo, tmp_path: Path) -> None:
    """The pinned set installs: the project's own lock check, or uv pip install --dry-run."""
    if repo.kind == "uv":
        repo.run(str(BIN / "uv"), "lock", "--check")
        repo.run(str(BIN / "uv"), "sync", "--locked", "--dry-run")
    elif repo.kind in ("poetry", "poetry2"):
        repo.run(str(BIN / "poetry"), "check", "--lock")
    else:
        venv = tmp_path / "venv"
        repo.run(str(BIN / "uv"), "venv", "--quiet", str(venv))
        proc = repo.run(str(BIN / "uv"), "pip", "install", "--dry-run", "--python",
                        str(venv / "bin" / "python"), "-r", "requirements.txt")
        assert "litellm==1.1.0" in proc.stderr + proc.stdout


#: The default run keeps the plain-requirements kind (the new pin-moving logic end to
#: end).  The others run with -m slow (Poetry's and pip-compile's own runs cost 10-20 s
#: each); uv's init and CI path is in the default run through test_workflows.py, its
#: upgrade through tests/upgrade, pip-tools regeneration through test_requirements.py.
PARAMS = [k if k == "requirements" else pytest.param(k, marks=pytest.mark.slow)
          for k in KINDS]


@pytest.mark.parametrize("kind", PARAMS)
def test_init_then_a_committed_upgrade(
    kind: str, tmp_path: Path, adopt_env: dict[str, str], adopt_index: LocalIndex
) -> None:
    repo = make_repo(tmp_path / kind, kind, adopt_env, adopt_index.url)
    before_header = repo.read("requirements.txt").split("\nlitellm")[0] \
        if kind == "pip-tools" else ""

    init = repo.nemoctl("init", label="init")
    assert f"{kind.removesuffix('2')} project: litellm pinned at 1.0.0" in init.stdout
    if kind == "requirements":
        assert "no pyproject.toml here: created one holding only [tool.nemoctl]" in init.stdout
        assert "project" not in tomllib.loads(repo.read("pyproject.toml"))
    assert "next:" in init.stdout and "nemoctl upgrade litellm latest --dry-run" in init.stdout
    for rel in ("schemas/schema.prisma", "schemas/lock.json", "schemas/schema.json",
                "generated/python/nemoctl_models/__init__.py",
                "generated/typescript/index.d.ts"):
        assert (repo.root / rel).is_file(), rel
    sacred = load_sacred(repo.root / "schemas" / "sacred_fields.toml")
    assert {(f.model, f.field, f.type) for f in sacred.fields} == SEEDED
    assert all(f.owner and f.reason for f in sacred.fields)
    assert "# Not in litellm 1.0.0, so not seeded: " in repo.read("schemas/sacred_fields.toml")
    assert load_acknowledgements(repo.root / "schemas" / "acknowledged.toml").items == ()
    assert ".nemoctl/" in repo.read(".gitignore").splitlines()
    assert '[tool.nemoctl]' in repo.read("pyproject.toml")

    again = repo.nemoctl("init")
    assert "nothing to do" in again.stdout

    # The consumer's own contract suite (a real gateway would have one).
    with (repo.root / "pyproject.toml").open("a") as fh:
        fh.write(CONTRACTS_TABLE)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt nemoctl")

    up = repo.nemoctl("upgrade", "litellm", "1.1.0", "--commit", "--json", label="upgrade")
    report = json.loads(up.stdout)
    assert report["exit_code"] == 0, report
    assert report["to_version"] == "1.1.0"
    assert detect_project(repo.root).version == "1.1.0"
    moved = {(e["package"], e["new"]) for e in report["pin_edits"]}
    assert ("litellm", "1.1.0") in moved
    if kind == "requirements":
        # Pinned by hand and refused by the new version: moved too, listed, comment kept.
        assert ("litellm-enterprise", "0.1.1") in moved
        assert "litellm-enterprise==0.1.1  # ours too\n" in repo.read("requirements.txt")
    if kind == "pip-tools":
        text = repo.read("requirements.txt")
        assert text.startswith(before_header)  # pip-compile's header, byte for byte
        assert "litellm-enterprise==0.1.1" in text and "litellm-proxy-extras==0.1.1" in text
        assert "litellm[proxy]==1.1.0" in repo.read("requirements.in")
        assert ("litellm-enterprise", "0.1.1") in moved
    if kind == "uv":
        assert 'name = "litellm"\nversion = "1.1.0"' in repo.read("uv.lock")
    if kind in ("poetry", "poetry2"):
        assert 'name = "litellm"\nversion = "1.1.0"' in repo.read("poetry.lock")

    assert repo.git("status", "--porcelain") == ""
    assert repo.git("log", "-1", "--format=%s").startswith("Upgrade litellm 1.0.0 → 1.1.0")
    _installable(repo, tmp_path)
    repo.nemoctl("check", label="check")

    # The consumer's models, from the consumer's path ...
    models = subprocess.run(
        [sys.executable, "-c",
         "import nemoctl_models as m; print(m.UPSTREAM_VERSION); print(m.__file__)"],
        cwd=repo.root, env={**adopt_env, "PYTHONPATH": str(repo.root / "generated" / "python")},
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert models[0] == "1.1.0"
    assert Path(models[1]).is_relative_to(repo.root)
    # ... and nothing of nemoctl's own could have shadowed them.
    bare = subprocess.run([sys.executable, "-c", "import nemoctl_models"], cwd=repo.root,
                          env=adopt_env, capture_output=True, text=True)
    assert bare.returncode == 1 and "No module named 'nemoctl_models'" in bare.stderr
    print(kind, repo.timings)
