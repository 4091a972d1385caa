"""Requirements files after a bump: regenerated (pip-tools) or every moved pin moved (plain).

Library-level and fast: real ``uv pip compile`` against the local index, no CLI.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nemoctl.upgrade.requirements import check_requirements, sync_requirements
from tests.adopt.conftest import BIN
from tests.support.pkgindex import LocalIndex

UPSTREAM = {"litellm", "litellm-proxy-extras"}


@pytest.fixture
def index_env(adopt_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
                "PIP_CONFIG_FILE", "UV_CACHE_DIR", "UV_INDEX_URL", "UV_DEFAULT_INDEX",
                "UV_NO_CONFIG"):
        monkeypatch.setenv(key, adopt_env[key])
    from nemoctl.upstream import pip_settings

    getattr(pip_settings, "cache_clear", lambda: None)()
    return adopt_env


def _writer(root: Path) -> tuple[list[Path], object]:
    written: list[Path] = []

    def write(path: Path, data: bytes) -> bool:
        if path.is_file() and path.read_bytes() == data:
            return False
        path.write_bytes(data)
        written.append(path)
        return True

    return written, write


def test_plain_requirements_move_every_pin_the_new_version_changes(
    tmp_path: Path, index_env: dict[str, str]
) -> None:
    # As the bump leaves it: the upstream pins moved, litellm-enterprise not.
    (tmp_path / "pyproject.toml").write_text("[tool.nemoctl]\n")  # as init writes it
    req = tmp_path / "requirements.txt"
    req.write_text("# pinned by hand\r\nlitellm[proxy]==1.1.0\r\nlitellm-proxy-extras==0.1.1\r\n"
                   "litellm-enterprise==0.1.0  # ours too\r\n")
    # A set without the upstream is not this upgrade's business (and would not resolve here).
    dev = tmp_path / "requirements-dev.txt"
    dev.write_text("not-on-this-index==9.9\n")
    written, write = _writer(tmp_path)
    synced = sync_requirements(tmp_path, write, upstream_packages=UPSTREAM, python="3.11")
    assert [(e.package, e.old, e.new, e.location) for e in synced.edits] == [
        ("litellm-enterprise", "0.1.0", "0.1.1", "requirements.txt:4")]
    assert req.read_bytes() == (b"# pinned by hand\r\nlitellm[proxy]==1.1.0\r\n"
                                b"litellm-proxy-extras==0.1.1\r\n"
                                b"litellm-enterprise==0.1.1  # ours too\r\n")
    assert written == [req]
    assert dev.read_text() == "not-on-this-index==9.9\n"
    dev.unlink()
    assert check_requirements(tmp_path, python="3.11", offline=False) == ([], ["requirements.txt"])
    # A second sync has nothing left to move.
    again = sync_requirements(tmp_path, write, upstream_packages=UPSTREAM, python="3.11")
    assert again.edits == () and again.files == ()


def test_pip_tools_txt_is_regenerated_keeping_header_and_options(
    tmp_path: Path, index_env: dict[str, str], adopt_index: LocalIndex
) -> None:
    (tmp_path / "requirements.in").write_text("litellm[proxy]==1.0.0\n")
    subprocess.run([str(BIN / "uv"), "pip", "compile", "requirements.in", "-o",
                    "requirements.txt", "--generate-hashes", "--quiet", "--no-emit-index-url",
                    "--index-url", adopt_index.url], cwd=tmp_path, env=index_env, check=True)
    before = (tmp_path / "requirements.txt").read_text()
    header = before.split("\n\n")[0] if "\n\n" in before else "\n".join(
        line for line in before.splitlines() if line.startswith("#"))
    assert "--generate-hashes" in header
    # The bump moved the .in (and the .txt's own litellm lines, as plan_bump does).
    (tmp_path / "requirements.in").write_text("litellm[proxy]==1.1.0\n")
    _written, write = _writer(tmp_path)
    synced = sync_requirements(tmp_path, write, upstream_packages=UPSTREAM, python="3.11")
    after = (tmp_path / "requirements.txt").read_text()
    assert after.startswith(header + "\n")
    assert "litellm==1.1.0" in after and "litellm-enterprise==0.1.1" in after
    assert "--hash=sha256:" in after
    assert synced.commands == ("uv pip compile requirements.in -o requirements.txt "
                               "--generate-hashes --no-emit-index-url",)
    assert {(e.package, e.new) for e in synced.edits} >= {("litellm", "1.1.0"),
                                                          ("litellm-enterprise", "0.1.1")}


def test_check_reports_a_requirements_set_that_does_not_resolve(
    tmp_path: Path, index_env: dict[str, str]
) -> None:
    (tmp_path / "requirements.txt").write_text(
        "litellm[proxy]==1.0.0\nlitellm-enterprise==0.1.1\n")
    problems, checked = check_requirements(tmp_path, python="3.11", offline=False)
    assert checked == ["requirements.txt"]
    (problem,) = problems
    assert problem.startswith("requirements.txt does not resolve as pinned: ")
    assert "litellm-enterprise" in problem
