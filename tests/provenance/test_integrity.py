"""What is installed is what was published: a real environment, edited the ways people do."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from nemoctl.provenance.environment import find_environment, poetry_env_name
from nemoctl.provenance.integrity import verify_installed
from tests.provenance.conftest import Project, problems, uv

TYPES = "litellm/proxy/_types.py"


def _site(project: Project, template: Path) -> Path:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n'
                  'dependencies = ["litellm==1.0.0"]\n')
    return project.install_env(template)


def _drop_organization_id(site: Path) -> int:
    path = site / TYPES
    lines = path.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "organization_id" in line)
    path.write_text("".join(line for i, line in enumerate(lines, 1) if i != number))
    return number


def test_clean_environment_passes(project: Project, venv_template: Path) -> None:
    _site(project, venv_template)
    code, items, _ = project.check()
    assert code == 0, items
    assert items["integrity"]["status"] == "ok"
    assert "installed file(s) match their RECORD in .venv (.venv)" in str(
        items["integrity"]["detail"])


def test_edited_file_is_named_with_its_line(project: Project, venv_template: Path) -> None:
    site = _site(project, venv_template)
    line = _drop_organization_id(site)
    code, items, _ = project.check()
    rel = (site / TYPES).relative_to(project.root).as_posix()
    assert code == 1
    assert any(p.startswith(f"{rel}:{line}: litellm 1.0.0 has a modified {TYPES}")
               and "[INSTALL_MODIFIED]" in p for p in problems(items["integrity"])), items


def test_added_and_missing_files(project: Project, venv_template: Path) -> None:
    site = _site(project, venv_template)
    (site / "litellm" / "proxy" / "hotfix.py").write_text("PATCHED = True\n")
    (site / "litellm" / "proxy" / "__init__.py").unlink()
    code, items, _ = project.check()
    found = problems(items["integrity"])
    assert code == 1
    assert any("litellm/proxy/hotfix.py" in p and "[INSTALL_ADDED]" in p for p in found)
    assert any("litellm/proxy/__init__.py" in p and "[INSTALL_MISSING]" in p for p in found)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(
        b"=").decode()


def test_file_and_record_edited_together(project: Project, venv_template: Path) -> None:
    """The RECORD check alone is fooled; the published wheel's RECORD is not."""
    site = _site(project, venv_template)
    _drop_organization_id(site)
    record = next(site.glob("litellm-1.0.0.dist-info")) / "RECORD"
    new_hash = _record_hash((site / TYPES).read_bytes())
    lines = [f"{TYPES},{new_hash},{len((site / TYPES).read_bytes())}"
             if line.startswith(TYPES + ",") else line
             for line in record.read_text().splitlines()]
    record.write_text("\n".join(lines) + "\n")
    code, items, _ = project.check()
    found = problems(items["integrity"])
    assert code == 1
    assert not any("[INSTALL_MODIFIED]" in p for p in found)
    assert any(f"RECORD disagrees with the published wheel on {TYPES}" in p
               and "[INSTALL_RECORD_MISMATCH]" in p for p in found), found


def test_installed_from_a_path_not_the_index(project: Project, venv_template: Path,
                                             wheels: Path) -> None:
    site = _site(project, venv_template)
    wheel = next(wheels.glob("litellm-1.0.0-*.whl"))
    subprocess.run([uv(), "pip", "install", "--quiet", "--reinstall", "--link-mode=copy",
                    "--python", str(project.root / ".venv" / "bin" / "python"), str(wheel)],
                   env=project.env, check=True)
    code, items, _ = project.check()
    assert code == 1
    assert any("direct_url.json" in p and "[INSTALL_NOT_FROM_INDEX]" in p
               for p in problems(items["integrity"]))
    assert site.is_dir()


def test_version_other_than_the_pin(project: Project, venv_template: Path) -> None:
    _site(project, venv_template)
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n'
                  'dependencies = ["litellm==1.0.1"]\n')
    code, items, _ = project.check()
    assert code == 1
    assert any("[INSTALL_VERSION_MISMATCH]" in p and "1.0.1" in p
               for p in problems(items["integrity"]))


def test_warm_cache_rehashes_only_what_changed(project: Project, venv_template: Path) -> None:
    site = _site(project, venv_template)
    sites = (site,)
    first = verify_installed(project.root, sites)
    again = verify_installed(project.root, sites)
    assert (first.observations, again.observations) == ((), ())
    assert again.hashed == 0 and again.verified == first.verified >= 3
    path = site / TYPES
    stat = path.stat()
    _drop_organization_id(site)
    # Put the mtime back, as a careful editor would: the ctime still moves.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = verify_installed(project.root, sites)
    assert edited.hashed == 1
    assert [o.rule_id for o in edited.observations] == ["INSTALL_MODIFIED"]


def test_tampered_cache_is_not_trusted(project: Project, venv_template: Path,
                                       cache_root: Path) -> None:
    site = _site(project, venv_template)
    verify_installed(project.root, (site,))
    _drop_organization_id(site)
    modified = (site / TYPES).read_bytes()
    for cache_file in (cache_root / "provenance" / "integrity").glob("*.json"):
        text = cache_file.read_text()
        # Someone records the edited file's hash as if it were the published one.
        cache_file.write_text(text.replace('"layout"', '"layout" ', 1))
    result = verify_installed(project.root, (site,))
    assert [o.rule_id for o in result.observations] == ["INSTALL_MODIFIED"]
    assert (site / TYPES).read_bytes() == modified


def test_broken_and_missing_environments_are_reported(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n'
                  '[tool.nemoctl]\nenvironment = "/nonexistent/env"\n')
    code, items, _ = project.check()
    assert code == 0  # a WARN: nothing verified, and it says so
    assert "INSTALL_ENV_BROKEN" in str(items["integrity"]["detail"])
    assert "/nonexistent/env" in str(items["integrity"]["detail"])
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    (project.root / ".venv").mkdir()
    code, items, _ = project.check()
    assert code == 0
    assert "has no site-packages directory" in str(items["integrity"]["detail"])


def test_an_outside_virtual_env_is_not_used(project: Project, venv_template: Path) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n')
    lookup = find_environment(project.root, None, {"VIRTUAL_ENV": str(venv_template)})
    assert lookup.env is None
    assert "outside the project" in lookup.note
    explicit = find_environment(project.root, venv_template, {})
    assert explicit.env is not None and explicit.env.origin == "[tool.nemoctl] environment"


def test_poetry_environment_name_matches_poetry(tmp_path: Path) -> None:
    from poetry.utils.env import EnvManager

    for name in ("consumer", "My Gateway$!", "x" * 60):
        assert poetry_env_name(name, tmp_path) == EnvManager.generate_env_name(name, str(tmp_path))


def test_poetry_cache_environment_is_found(project: Project, venv_template: Path,
                                           tmp_path: Path) -> None:
    project.write("pyproject.toml", '[tool.poetry]\nname = "gateway"\nversion = "0"\n')
    venvs = tmp_path / "virtualenvs"
    target = venvs / (poetry_env_name("gateway", project.root)
                      + f"-py{sys.version_info[0]}.{sys.version_info[1]}")
    import shutil

    shutil.copytree(venv_template, target, symlinks=True)
    lookup = find_environment(project.root, None, {"POETRY_VIRTUALENVS_PATH": str(venvs)})
    assert lookup.env is not None and lookup.env.path == target
    assert lookup.env.origin == "poetry"


def test_a_link_in_place_of_a_file_is_not_followed(project: Project,
                                                    venv_template: Path) -> None:
    site = _site(project, venv_template)
    target = site / TYPES
    target.unlink()
    target.symlink_to("/dev/zero")  # hashing through it would never end
    result = verify_installed(project.root, (site,))
    assert [(o.rule_id, o.source) for o in result.observations] == [
        ("INSTALL_MODIFIED", f"has {TYPES} replaced by something that is not a regular file")]
