"""Where LiteLLM comes from: real uv, Poetry and requirements consumers, each source kind.

Each case writes a consumer the way a user would (and locks it with the real tool where
that works offline), then asserts the rule ID and the named file and line — through
``nemoctl check`` for the representative cases and the scanner for the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nemoctl.provenance.sources import scan_sources
from tests.provenance.conftest import UV_PROJECT, Project, problems


def _allowed(url: str) -> bool:
    return False


def test_clean_uv_consumer_passes(project: Project) -> None:
    project.write("pyproject.toml", UV_PROJECT)
    project.uv_lock()
    code, items, _ = project.check()
    assert items["provenance"]["status"] == "ok", items["provenance"]
    assert code == 0


def test_uv_git_source_fails_check_naming_pyproject_and_lock(project: Project,
                                                             checkout: Path) -> None:
    project.write("pyproject.toml", UV_PROJECT + f'\n[tool.uv.sources]\nlitellm = {{ git = '
                  f'"file://{checkout}" }}\n')
    project.uv_lock()  # the real lock: source = { git = "file://…#<sha>" }
    code, items, _ = project.check()
    found = problems(items["provenance"])
    assert code == 1
    line = project.line_of("pyproject.toml", "litellm = { git")
    lock_line = project.line_of("uv.lock", 'source = { git = "file://')
    assert any(p.startswith(f"pyproject.toml:{line}: litellm") and "[SOURCE_GIT]" in p
               for p in found), found
    assert any(p.startswith(f"uv.lock:{lock_line}: litellm") and "[SOURCE_GIT]" in p
               for p in found), found
    assert all("way back:" in p for p in found)


def test_uv_editable_path_is_refused_by_init_writing_nothing(project: Project,
                                                              checkout: Path) -> None:
    project.write("pyproject.toml", UV_PROJECT + '\n[tool.uv.sources]\nlitellm = { path = '
                  f'"{checkout}", editable = true }}\n')
    project.uv_lock()
    before = project.hashes()
    proc = project.nemoctl("init")
    assert proc.returncode == 2, proc.stderr
    line = project.line_of("pyproject.toml", "editable = true")
    assert f"pyproject.toml:{line}: litellm comes as an editable install" in proc.stderr
    assert "[SOURCE_EDITABLE]" in proc.stderr
    assert "uv.lock" in proc.stderr and "nothing was written" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert project.hashes() == before


def test_uv_plain_path_and_lock_directory(project: Project, checkout: Path) -> None:
    project.write("pyproject.toml", UV_PROJECT + f'\n[tool.uv.sources]\nlitellm = {{ path = '
                  f'"{checkout}" }}\n')
    project.uv_lock()
    found = scan_sources(project.root, index_allowed=_allowed)
    assert [(o.rule_id, o.path) for o in found] == [
        ("SOURCE_PATH", "pyproject.toml"), ("SOURCE_PATH", "uv.lock")]
    assert found[0].line == project.line_of("pyproject.toml", "litellm = { path")
    assert found[1].line == project.line_of("uv.lock", "source = { directory")


@pytest.mark.parametrize(("requirement", "rule"), [
    ("litellm @ https://example.invalid/litellm-1.0.0-py3-none-any.whl", "SOURCE_URL"),
    ("litellm[proxy] @ git+https://github.com/someone/litellm@abc123", "SOURCE_GIT"),
    ("litellm @ file:///srv/litellm", "SOURCE_PATH"),
    ("litellm-proxy-extras @ https://example.invalid/x-0.1.0.tar.gz", "SOURCE_URL"),
])
def test_pep508_direct_references(project: Project, requirement: str, rule: str) -> None:
    project.write("pyproject.toml", UV_PROJECT.replace(
        '"litellm==1.0.0",', f'"litellm==1.0.0",\n    "{requirement}",'))
    found = scan_sources(project.root, index_allowed=_allowed)
    assert [(o.rule_id, o.path, o.line) for o in found] == [
        (rule, "pyproject.toml", project.line_of("pyproject.toml", requirement))]


def test_direct_reference_fails_check(project: Project) -> None:
    requirement = "litellm @ https://example.invalid/litellm-1.0.0-py3-none-any.whl"
    project.write("pyproject.toml", UV_PROJECT.replace('"litellm==1.0.0",',
                                                       f'"{requirement}",'))
    code, items, _ = project.check()
    line = project.line_of("pyproject.toml", requirement)
    assert code == 1
    assert any(p.startswith(f"pyproject.toml:{line}:") and "[SOURCE_URL]" in p
               for p in problems(items["provenance"]))


REQUIREMENTS = """\
# pinned by hand
-e {checkout}
litellm-proxy-extras==0.1.0 \\
    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000
git+file://{checkout}#egg=litellm
--find-links ./wheels
litellm-enterprise @ file:///srv/enterprise
httpx==0.28.1
"""


def test_requirements_consumer(project: Project, checkout: Path) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    project.write("requirements.txt", REQUIREMENTS.format(checkout=checkout))
    code, items, _ = project.check()
    found = problems(items["provenance"])
    assert code == 1
    expected = [
        ("requirements.txt:2: litellm", "[SOURCE_EDITABLE]"),  # named by its pyproject
        ("requirements.txt:5: litellm", "[SOURCE_GIT]"),
        ("requirements.txt:6: litellm", "[SOURCE_INDEX_OVERRIDE]"),
        ("requirements.txt:7: litellm-enterprise", "[SOURCE_PATH]"),
    ]
    for where, rule in expected:
        assert any(p.startswith(where) and rule in p for p in found), (where, found)
    assert not any("httpx" in p for p in found)


def test_requirements_per_line_index_option_and_include(project: Project) -> None:
    project.write("requirements.txt", "-r base.txt\n")
    project.write("base.txt", "litellm==1.0.0 --index-url https://mirror.invalid/simple\n")
    found = scan_sources(project.root, index_allowed=_allowed)
    assert [(o.rule_id, o.path, o.line) for o in found] == [
        ("SOURCE_INDEX_OVERRIDE", "base.txt", 1)]


def test_requirements_unidentified_path_is_a_warning(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    project.write("requirements.txt", "-e ./vendor/thing\n-e .\n")
    code, items, _ = project.check()
    assert code == 0, items
    assert "SOURCE_UNIDENTIFIED" in str(items["provenance"]["detail"])
    assert "requirements.txt:1" in str(items["provenance"]["detail"])
    # ``-e .`` is the project itself (its pyproject names it "c"): not reported.
    assert "requirements.txt:2" not in str(items["provenance"]["detail"])


POETRY = """\
[tool.poetry]
name = "consumer"
version = "0.1.0"
description = ""
authors = ["T <t@example.invalid>"]
package-mode = false

[tool.poetry.dependencies]
python = "^3.11"
{line}
"""


@pytest.mark.parametrize(("line", "rule"), [
    ('litellm = {git = "https://github.com/someone/litellm.git", rev = "abc123"}',
     "SOURCE_GIT"),
    ('litellm = {path = "../litellm", develop = true}', "SOURCE_EDITABLE"),
    ('litellm = {path = "../litellm-1.0.0-py3-none-any.whl"}', "SOURCE_PATH"),
    ('litellm = {url = "https://example.invalid/litellm-1.0.0.tar.gz"}', "SOURCE_URL"),
])
def test_poetry_declarations(project: Project, line: str, rule: str) -> None:
    project.write("pyproject.toml", POETRY.format(line=line))
    found = scan_sources(project.root, index_allowed=_allowed)
    assert [(o.rule_id, o.path, o.line) for o in found] == [
        (rule, "pyproject.toml", project.line_of("pyproject.toml", line))]


def test_poetry_git_fails_check(project: Project) -> None:
    line = 'litellm = {git = "https://github.com/someone/litellm.git", rev = "abc123"}'
    project.write("pyproject.toml", POETRY.format(line=line))
    code, items, _ = project.check()
    assert code == 1
    assert any(p.startswith(f"pyproject.toml:{project.line_of('pyproject.toml', line)}:")
               and "[SOURCE_GIT]" in p and "abc123" in p for p in problems(items["provenance"]))


POETRY_LOCK = """\
# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "httpx"
version = "0.28.1"
description = ""
optional = false
python-versions = ">=3.8"
files = []

[[package]]
name = "litellm"
version = "1.0.0"
description = ""
optional = false
python-versions = "*"
files = []
develop = true

[package.source]
type = "directory"
url = "../litellm"

[metadata]
lock-version = "2.1"
python-versions = "^3.11"
content-hash = "0"
"""


def test_poetry_lock_source(project: Project) -> None:
    project.write("poetry.lock", POETRY_LOCK)
    found = scan_sources(project.root, index_allowed=_allowed)
    assert [(o.rule_id, o.path, o.line) for o in found] == [
        ("SOURCE_EDITABLE", "poetry.lock", project.line_of("poetry.lock", "[package.source]"))]


def test_registry_of_the_configured_index_is_fine_another_is_not(project: Project) -> None:
    project.write("pyproject.toml", UV_PROJECT)
    project.uv_lock()
    assert scan_sources(project.root) == []  # the session's index is pip's index
    lock = project.root / "uv.lock"
    url = project.env["PIP_INDEX_URL"]
    lock.write_text(lock.read_text().replace(url, "https://mirror.invalid/simple"))
    found = scan_sources(project.root)
    assert [o.rule_id for o in found] == ["SOURCE_INDEX_OVERRIDE"]
    assert found[0].path == "uv.lock" and found[0].line > 0


@pytest.mark.slow
def test_real_poetry_lock_of_a_develop_path(project: Project, checkout: Path) -> None:
    """``poetry lock`` itself writes the ``[package.source]`` nemoctl reads (~10 s)."""
    import subprocess
    import sys

    line = f'litellm = {{path = "{checkout}", develop = true}}'
    project.write("pyproject.toml", POETRY.format(line=line))
    env = {**project.env, "POETRY_CACHE_DIR": str(project.root.parent / "poetry-cache")}
    subprocess.run([str(Path(sys.executable).parent / "poetry"), "lock"], cwd=project.root,
                   env=env, check=True, capture_output=True, timeout=600)
    code, items, _ = project.check()
    found = problems(items["provenance"])
    assert code == 1
    lock_line = project.line_of("poetry.lock", "[package.source]")
    assert any(p.startswith(f"pyproject.toml:{project.line_of('pyproject.toml', line)}: ")
               and "[SOURCE_EDITABLE]" in p for p in found), found
    assert any(p.startswith(f"poetry.lock:{lock_line}: litellm") and "[SOURCE_EDITABLE]" in p
               for p in found), found


def test_includes_outside_the_project_are_not_read(project: Project, tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("litellm @ git+https://github.com/someone/litellm\n")
    project.write("requirements.txt", f"-r {secret}\nhttpx==0.28.1\n")
    found = scan_sources(project.root, index_allowed=_allowed)
    assert [(o.rule_id, o.line) for o in found] == [("SOURCE_UNIDENTIFIED", 1)]
    assert "outside the project" in found[0].message


def test_check_json_carries_the_kernel_findings(project: Project, checkout: Path) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    project.write("requirements.txt", f"-e {checkout}\n")
    code, items, _ = project.check()
    findings = items["provenance"]["findings"]
    assert code == 1 and isinstance(findings, list)
    (finding,) = findings
    assert finding["rule_id"] == "SOURCE_EDITABLE" and finding["blocking"] is True
    assert finding["location"] == {"path": "requirements.txt", "line": 1, "column": None,
                                   "snippet": f"-e {checkout}"}
    assert finding["hint"].startswith("pin it from the package index")
    assert len(finding["fingerprint"]) == 16


def test_the_configured_index_follows_pip_settings_within_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that sees two pip configurations (a test run, a long-lived tool) judges
    each index by the settings in force, not by the first it met."""
    from nemoctl.provenance.indexes import is_configured_index

    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:41001/simple")
    assert is_configured_index("http://127.0.0.1:41001/simple/")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:41002/simple")
    assert is_configured_index("http://127.0.0.1:41002/simple")
    assert not is_configured_index("http://127.0.0.1:41001/simple")
