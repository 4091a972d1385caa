"""GitHub files ``nemoctl init --ci github|renovate`` writes, adapted to the project.

With Renovate (``--ci renovate``, or a Renovate config in the repository) the two
workflows are the same and ``dependabot.yml`` is not written: the Renovate config is
merged by :mod:`nemoctl.adopt.renovate`.  Otherwise three files, the same design as
this repository's own ``.github`` (see docs/ci.md): ``dependabot.yml`` (the project's
package ecosystem, litellm grouped with litellm-proxy-extras), ``nemoctl-ci.yml``
(read-only verification of the PR) and ``nemoctl-ci-publish.yml`` (comment + push of
the regenerated files, never running PR code).  What differs from this repository's
copy, on purpose:

- nemoctl is installed **as a tool at a pinned version** (``uv tool install
  nemoctl==X``), so it does not need to be in the consumer's lockfile;
- the lock tool the project needs is installed the same way (Poetry, pinned to the
  version its ``poetry.lock`` names);
- paths, cache keys and the publish allow-list come from the project's own files and
  its configured ``schemas-dir`` / ``generated-dir``;
- the installed tools are cached too (keyed by nemoctl's and Python's versions), so a
  warm job skips the install step (figures: docs/ci.md, "The CI job from a cold runner").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nemoctl.adopt.detect import Detection

#: The uv the workflows bootstrap with (the version this repository's CI uses).
UV_VERSION = "0.13.9"


@dataclass(frozen=True, slots=True)
class WorkflowContext:
    """Everything the templates need, already relative to the git repository's root."""

    detection: Detection
    nemoctl_version: str
    #: The project directory relative to the repository root (``""`` at the root).
    project_dir: str
    schemas_dir: str
    generated_dir: str
    #: Who opens the bump PRs: ``dependabot`` (dependabot.yml is written) or ``renovate``
    #: (its config is merged by :mod:`nemoctl.adopt.renovate`; no dependabot.yml).
    updater: Literal["dependabot", "renovate"] = "dependabot"

    @property
    def command(self) -> str:
        return "nemoctl init --ci " + ("renovate" if self.updater == "renovate" else "github")

    def at(self, rel: str) -> str:
        return f"{self.project_dir}/{rel}" if self.project_dir else rel

    @property
    def pin_files(self) -> list[str]:
        """The files whose change means "the pins may have moved"."""
        files = ["pyproject.toml"]
        if self.detection.kind in ("uv", "poetry") and self.detection.lockfile:
            files.append(self.detection.lockfile)
        if self.detection.requirement_files:
            files += ["requirements*.txt", "requirements*.in"]
        return [self.at(f) for f in files]


def _yaml_list(items: list[str], indent: int) -> str:
    pad = " " * indent
    return "\n".join(f'{pad}- "{item}"' for item in items)


def dependabot(ctx: WorkflowContext) -> str:
    directory = "/" + ctx.project_dir
    kind, ecosystem = ctx.detection.kind, ctx.detection.ecosystem
    return f"""\
# Written by `nemoctl init --ci github`.  Dependabot opens the LiteLLM bump PRs that
# `nemoctl ci` verifies (.github/workflows/nemoctl-ci.yml).
version: 2
updates:
  # This is a {kind} project: dependabot's "{ecosystem}" ecosystem
  # updates its pins{' and lockfile' if ctx.detection.lockfile else ''}.
  - package-ecosystem: "{ecosystem}"
    directory: "{directory}"
    schedule:
      interval: "daily"
    # Match [tool.nemoctl] minimum-release-age: no releases younger than 3 days.
    cooldown:
      default-days: 3
    groups:
      # litellm[proxy] pins litellm-proxy-extras exactly: one PR must move both,
      # or the bump cannot resolve.
      litellm:
        patterns:
          - "litellm"
          - "litellm-proxy-extras"
          - "litellm-enterprise"
    commit-message:
      prefix: "deps"
  - package-ecosystem: "github-actions"
    directory: "/"
    schedule:
      interval: "weekly"
"""


def _install_lines(ctx: WorkflowContext) -> list[str]:
    lines = [
        f"python -m pip install uv=={UV_VERSION}",
        # A tool install has its own environment: the project's lock is not involved.
        f"uv tool install nemoctl=={ctx.nemoctl_version}",
    ]
    if ctx.detection.kind == "poetry":
        version = ctx.detection.poetry_version
        lines.append(f"uv tool install poetry=={version}" if version
                     else 'uv tool install "poetry>=2,<3"')
    lines.append("nemoctl --version")
    return lines


def ci_workflow(ctx: WorkflowContext) -> str:
    paths = _yaml_list([*ctx.pin_files, ctx.at(ctx.schemas_dir) + "/**",
                        ctx.at(ctx.generated_dir) + "/**"], 6)
    key_files = ", ".join(f"'{f}'" for f in ctx.pin_files)
    install = "\n".join(f"          {line}" for line in _install_lines(ctx))
    poetry = ctx.detection.poetry_version if ctx.detection.kind == "poetry" else None
    tools_key = (f"nemoctl-tools-{ctx.nemoctl_version}-${{{{ runner.os }}}}-"
                 "py${{ steps.python.outputs.python-version }}"
                 + (f"-poetry{poetry or '2'}" if ctx.detection.kind == "poetry" else ""))
    project = f' --project "{ctx.project_dir}"' if ctx.project_dir else ""
    return f"""\
# Written by `{ctx.command}`: verify a pull request that moves the LiteLLM
# pins ({ctx.updater}'s or a person's).  See docs/ci.md in nemoctl.
#
# Read-only token, no secrets -- what GitHub gives a dependabot PR -- so it behaves the
# same for both.  The report goes to the job summary and, with the regenerated files as
# a patch, into an artifact that nemoctl-ci-publish.yml posts and pushes.
name: nemoctl ci

on:
  pull_request:
    paths:
{paths}

permissions:
  contents: read

concurrency:
  group: nemoctl-ci-${{{{ github.event.pull_request.number }}}}
  cancel-in-progress: true

jobs:
  verify:
    runs-on: ubuntu-latest
    timeout-minutes: 45
    steps:
      - uses: actions/checkout@v4
        with:
          # The PR's own head commit, so a dependabot commit message is visible.
          ref: ${{{{ github.event.pull_request.head.sha }}}}
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-python@v5
        id: python
        with:
          python-version: "3.11"
      - uses: actions/setup-node@v4
        with:
          node-version: "20"
      # nemoctl's cache: node tools, wheels, parsed schemas, rendered outputs, contract
      # environments (tests/benchmarks/test_ci_cold_bench.py measures what it saves).
      - name: Cache nemoctl
        uses: actions/cache@v4
        with:
          path: ~/.cache/nemoctl
          key: nemoctl-{ctx.nemoctl_version}-${{{{ runner.os }}}}-${{{{ hashFiles({key_files}) }}}}
          restore-keys: nemoctl-{ctx.nemoctl_version}-${{{{ runner.os }}}}-
      # The installed tools themselves (uv's cache would hold the same files again):
      # their environments point at this exact Python, hence its version in the key.
      - name: Cache the installed nemoctl
        id: tools
        uses: actions/cache@v4
        with:
          path: |
            ~/.local/share/uv/tools
            ~/.local/bin
          key: {tools_key}
      - name: Install nemoctl
        if: steps.tools.outputs.cache-hit != 'true'
        run: |
{install}
      - name: nemoctl ci
        id: ci
        env:
          BASE_SHA: ${{{{ github.event.pull_request.base.sha }}}}
        run: |
          git config user.name "nemoctl"
          git config user.email "nemoctl@users.noreply.github.com"
          mkdir -p out
          before="$(git rev-parse HEAD)"
          set +e
          nemoctl ci{project} --base "$BASE_SHA" --head HEAD --write --report-file out/report.md
          code=$?
          set -e
          echo "exit-code=$code" >> "$GITHUB_OUTPUT"
          if [ "$(git rev-parse HEAD)" != "$before" ]; then
            git format-patch -1 --stdout > out/regenerated.patch
          fi
          exit "$code"
      - name: Keep the PR number for the publishing workflow
        if: always()
        env:
          PR_NUMBER: ${{{{ github.event.pull_request.number }}}}
          HEAD_REF: ${{{{ github.event.pull_request.head.ref }}}}
          HEAD_SHA: ${{{{ github.event.pull_request.head.sha }}}}
        run: |
          mkdir -p out
          printf '%s\\n' "$PR_NUMBER" > out/pr-number
          printf '%s\\n' "$HEAD_REF" > out/head-ref
          printf '%s\\n' "$HEAD_SHA" > out/head-sha
      - name: Upload the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: nemoctl-ci
          path: out/
          retention-days: 7
"""


def _ere(text: str) -> str:
    """``text`` as a literal in a POSIX extended regex (GNU grep warns on needless ``\\``)."""
    return re.sub(r"([.\[\](){}*+?|^$\\])", r"\\\1", text)


def _allowed_pattern(ctx: WorkflowContext) -> str:
    """An ERE of the only paths the publish job may push (data, never code)."""
    dirs = sorted({ctx.at(ctx.schemas_dir), ctx.at(ctx.generated_dir)})
    files = [ctx.at(n) for n in ("uv.lock", "poetry.lock")]
    esc = [_ere(d) for d in dirs]
    esc_files = [_ere(f) for f in files]
    return "^((" + "|".join(esc) + ")/|(" + "|".join(esc_files) + ")$)"


def publish_workflow(ctx: WorkflowContext) -> str:
    pattern = _allowed_pattern(ctx)
    shown = ", ".join(sorted({ctx.at(ctx.schemas_dir), ctx.at(ctx.generated_dir)})) + "/"
    return f"""\
# Written by `{ctx.command}`: publish what `nemoctl ci` found -- a PR comment,
# and the regenerated {shown} files pushed to the PR branch.
#
# Runs after `nemoctl ci` in the base repository's context (a write token even for
# dependabot PRs) and never checks out or runs the PR's code: it only reads the
# artifact, and applies the patch after checking it touches nothing but {shown}
# and the project lockfile.
name: nemoctl ci publish

on:
  workflow_run:
    workflows: ["nemoctl ci"]
    types: [completed]

permissions:
  contents: write
  pull-requests: write
  actions: read

jobs:
  publish:
    if: github.event.workflow_run.event == 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - name: Download the report
        uses: actions/download-artifact@v4
        with:
          name: nemoctl-ci
          path: out
          run-id: ${{{{ github.event.workflow_run.id }}}}
          github-token: ${{{{ secrets.GITHUB_TOKEN }}}}
      - name: Comment on the pull request
        env:
          GH_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}
          REPO: ${{{{ github.repository }}}}
        run: |
          pr="$(tr -dc '0-9' < out/pr-number)"
          [ -n "$pr" ] && [ -f out/report.md ] || {{ echo "no report"; exit 0; }}
          # One comment per PR, edited in place on every run.
          id="$(gh api "repos/$REPO/issues/$pr/comments" --paginate \\
                --jq '.[] | select(.body | startswith("<!-- nemoctl-ci -->")) | .id' | head -n1)"
          body="$(printf '<!-- nemoctl-ci -->\\n%s' "$(cat out/report.md)")"
          if [ -n "$id" ]; then
            gh api -X PATCH "repos/$REPO/issues/comments/$id" -f body="$body"
          else
            gh api -X POST "repos/$REPO/issues/$pr/comments" -f body="$body"
          fi
      - name: Check out the PR branch
        # Same-repository branches only ({ctx.updater}'s are): a fork's is not ours to push.
        if: >-
          hashFiles('out/regenerated.patch') != '' &&
          github.event.workflow_run.head_repository.full_name == github.repository
        uses: actions/checkout@v4
        with:
          ref: ${{{{ github.event.workflow_run.head_branch }}}}
          path: pr
      - name: Push the regenerated files
        if: >-
          hashFiles('out/regenerated.patch') != '' &&
          github.event.workflow_run.head_repository.full_name == github.repository
        env:
          EXPECTED_SHA: ${{{{ github.event.workflow_run.head_sha }}}}
        run: |
          cd pr
          if [ "$(git rev-parse HEAD)" != "$EXPECTED_SHA" ]; then
            echo "the branch moved after the verification ran; not pushing"; exit 0
          fi
          bad="$(git apply --numstat ../out/regenerated.patch | cut -f3 \\
                 | grep -Ev '{pattern}' || true)"
          if [ -n "$bad" ]; then
            echo "::error::the patch touches files other than {shown} and the lockfile: $bad"
            exit 1
          fi
          git config user.name "nemoctl"
          git config user.email "nemoctl@users.noreply.github.com"
          git am ../out/regenerated.patch
          git push origin HEAD
"""


def github_files(ctx: WorkflowContext) -> dict[str, str]:
    """Repository-root-relative path -> text (Renovate's config is merged, not written
    here: :func:`nemoctl.adopt.renovate.plan_renovate_config`)."""
    files = {".github/dependabot.yml": dependabot(ctx)} if ctx.updater == "dependabot" else {}
    files[".github/workflows/nemoctl-ci.yml"] = ci_workflow(ctx)
    files[".github/workflows/nemoctl-ci-publish.yml"] = publish_workflow(ctx)
    return files
