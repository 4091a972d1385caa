"""No patch files: diffs against LiteLLM in the tree, and the commands applying them."""

from __future__ import annotations

from nemoctl.provenance.patches import scan_patches
from nemoctl.provenance.shell import dockerfile_runs, shell_commands
from tests.provenance.conftest import Project, problems

PATCH = """\
From 1a2b3c Mon Sep 17 00:00:00 2001
Subject: [PATCH] spend logs: drop organization_id

---
 litellm/proxy/_types.py | 1 -
 1 file changed, 1 deletion(-)

diff --git a/litellm/proxy/_types.py b/litellm/proxy/_types.py
--- a/litellm/proxy/_types.py
+++ b/litellm/proxy/_types.py
@@ -7,4 +7,3 @@ class SpendLogsPayload(TypedDict):
     request_id: str
     spend: float
     model_group: str
-    organization_id: str | None
"""

OWN_PATCH = """\
--- a/app/main.py
+++ b/app/main.py
@@ -1,1 +1,1 @@
-x = 1
+x = 2
"""

DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM python:3.11-slim
COPY patches/ /patches/
RUN pip install --no-cache-dir litellm[proxy]==1.0.0
RUN cd /usr/local/lib/python3.11/site-packages \\
 && patch -p1 < /patches/0001-spend-logs.patch
RUN ["sh", "-c", "git apply --directory=vendor app.patch"]
"""


def test_patch_file_and_dockerfile_fail_check(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    project.write("patches/0001-spend-logs.patch", PATCH)
    project.write("app.patch", OWN_PATCH)
    project.write("Dockerfile", DOCKERFILE)
    code, items, _ = project.check()
    found = problems(items["provenance"])
    assert code == 1
    patch_line = project.line_of("patches/0001-spend-logs.patch", "@@ -7,4")
    assert any(p.startswith(f"patches/0001-spend-logs.patch:{patch_line}: a patch of LiteLLM: "
                            "litellm/proxy/_types.py") and "[PATCH_FILE]" in p for p in found)
    run_line = project.line_of("Dockerfile", "RUN cd /usr/local")
    assert any(p.startswith(f"Dockerfile:{run_line}: the Dockerfile runs `patch` on LiteLLM: "
                            "litellm/proxy/_types.py") and "[PATCH_APPLIED]" in p
               for p in found), found
    # The project's own patch of its own code is none of nemoctl's business.
    assert not any("app.patch" in p or "Dockerfile:7" in p for p in found)


def test_workflow_and_script(project: Project) -> None:
    project.write("patches/fix.diff", PATCH)
    project.write(".github/workflows/deploy.yml", """\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: install
        run: |
          pip install -r requirements.txt
          git apply patches/fix.diff
      - run: echo done
""")
    project.write("scripts/build.sh", "#!/bin/sh\nset -e\n"
                  "sed -i 's/a/b/' \"$SITE/litellm/utils.py\"\n"
                  "git apply --stat patches/fix.diff\n")
    found = scan_patches(project.root)
    got = {(o.rule_id, o.path, o.line) for o in found}
    assert ("PATCH_APPLIED", ".github/workflows/deploy.yml",
            project.line_of(".github/workflows/deploy.yml", "git apply")) in got
    assert ("PATCH_APPLIED", "scripts/build.sh", 3) in got
    assert ("PATCH_FILE", "patches/fix.diff",
            project.line_of("patches/fix.diff", "@@")) in got
    # ``git apply --stat`` only reads the patch.
    assert ("PATCH_APPLIED", "scripts/build.sh", 4) not in got


def test_unreadable_patch_is_a_warning(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    project.write("Dockerfile", "FROM python:3.11\nRUN curl -sL https://x.invalid/p | "
                  "patch -p1 -d /usr/local/lib\n")
    code, items, _ = project.check()
    assert code == 0
    assert "Dockerfile:2" in str(items["provenance"]["detail"])
    assert "PATCH_UNIDENTIFIED" in str(items["provenance"]["detail"])


def test_dockerfile_reader() -> None:
    runs = dockerfile_runs("FROM x\n# comment\nRUN a \\\n  && b\nRUN --mount=type=cache,"
                           "target=/c c\nRUN <<EOF\npatch -p1 < x.patch\nEOF\n")
    assert [line for line, _ in runs] == [3, 5, 6]
    assert runs[0][1].split() == ["a", "&&", "b"]
    assert runs[1][1] == "c"
    assert "patch -p1 < x.patch" in runs[2][1]


def test_shell_tokenizer_keeps_quotes_and_splits_commands() -> None:
    assert shell_commands("cd '/a b' && patch -p1 <x.patch; echo 'a;b'") == [
        ["cd", "/a b"], ["patch", "-p1", "<", "x.patch"], ["echo", "a;b"]]


def test_script_memo_holds_no_secret(project: Project, cache_root: object) -> None:
    from pathlib import Path

    secret = "ghp_" + "s3cr3tT0k3nValue123456"
    project.write("Dockerfile", "FROM x\nRUN curl -sH 'Authorization: Bearer "
                  f"{secret}' https://user:{secret}@h.invalid/p -o /p.patch && "
                  "patch -p1 < /p.patch\n")
    found = scan_patches(project.root)
    assert [o.rule_id for o in found] == ["PATCH_UNIDENTIFIED"]
    memo = Path(str(cache_root)) / "provenance" / "scripts"
    assert memo.is_dir()
    for path in memo.iterdir():
        assert secret not in path.read_text()


def test_a_patch_name_on_a_device_is_not_read(project: Project) -> None:
    import os

    os.symlink("/dev/zero", project.root / "evil.patch")
    project.write("Dockerfile", "FROM x\nRUN patch -p1 < evil.patch\n")
    found = scan_patches(project.root)
    # Finished (a read of /dev/zero never would), and still not called safe.
    assert [(o.rule_id, o.line) for o in found] == [("PATCH_UNIDENTIFIED", 2)]
