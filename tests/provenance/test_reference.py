"""``nemoctl upstream source``: a read-only reference copy outside the repository."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.provenance.conftest import Project


def test_reference_copy_is_read_only_outside_and_not_imported(
        project: Project, venv_template: Path) -> None:
    project.write("pyproject.toml", '[project]\nname = "c"\nversion = "0"\n'
                  'dependencies = ["litellm==1.0.0"]\n')
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    site = project.install_env(venv_template)
    proc = project.nemoctl("upstream", "source", "--open")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1  # --open prints nothing else
    copy = Path(lines[0])
    assert (copy / "litellm" / "proxy" / "_types.py").is_file()
    assert not copy.resolve().is_relative_to(project.root.resolve())
    outside = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=copy,
                             capture_output=True, text=True, check=False)
    assert outside.returncode != 0, f"{copy} is inside the repository {outside.stdout}"
    for dirpath, dirnames, filenames in os.walk(copy):
        for name in (*dirnames, *filenames):
            mode = os.lstat(os.path.join(dirpath, name)).st_mode
            assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), name
    imported = subprocess.run(
        [str(project.root / ".venv" / "bin" / "python"), "-c",
         "import litellm; print(litellm.__file__)"],
        cwd=project.root, env=project.env, capture_output=True, text=True, check=True)
    resolved = Path(imported.stdout.strip()).resolve()
    assert resolved.is_relative_to(site.resolve())
    assert not resolved.is_relative_to(copy.resolve())

    human = project.nemoctl("upstream", "source")
    assert human.returncode == 0
    assert f"  {copy}" in human.stdout and "read-only reference copy" in human.stdout


def test_reference_copy_of_a_given_version_and_bad_input(tmp_path: Path, project: Project,
                                                          venv_template: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    run = Project(outside, project.env)
    given = run.nemoctl("upstream", "source", "1.0.0", "--open")
    assert given.returncode == 0, given.stderr
    assert Path(given.stdout.strip()).is_dir()
    bad = run.nemoctl("upstream", "source", "not-a-version")
    assert bad.returncode == 2 and "not a valid version" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing_pin = run.nemoctl("upstream", "source")
    assert missing_pin.returncode == 2 and "Traceback" not in missing_pin.stderr
