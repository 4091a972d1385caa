"""The shared test index really isolates pip and uv, and its wheels really install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.support.pkgindex import (
    NO_UPLOAD_TIME,
    LocalIndex,
    build_fake_litellm,
    build_fake_proxy_extras,
    build_wheel,
    sha256_file,
)

SCHEMA = "model A {\n  id Int @id\n}\n"


@pytest.fixture()
def wheels(tmp_path: Path) -> Path:
    out = tmp_path / "wheels"
    build_fake_litellm(out, "1.2.0", SCHEMA, proxy_extras_version="0.1.0")
    build_fake_proxy_extras(out, "0.1.0")
    return out


@pytest.fixture()
def decoy(tmp_path: Path) -> Path:
    """A second index holding a package the isolated environment must not see."""
    out = tmp_path / "decoy"
    build_wheel(out, "onlyindecoy", "1.0", {"onlyindecoy/__init__.py": ""})
    return out


def _isolated_env(idx: LocalIndex, decoy_url: str, tmp_path: Path) -> dict[str, str]:
    # Point every ambient configuration channel at the decoy; pip_env() must win.
    conf_home = tmp_path / "xdg"
    (conf_home / "pip").mkdir(parents=True)
    (conf_home / "pip" / "pip.conf").write_text(f"[global]\nextra-index-url = {decoy_url}\n")
    (conf_home / "uv").mkdir(parents=True)
    (conf_home / "uv" / "uv.toml").write_text(f'extra-index-url = ["{decoy_url}"]\n')
    env = {**os.environ, "XDG_CONFIG_HOME": str(conf_home), "PIP_EXTRA_INDEX_URL": decoy_url,
           "UV_EXTRA_INDEX_URL": decoy_url}
    env.update(idx.pip_env())
    env.pop("UV_EXTRA_INDEX_URL")
    return env


def test_wheel_is_deterministic_and_well_formed(tmp_path: Path) -> None:
    a = build_wheel(tmp_path / "a", "My.Pkg", "2.0", {"my_pkg/x.txt": "hi"}, ["dep>=1"],
                    {"extra1": ["other==3"]})
    b = build_wheel(tmp_path / "b", "My.Pkg", "2.0", {"my_pkg/x.txt": "hi"}, ["dep>=1"],
                    {"extra1": ["other==3"]})
    assert a.name == "my_pkg-2.0-py3-none-any.whl"
    assert sha256_file(a) == sha256_file(b)
    with zipfile.ZipFile(a) as zf:
        meta = zf.read("my_pkg-2.0.dist-info/METADATA").decode()
        record = zf.read("my_pkg-2.0.dist-info/RECORD").decode()
    assert "Requires-Dist: dep>=1" in meta
    assert "Provides-Extra: extra1" in meta
    assert 'Requires-Dist: other==3; extra == "extra1"' in meta
    assert "my_pkg/x.txt,sha256=" in record


def test_index_publishes_json_and_html(wheels: Path) -> None:
    name = "litellm-1.2.0-py3-none-any.whl"
    with LocalIndex(wheels, upload_times={name: NO_UPLOAD_TIME}, yanked={name: "broken"},
                    wrong_hash={name}) as idx:
        req = urllib.request.Request(idx.url + "litellm/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(req) as resp:
            data = json.load(resp)
        with urllib.request.urlopen(idx.url + "litellm/") as resp:
            page = resp.read().decode()
    (entry,) = data["files"]
    assert entry["yanked"] == "broken"
    assert "upload-time" not in entry
    assert entry["hashes"]["sha256"] != sha256_file(wheels / name)
    assert 'data-yanked="broken"' in page
    assert data["versions"] == ["1.2.0"]


def test_pip_and_uv_use_only_this_index(wheels: Path, decoy: Path, tmp_path: Path) -> None:
    with LocalIndex(decoy) as decoy_idx, LocalIndex(wheels) as idx:
        env = _isolated_env(idx, decoy_idx.url, tmp_path)
        pip = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(tmp_path / "dl"),
             "onlyindecoy"], env=env, capture_output=True, text=True, check=False)
        assert pip.returncode != 0, pip.stdout
        req = tmp_path / "req.in"
        req.write_text("litellm[proxy]==1.2.0\nonlyindecoy\n")
        uv = subprocess.run(["uv", "pip", "compile", str(req), "--python-version", "3.11"],
                            env=env, capture_output=True, text=True, check=False, cwd=tmp_path)
        assert uv.returncode != 0
        assert "onlyindecoy" in uv.stderr
        req.write_text("litellm[proxy]==1.2.0\n")
        uv = subprocess.run(["uv", "pip", "compile", str(req), "--python-version", "3.11",
                             "--no-header"], env=env, capture_output=True, text=True,
                            check=True, cwd=tmp_path)
        assert "litellm-proxy-extras==0.1.0" in uv.stdout
        assert not [p for p in decoy_idx.requests if "onlyindecoy" in p]


def test_built_wheel_installs_with_uv(wheels: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    with LocalIndex(wheels) as idx:
        env = {**os.environ, **idx.pip_env()}
        subprocess.run(["uv", "pip", "install", "--target", str(target), "litellm[proxy]==1.2.0"],
                       env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert (target / "litellm" / "proxy" / "schema.prisma").read_text() == SCHEMA
    assert (target / "litellm_proxy_extras" / "__init__.py").is_file()
