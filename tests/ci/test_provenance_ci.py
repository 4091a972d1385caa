"""``nemoctl ci`` fails a PR that takes LiteLLM from a fork or patches it, bump or not."""

from __future__ import annotations

from nemoctl.ci.run import run_ci
from nemoctl.config import load_config
from nemoctl.errors import ExitCode
from tests.ci.conftest import CONTRACT, EXTRAS
from tests.ci.gitrepo import ProjectRepo, pyproject

GIT_SOURCE = '\n[tool.uv.sources]\nlitellm = { git = "https://github.com/someone/litellm", ' \
    'rev = "abc123" }\n'


def test_git_source_without_a_bump_is_not_safe_to_merge(project: ProjectRepo) -> None:
    project.branch("fork-litellm")
    text = pyproject("1.102.4", "0.4.97", extra_toml=CONTRACT) + GIT_SOURCE
    project.commit({"pyproject.toml": text}, "take litellm from a fork")
    result = run_ci(load_config(project.root), base="main", contracts=False)
    line = text.splitlines().index('litellm = { git = "https://github.com/someone/litellm", '
                                   'rev = "abc123" }') + 1
    assert result.exit_code == ExitCode.FINDINGS
    assert any(p.startswith(f"provenance: pyproject.toml:{line}: litellm comes from a "
                            "version-control checkout") and "[SOURCE_GIT]" in p
               for p in result.consistency_problems), result.consistency_problems


def test_bump_with_a_dockerfile_patch_is_blocked(project: ProjectRepo) -> None:
    project.branch("bump-and-patch")
    dockerfile = ("FROM python:3.11-slim\nRUN pip install litellm[proxy]==1.106.0\n"
                  "RUN sed -i 's/x/y/' /usr/local/lib/python3.11/site-packages/litellm/utils.py\n")
    project.commit({"pyproject.toml": pyproject("1.106.0", EXTRAS["1.106.0"], extra_toml=CONTRACT),
                    "Dockerfile": dockerfile}, "Bump litellm to 1.106.0")
    result = run_ci(load_config(project.root), base="main", contracts=False)
    (verification,) = result.verifications
    assert result.exit_code == ExitCode.BLOCKED
    assert verification.exit_code == ExitCode.BLOCKED
    assert verification.report is not None and verification.report.error is not None
    message = verification.report.error.message
    assert "Dockerfile:3: the Dockerfile runs `sed -i` on LiteLLM" in message
    assert "[PATCH_APPLIED]" in message
    # Refused in preflight: nothing was resolved, fetched or written.
    assert verification.report.files_written == ()
