"""fetch_wheel / fetch_schema / read_member against a local index served in the test."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from nemoctl.config import UpstreamConfig
from nemoctl.errors import BadInputError, FetchError, SupplyChainError
from nemoctl.upstream import fetch_schema, fetch_wheel, read_member
from nemoctl.upstream import index as index_module
from tests.support.pkgindex import LocalIndex, sha256_file
from tests.upstream.conftest import SCHEMA_1, SCHEMA_2

LITELLM = UpstreamConfig(name="litellm", package="litellm")


def test_fetch_downloads_once_then_serves_verified_cache(
    local_index: LocalIndex, wheel_dir: Path, cold_cache: Path
) -> None:
    first = fetch_wheel("litellm", "1.2.0")
    second = fetch_wheel("LiteLLM", "1.2.0")
    expected = sha256_file(wheel_dir / "litellm-1.2.0-py3-none-any.whl")
    assert first == second
    assert first.sha256 == expected == first.index_sha256
    assert first.filename == "litellm-1.2.0-py3-none-any.whl"
    assert first.path == cold_cache / "wheels" / "sha256" / expected / first.filename
    assert local_index.downloads() == ["litellm-1.2.0-py3-none-any.whl"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "ref"])
def test_corrupt_cache_entry_is_detected_and_refetched(
    local_index: LocalIndex, damage: str, cold_cache: Path
) -> None:
    wheel = fetch_wheel("litellm", "1.2.0")
    data = wheel.path.read_bytes()
    if damage == "truncate":
        wheel.path.write_bytes(data[: len(data) // 2])
    elif damage == "delete":
        wheel.path.unlink()
    elif damage == "ref":
        (ref,) = (cold_cache / "wheels" / "refs").rglob("1.2.0.json")
        ref.write_text("{not json")
    else:
        wheel.path.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    again = fetch_wheel("litellm", "1.2.0")
    assert hashlib.sha256(again.path.read_bytes()).hexdigest() == wheel.sha256
    assert len(local_index.downloads()) == 2


def test_fetch_schema_reads_only_the_schema(local_index: LocalIndex, cold_cache: Path) -> None:
    schema = fetch_schema(LITELLM, "1.3.0")
    assert schema.text == SCHEMA_2
    assert schema.version == "1.3.0"
    stored = sorted(p.relative_to(cold_cache).as_posix() for p in cold_cache.rglob("*")
                    if p.is_file() and "locks" not in p.parts)
    # The wheel, its reference, its verification stamp and one copy of the schema
    # member (named by its own sha256, for warm runs): nothing else was extracted.
    copies = [p for p in stored if p.startswith("wheels/members/")]
    assert len(copies) == 1
    assert (cold_cache / copies[0]).read_text() == SCHEMA_2
    assert copies[0].rsplit("/", 1)[-1] == hashlib.sha256(SCHEMA_2.encode()).hexdigest()
    assert [p for p in stored if not p.endswith((".whl", ".json"))
            and not p.startswith(("wheels/members/", "wheels/verified/"))] == []
    assert not any(p.endswith(".prisma") for p in stored)


def test_versions_are_normalised(local_index: LocalIndex) -> None:
    assert fetch_schema(LITELLM, "v1.2.0").text == SCHEMA_1
    assert fetch_wheel("litellm", "1.2.0.0").version == "1.2.0.0"


def test_missing_version_names_the_indexes_searched(local_index: LocalIndex) -> None:
    with pytest.raises(FetchError) as err:
        fetch_wheel("litellm", "9.9.9")
    assert local_index.url.rstrip("/") in err.value.message
    assert "9.9.9" in err.value.message
    assert "1.3.0" in err.value.message  # what is there instead


@pytest.mark.parametrize("version", ["latest!", "1.2.0; rm -rf /", "", "1..2"])
def test_invalid_version_is_bad_input(local_index: LocalIndex, version: str) -> None:
    with pytest.raises(BadInputError, match="not a valid version"):
        fetch_wheel("litellm", version)
    assert local_index.requests == []


def test_invalid_package_name_is_bad_input(local_index: LocalIndex) -> None:
    with pytest.raises(BadInputError, match="not a valid package name"):
        fetch_wheel("../etc", "1.0")


def test_wrong_published_hash_is_refused(
    wheel_dir: Path, cold_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "litellm-1.2.0-py3-none-any.whl"
    with LocalIndex(wheel_dir, wrong_hash={name}) as idx:
        for key, value in idx.pip_env().items():
            monkeypatch.setenv(key, value)
        with pytest.raises(SupplyChainError) as err:
            fetch_wheel("litellm", "1.2.0")
    assert "wheel hashes to" in err.value.message and "refusing" in err.value.message
    assert sha256_file(wheel_dir / name) in err.value.message
    assert not list((cold_cache / "wheels" / "sha256").glob("*/*.whl"))


def test_wrong_schema_path_is_a_clear_error(local_index: LocalIndex) -> None:
    bad = UpstreamConfig(name="litellm", package="litellm", schema_path="litellm/nope.prisma")
    with pytest.raises(FetchError) as err:
        fetch_schema(bad, "1.2.0")
    assert "has no litellm/nope.prisma" in err.value.message
    assert err.value.hint and "schema-path" in err.value.hint


def test_read_member_errors(tmp_path: Path) -> None:
    not_zip = tmp_path / "x.whl"
    not_zip.write_bytes(b"not a zip")
    with pytest.raises(BadInputError, match="not a readable wheel"):
        read_member(not_zip, "a")
    with pytest.raises(BadInputError, match="no such wheel"):
        read_member(tmp_path / "missing.whl", "a")
    ok = tmp_path / "ok.whl"
    with zipfile.ZipFile(ok, "w") as zf:
        zf.writestr("big", b"x" * 1000)
    with pytest.raises(BadInputError, match="refusing"):
        read_member(ok, "big", max_bytes=10)
    assert read_member(ok, "big") == b"x" * 1000


def test_pip_config_file_is_honoured(
    wheel_dir: Path, cold_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with LocalIndex(wheel_dir) as idx:
        for key, value in idx.pip_env().items():
            monkeypatch.setenv(key, value)
        # The index now comes from a pip.conf only, as on a developer machine.
        monkeypatch.delenv("PIP_INDEX_URL")
        conf = tmp_path / "pip.conf"
        conf.write_text(f"[global]\nindex-url = {idx.url}\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
        index_module.clear_memo()
        assert fetch_wheel("litellm", "1.3.0").index_sha256 is not None
        assert idx.downloads() == ["litellm-1.3.0-py3-none-any.whl"]


def test_credentials_never_appear_in_errors(
    wheel_dir: Path, cold_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalIndex(wheel_dir) as idx:
        for key, value in idx.pip_env().items():
            monkeypatch.setenv(key, value)
        secret_url = idx.url.replace("http://", "http://alice:s3cr3t-token@")
        monkeypatch.setenv("PIP_INDEX_URL", secret_url)
        with pytest.raises(FetchError) as err:
            fetch_wheel("litellm", "7.7.7")
    assert "s3cr3t-token" not in err.value.message
    assert "alice:***@" in err.value.message


def test_cli_errors_keep_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    from nemoctl.cli._common import fail

    fail(FetchError("litellm[proxy]==9.9.9: no wheel", hint="see [tool.nemoctl]"))
    err = capsys.readouterr().err
    assert "litellm[proxy]==9.9.9: no wheel" in err
    assert "see [tool.nemoctl]" in err
