"""``nemoctl ci`` end to end on real PR shapes: tmp git repos, real wheels from a local index,
the real Prisma parser, codegen and a real contract command in an isolated environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.ci.run import run_ci
from nemoctl.config import load_config
from nemoctl.errors import ExitCode
from nemoctl.render.ci import to_annotations, to_markdown
from nemoctl.render.ci_publish import publish
from tests.ci.conftest import CONTRACT, EXTRAS, SCHEMA_NEW, Upstream, generated_files
from tests.ci.gitrepo import DEPENDABOT, ProjectRepo, dependabot_message, pyproject

NEMOCTL = str(Path(sys.executable).parent / "nemoctl")


def bump(project: ProjectRepo, version: str, *, branch: str, dependabot: bool = True,
         extras: str | None = None, files: dict[str, str | bytes] | None = None) -> str:
    extras = extras or EXTRAS[version]
    project.branch(branch)
    if dependabot:
        message = dependabot_message(
            [("litellm", "1.102.4", version, "version-update:semver-minor"),
             ("litellm-proxy-extras", "0.4.97", extras, "version-update:semver-patch")],
            group="litellm",
        )
    else:
        message = f"Bump litellm to {version}"
    return project.commit(
        {"pyproject.toml": pyproject(version, extras, extra_toml=CONTRACT), **(files or {})},
        message, author=DEPENDABOT if dependabot else project.repo.head.commit.author,
    )


def test_dependabot_bump_without_write_fails_on_stale_generated_files(
    project: ProjectRepo, tmp_path: Path
) -> None:
    head = bump(project, "1.106.0", branch="dependabot/uv/litellm")
    result = run_ci(load_config(project.root), base="main")

    assert result.exit_code == ExitCode.FINDINGS
    (verification,) = result.verifications
    report = verification.report
    assert report is not None
    assert [s.name for s in report.steps] == [
        "preflight", "resolve", "supply-chain", "schema", "migrations", "surfaces", "regenerate",
        "contracts",
    ]
    assert report.coupled == {"litellm-proxy-extras": "0.4.105"}
    assert report.contracts is not None and report.contracts.outcome is not None
    assert report.contracts.outcome.passed is True
    stale = {s.path: s.diff for s in verification.stale}
    assert "schemas/schema.prisma" in stale
    assert "+model LiteLLM_AgentIdentity {" in stale["schemas/schema.prisma"]
    assert project.repo.head.commit.hexsha == head  # nothing committed without --write

    markdown = to_markdown(result)
    assert "## nemoctl ci: litellm 1.102.4 → 1.106.0" in markdown
    assert "❌ generated files or the lockfile are stale or inconsistent" in markdown
    assert "| `litellm-proxy-extras` | 0.4.97 | 0.4.105 | changed |" in markdown
    assert "`litellm` 1.106.0 (direct:production, version-update:semver-minor)" in markdown
    assert "#### Sacred fields" in markdown
    assert "| `LiteLLM_SpendLogs` | `spend` | `Float` | `Float` | ✅ ok |" in markdown
    assert "LiteLLM_AgentIdentity" in markdown  # a schema change listed by severity
    assert "```diff" in markdown
    assert "::error file=schemas/schema.prisma,title=Stale generated file::" in (
        to_annotations(result)
    )

    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    published = publish(result, report_file=tmp_path / "out" / "report.md", step_summary=summary)
    assert (tmp_path / "out" / "report.md").read_text() == markdown
    assert summary.read_text() == "earlier step\n" + markdown + "\n"
    assert len(published.files) == 2


def test_dependabot_bump_with_write_commits_the_regenerated_files(
    project: ProjectRepo, upstream: Upstream
) -> None:
    head = bump(project, "1.106.0", branch="dependabot/uv/litellm")
    result = run_ci(load_config(project.root), base="main", write=True)

    assert result.exit_code == ExitCode.OK, to_markdown(result)
    assert result.commit is not None
    commit = project.repo.head.commit
    assert commit.hexsha == result.commit
    assert commit.parents[0].hexsha == head
    assert commit.message.startswith("Regenerate schemas and generated types for litellm 1.106.0")
    changed = set(commit.stats.files)
    assert "schemas/schema.prisma" in changed and "schemas/lock.json" in changed
    assert set(result.committed_files) >= changed
    assert not project.repo.is_dirty(untracked_files=True)
    # The committed files are exactly what 1.106.0 generates.
    expected = generated_files("1.106.0", SCHEMA_NEW, upstream.sha256("1.106.0"))
    for rel, data in expected.items():
        assert (project.root / rel).read_bytes() == data, rel
    assert f"Committed to the branch as `{result.commit[:12]}`" in to_markdown(result)

    # And the PR is now complete: a second run finds nothing stale, commits nothing.
    again = run_ci(load_config(project.root), base="main")
    assert again.exit_code == ExitCode.OK
    assert again.verifications[0].stale == ()


def test_hand_made_bump_with_regenerated_files_passes(
    project: ProjectRepo, upstream: Upstream
) -> None:
    regenerated = generated_files("1.106.0", SCHEMA_NEW, upstream.sha256("1.106.0"))
    bump(project, "1.106.0", branch="bump-litellm", dependabot=False, files=dict(regenerated))
    result = run_ci(load_config(project.root), base="main")
    assert result.exit_code == ExitCode.OK, to_markdown(result)
    assert result.changes.dependabot == ()
    assert "✅ safe to merge" in to_markdown(result)
    assert to_annotations(result) == ""


def test_bump_to_a_sacred_break_is_blocked(project: ProjectRepo) -> None:
    bump(project, "1.106.1", branch="dependabot/uv/litellm")
    result = run_ci(load_config(project.root), base="main", write=True)

    assert result.exit_code == ExitCode.BLOCKED
    assert result.commit is None  # nothing written or committed when blocked
    assert not project.repo.is_dirty(untracked_files=True)
    markdown = to_markdown(result)
    assert "⛔ blocked by schema policy" in markdown
    assert "| `LiteLLM_SpendLogs` | `prompt_tokens` | `Int` | `BigInt` | ⛔" in markdown
    annotations = to_annotations(result)
    assert "::error file=schemas/sacred_fields.toml,title=Sacred field broken::" in annotations


def test_unacknowledged_err_change_is_blocked_with_its_fingerprint(
    project: ProjectRepo,
) -> None:
    (project.root / "schemas" / "acknowledged.toml").unlink()
    project.commit({}, "forget the acknowledgements")
    bump(project, "1.106.0", branch="dependabot/uv/litellm")
    result = run_ci(load_config(project.root), base="main", contracts=False)
    assert result.exit_code == ExitCode.BLOCKED
    report = result.verifications[0].report
    assert report is not None and report.schema is not None
    (err,) = [c for c in report.schema.report.changes if c.severity == "ERR"]
    markdown = to_markdown(result)
    assert "**ERR** (1)" in markdown
    assert "| UNIQUE_REMOVED | `LiteLLM_JWTKeyMapping" in markdown
    assert f"`{err.fingerprint}` |" in markdown
    assert "<details><summary><b>INFO</b> (" in markdown


def test_bump_leaving_uv_lock_behind_fails_and_write_refreshes_it(
    project: ProjectRepo, upstream: Upstream
) -> None:
    from uv import find_uv_bin

    subprocess.run([str(find_uv_bin()), "lock", "--quiet"], cwd=project.root, check=True)
    project.commit({}, "lock the project with uv")
    # Dependabot's pip ecosystem (or a hand edit) moves pyproject.toml only.
    bump(project, "1.106.0", branch="dependabot/pip/litellm",
         files=dict(generated_files("1.106.0", SCHEMA_NEW, upstream.sha256("1.106.0"))))

    stale = run_ci(load_config(project.root), base="main", contracts=False)
    assert stale.exit_code == ExitCode.FINDINGS
    assert stale.verifications[0].exit_code == ExitCode.OK
    assert stale.lockfile_problems == (
        "uv.lock locks litellm 1.102.4, but the PR pins 1.106.0: run `uv lock` "
        "(or `poetry lock`), or `nemoctl ci --write`",
        "uv.lock locks litellm-proxy-extras 0.4.97, but the PR pins 0.4.105: run `uv lock` "
        "(or `poetry lock`), or `nemoctl ci --write`",
    )
    assert "### Project lockfile" in to_markdown(stale)
    assert "title=Stale lockfile::uv.lock locks litellm 1.102.4" in to_annotations(stale)

    fixed = run_ci(load_config(project.root), base="main", contracts=False, write=True)
    assert fixed.exit_code == ExitCode.OK, to_markdown(fixed)
    assert fixed.lockfile_refreshed == "uv.lock"
    assert fixed.committed_files == ("uv.lock",)
    assert set(project.repo.head.commit.stats.files) == {"uv.lock"}
    assert 'name = "litellm"\nversion = "1.106.0"' in (project.root / "uv.lock").read_text()


def test_bump_to_a_version_with_an_advisory_is_refused(project: ProjectRepo) -> None:
    import json

    advisory = {"id": "GHSA-test-0002", "summary": "master key logged in spend logs",
                "affected": [{"package": {"ecosystem": "PyPI", "name": "litellm"},
                              "versions": ["1.106.0"]}]}
    project.branch("dependabot/uv/litellm")
    project.commit(
        {"pyproject.toml": pyproject("1.106.0", EXTRAS["1.106.0"], extra_toml=CONTRACT).replace(
            "[tool.nemoctl]\n", '[tool.nemoctl]\nadvisories = "schemas/advisories.json"\n'),
         "schemas/advisories.json": json.dumps([advisory])},
        "Bump litellm to 1.106.0",
    )
    result = run_ci(load_config(project.root), base="main", write=True)
    assert result.exit_code == ExitCode.UNRESOLVABLE
    assert result.commit is None
    markdown = to_markdown(result)
    assert "GHSA-test-0002" in markdown
    assert "| supply-chain | ❌ failed |" in markdown


def test_hand_edit_of_generated_files_without_a_bump_fails(project: ProjectRepo) -> None:
    project.branch("tweak-models")
    models = project.root / "generated/python/nemoctl_models/models.py"
    project.commit({models.relative_to(project.root).as_posix(): models.read_text() + "# x\n"},
                   "hand-edit a generated file")
    result = run_ci(load_config(project.root), base="main", contracts=False)
    assert result.exit_code == ExitCode.FINDINGS
    assert result.consistency_problems == (
        "generated: generated/python/nemoctl_models/models.py differs from what the pinned "
        "schema generates",
    )
    assert "### Consistency (`nemoctl check`)" in to_markdown(result)


def test_cli_json_output(project: ProjectRepo) -> None:
    import json

    proc = subprocess.run([NEMOCTL, "ci", "--base", "main", "--format", "json"],
                          cwd=project.root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] is True and data["verifications"] == []
    assert data["notes"] == ["no upstream pin changed: nothing to verify upstream"]


def test_unrelated_bump_is_ok_and_says_so(project: ProjectRepo) -> None:
    project.branch("dependabot/uv/httpx")
    project.commit(
        {"pyproject.toml": pyproject("1.102.4", "0.4.97", httpx="0.28.1", extra_toml=CONTRACT)},
        dependabot_message([("httpx", "0.27.0", "0.28.1", "version-update:semver-minor")],
                           group=None),
        author=DEPENDABOT,
    )
    result = run_ci(load_config(project.root), base="main", write=True)
    assert result.exit_code == ExitCode.OK
    assert result.verifications == ()
    assert result.commit is None
    markdown = to_markdown(result)
    assert "## nemoctl ci: no upstream pin changed" in markdown
    assert "dependabot also updates httpx: not managed by nemoctl" in markdown


def test_ungrouped_bump_leaving_the_coupled_pin_behind_is_unresolvable(
    project: ProjectRepo,
) -> None:
    bump(project, "1.106.0", branch="dependabot/uv/litellm", extras="0.4.97")
    result = run_ci(load_config(project.root), base="main", contracts=False)
    assert result.exit_code == ExitCode.UNRESOLVABLE
    markdown = to_markdown(result)
    assert "litellm-proxy-extras==0.4.105 (the PR pins 0.4.97)" in markdown
    assert "litellm moved but litellm-proxy-extras did not" in markdown


def test_cli_exit_code_report_file_and_step_summary(
    project: ProjectRepo, tmp_path: Path
) -> None:
    bump(project, "1.106.1", branch="dependabot/uv/litellm")
    summary = tmp_path / "step-summary.md"
    proc = subprocess.run(
        [NEMOCTL, "ci", "--base", "main", "--skip-contracts",
         "--report-file", str(tmp_path / "comment.md")],
        cwd=project.root, capture_output=True, text=True,
        env={**os.environ, "GITHUB_ACTIONS": "true",
             "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.returncode == int(ExitCode.BLOCKED), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "::error file=schemas/sacred_fields.toml" in proc.stdout
    comment = (tmp_path / "comment.md").read_text()
    assert "⛔ blocked by schema policy" in comment
    assert summary.read_text().strip() == comment.strip()


def test_cli_missing_base_is_bad_input(project: ProjectRepo) -> None:
    proc = subprocess.run(
        [NEMOCTL, "ci", "--base", "origin/nope"],
        cwd=project.root, capture_output=True, text=True,
    )
    assert proc.returncode == int(ExitCode.BAD_INPUT)
    assert "git fetch --depth=1 origin nope" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_STEP_SUMMARY", "GITHUB_BASE_REF", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
