"""Which pins a PR moves, read from real git history (tmp repositories, gitpython)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nemoctl.ci.changes import detect_changes, parse_dependabot_message
from nemoctl.config import load_config
from nemoctl.errors import BadInputError, ConfigError, ExitCode
from tests.ci.gitrepo import DEPENDABOT, ProjectRepo, dependabot_message, pyproject

SNAPSHOT = "model LiteLLM_SpendLogs {\n  request_id String @id\n  spend Float\n}\n"


@pytest.fixture()
def project(tmp_path: Path) -> ProjectRepo:
    repo = ProjectRepo(tmp_path / "proj")
    repo.commit(
        {"pyproject.toml": pyproject("1.102.4", "0.4.97"), "schemas/schema.prisma": SNAPSHOT},
        "initial",
    )
    return repo


def test_dependabot_grouped_bump(project: ProjectRepo) -> None:
    project.branch("dependabot/uv/litellm-abc")
    message = dependabot_message(
        [("litellm", "1.102.4", "1.106.0", "version-update:semver-minor"),
         ("litellm-proxy-extras", "0.4.97", "0.4.105", "version-update:semver-patch")],
        group="litellm",
    )
    project.commit({"pyproject.toml": pyproject("1.106.0", "0.4.105")}, message, author=DEPENDABOT)

    changes = detect_changes(load_config(project.root), base="main")

    (litellm,) = changes.changed
    assert [(p.package, p.base_version, p.head_version) for p in litellm.pins] == [
        ("litellm", "1.102.4", "1.106.0"),
        ("litellm-proxy-extras", "0.4.97", "0.4.105"),
    ]
    assert litellm.stuck_coupled == ()
    assert [(u.name, u.version, u.update_type) for u in changes.dependabot] == [
        ("litellm", "1.106.0", "version-update:semver-minor"),
        ("litellm-proxy-extras", "0.4.105", "version-update:semver-patch"),
    ]
    assert changes.base_snapshot == SNAPSHOT
    assert changes.head_sha == project.repo.head.commit.hexsha
    assert not changes.shallow


def test_hand_made_bump_in_requirements_txt(project: ProjectRepo) -> None:
    project.commit({"requirements.txt": "litellm[proxy]==1.102.4\n"}, "add requirements")
    project.branch("bump")
    project.commit({"requirements.txt": "# bumped by hand\nlitellm[proxy]==1.106.0\n",
                    "pyproject.toml": pyproject("1.106.0", "0.4.97")}, "Bump litellm")
    changes = detect_changes(load_config(project.root), base="main", head="bump")
    (litellm,) = changes.changed
    assert litellm.main.head_locations == (
        "pyproject.toml:dependency-groups.upstream[0]", "requirements.txt:2",
    )
    assert litellm.stuck_coupled == ("litellm-proxy-extras",)
    assert changes.dependabot == ()


def test_unrelated_bump_changes_no_upstream(project: ProjectRepo) -> None:
    project.branch("dependabot/uv/httpx")
    project.commit(
        {"pyproject.toml": pyproject("1.102.4", "0.4.97", httpx="0.28.1")},
        dependabot_message([("httpx", "0.27.0", "0.28.1", "version-update:semver-minor")],
                           group=None),
        author=DEPENDABOT,
    )
    changes = detect_changes(load_config(project.root), base="main")
    assert changes.changed == ()
    assert [u.name for u in changes.unmanaged_dependabot(["litellm", "litellm-proxy-extras"])] \
        == ["httpx"]


def test_inconsistent_pins_at_head_are_bad_input(project: ProjectRepo) -> None:
    project.branch("half")
    project.commit({"requirements.txt": "litellm==1.106.0\n"}, "half a bump")
    with pytest.raises(ConfigError, match="pinned to different versions"):
        detect_changes(load_config(project.root), base="main")


def test_merge_commit_head_still_finds_the_dependabot_message(project: ProjectRepo) -> None:
    # GitHub's refs/pull/N/merge: a merge of the PR into a base that moved on.
    project.branch("dependabot/uv/litellm")
    message = dependabot_message(
        [("litellm", "1.102.4", "1.106.0", "version-update:semver-minor")], group=None
    )
    project.commit({"pyproject.toml": pyproject("1.106.0", "0.4.105")}, message,
                   author=DEPENDABOT)
    project.checkout("main")
    project.commit({"README.md": "moved on\n"}, "unrelated work on main")
    project.repo.git.merge("--no-ff", "-m", "Merge abc into def", "dependabot/uv/litellm")
    changes = detect_changes(load_config(project.root), base="main~1", head="HEAD")
    assert [u.name for u in changes.dependabot] == ["litellm"]
    assert changes.changed[0].main.head_version == "1.106.0"


def test_missing_base_in_a_shallow_clone_says_how_to_fetch_it(
    project: ProjectRepo, tmp_path: Path
) -> None:
    project.branch("pr")
    project.commit({"pyproject.toml": pyproject("1.106.0", "0.4.105")}, "bump")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth=1", "--branch", "pr", "--single-branch",
                    f"file://{project.root}", str(clone)], check=True)
    config = load_config(clone)

    with pytest.raises(BadInputError) as info:
        detect_changes(config)  # default base: origin/main
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert "origin/main" in info.value.message
    assert info.value.hint is not None
    assert "git fetch --depth=1 origin main" in info.value.hint
    assert "shallow" in info.value.hint

    # Do what the hint says; now it works, comparing with the base commit itself.
    subprocess.run(["git", "fetch", "-q", "--depth=1", "origin", "main:refs/remotes/origin/main"],
                   cwd=clone, check=True)
    changes = detect_changes(config)
    assert changes.shallow
    assert changes.changed[0].main.base_version == "1.102.4"
    assert changes.base_snapshot == SNAPSHOT


def test_default_base_follows_github_base_ref(
    project: ProjectRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.repo.git.branch("release")
    project.branch("pr")
    project.commit({"pyproject.toml": pyproject("1.106.0", "0.4.105")}, "bump")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", f"file://{project.root}", str(clone)], check=True)
    subprocess.run(["git", "checkout", "-q", "pr"], cwd=clone, check=True)
    monkeypatch.setenv("GITHUB_BASE_REF", "release")
    changes = detect_changes(load_config(clone))
    assert changes.base_ref == "origin/release"
    assert changes.changed[0].main.head_version == "1.106.0"


def test_project_in_a_subdirectory(tmp_path: Path) -> None:
    repo = ProjectRepo(tmp_path / "mono")
    repo.commit({"services/gw/pyproject.toml": pyproject("1.102.4", "0.4.97"),
                 "services/gw/schemas/schema.prisma": SNAPSHOT}, "initial")
    repo.branch("pr")
    repo.commit({"services/gw/pyproject.toml": pyproject("1.106.0", "0.4.105")}, "bump")
    changes = detect_changes(load_config(repo.root / "services/gw"), base="main")
    assert changes.changed[0].main.head_version == "1.106.0"
    assert changes.base_snapshot == SNAPSHOT


def test_parse_dependabot_message_ignores_other_messages() -> None:
    assert parse_dependabot_message("Fix a typo\n\n---\nnot: dependabot\n") == []
    message = dependabot_message(
        [("litellm", "1.1.0", "1.2.0", "version-update:semver-minor")], group=None
    )
    (update,) = parse_dependabot_message(message, commit="abc")
    assert update.to_dict() == {
        "name": "litellm", "version": "1.2.0", "dependency_type": "direct:production",
        "update_type": "version-update:semver-minor", "commit": "abc",
    }


@pytest.mark.parametrize("how", ["branch", "author", "env"])
def test_a_renovate_pr_is_recognised_and_read_like_dependabots(
    project: ProjectRepo, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    from tests.ci.gitrepo import AUTHOR, RENOVATE, renovate_message

    monkeypatch.delenv("GITHUB_HEAD_REF", raising=False)
    branch = "renovate/litellm-1.x" if how != "author" else "upgrade-litellm"
    project.branch(branch)
    project.commit(
        {"pyproject.toml": pyproject("1.106.0", "0.4.105")},
        renovate_message("litellm", [("litellm", "1.102.4", "1.106.0"),
                                     ("litellm-proxy-extras", "0.4.97", "0.4.105")]),
        author=RENOVATE if how == "author" else AUTHOR,
    )
    if how == "env":  # a pull-request job checks out the head detached
        project.checkout(project.repo.head.commit.hexsha)
        monkeypatch.setenv("GITHUB_HEAD_REF", branch)

    changes = detect_changes(load_config(project.root), base="main")

    assert changes.updater == "renovate"
    assert changes.head_branch == branch
    assert changes.dependabot == ()
    (litellm,) = changes.changed
    assert [(p.package, p.base_version, p.head_version) for p in litellm.pins] == [
        ("litellm", "1.102.4", "1.106.0"), ("litellm-proxy-extras", "0.4.97", "0.4.105")]
    assert changes.to_dict()["updater"] == "renovate"


def test_a_person_s_branch_is_no_bot_s(project: ProjectRepo, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    monkeypatch.delenv("GITHUB_HEAD_REF", raising=False)
    project.branch("bump")
    project.commit({"pyproject.toml": pyproject("1.106.0", "0.4.105")}, "Bump litellm")
    changes = detect_changes(load_config(project.root), base="main")
    assert changes.updater is None and changes.head_branch == "bump"
