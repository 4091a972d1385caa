"""list_releases / query_index over JSON, HTML, file:// indexes and find-links."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nemoctl.errors import FetchError
from nemoctl.upstream import fetch_wheel, list_releases, pip_settings, query_index
from nemoctl.upstream import index as index_module
from tests.support.pkgindex import LocalIndex, build_wheel, sha256_file

T1 = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)
T2 = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


def _env(monkeypatch: pytest.MonkeyPatch, idx: LocalIndex) -> None:
    for key, value in idx.pip_env().items():
        monkeypatch.setenv(key, value)
    index_module.clear_memo()


def test_releases_newest_first_with_pep700_and_pep592(
    local_index: LocalIndex, wheel_dir: Path
) -> None:
    local_index.upload_times["litellm-1.3.0-py3-none-any.whl"] = T2
    local_index.yanked["litellm-1.2.0-py3-none-any.whl"] = "bad build"
    releases = list_releases("LiteLLM")
    assert [r.version for r in releases] == ["1.3.0", "1.2.0"]
    newest, older = releases
    assert newest.upload_time == T2 and not newest.yanked
    assert older.yanked and older.yanked_reason == "bad build"
    (file,) = newest.files
    assert file.sha256 == sha256_file(wheel_dir / file.filename)
    assert file.url == local_index.file_url(file.filename)
    assert file.size == (wheel_dir / file.filename).stat().st_size


def test_unknown_project_is_empty_not_an_error(local_index: LocalIndex) -> None:
    listing = query_index("no-such-project")
    assert listing.releases == ()
    assert [s.found for s in listing.sources] == [False]


def test_unreachable_index_is_an_error(monkeypatch: pytest.MonkeyPatch, cold_cache: Path) -> None:
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    with pytest.raises(FetchError, match="could not read any package index"):
        query_index("litellm")


def test_static_file_index_and_find_links_are_merged(
    wheel_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cold_cache: Path
) -> None:
    # A PEP 503 tree on disk, like /opt/pypi/simple: written from the served HTML.
    with LocalIndex(wheel_dir) as idx:
        page = idx.project_html("litellm")
    simple = tmp_path / "static" / "simple"
    (simple / "litellm").mkdir(parents=True)
    (simple / "litellm" / "index.html").write_text(page)
    files = tmp_path / "static" / "files"
    shutil.copytree(wheel_dir, files)
    for wheel in files.glob("*.whl"):  # PEP 658 metadata, which the page advertises
        with zipfile.ZipFile(wheel) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            (files / f"{wheel.name}.metadata").write_bytes(zf.read(meta))
    extra = tmp_path / "extra-links"
    build_wheel(extra, "litellm", "1.4.0", {"litellm/__init__.py": ""})
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_INDEX_URL", simple.as_uri())
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", str(extra))
    index_module.clear_memo()
    listing = query_index("litellm")
    assert [r.version for r in listing.releases] == ["1.4.0", "1.3.0", "1.2.0"]
    kinds = {s.kind: s for s in listing.sources}
    assert kinds["file-index"].found and not kinds["file-index"].has_upload_times
    assert kinds["find-links"].found and not kinds["find-links"].has_yank_data
    assert listing.release("1.2.0.0") is not None  # PEP 440 equality
    assert all(r.upload_time is None for r in listing.releases)
    # pip downloads through the same file index; its published hash is recorded.
    wheel = fetch_wheel("litellm", "1.2.0")
    assert wheel.index_sha256 == wheel.sha256 == sha256_file(wheel_dir / wheel.filename)
    # The find-links wheel: found, but nothing publishes a hash for it.
    assert fetch_wheel("litellm", "1.4.0").index_sha256 is None


def test_settings_come_from_pip(local_index: LocalIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = pip_settings()
    assert settings.index_urls == (local_index.url,)
    assert settings.find_links == ()
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://u:tok@mirror.invalid/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", "/nonexistent/links")
    settings = pip_settings()
    assert settings.index_urls[1] == "https://u:tok@mirror.invalid/simple"
    assert settings.sources()[1] == "https://u:***@mirror.invalid/simple"
    assert "tok" not in str(settings.to_dict())
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    assert pip_settings().index_urls == ()
