"""The read-only unpacked wheel every static reader of LiteLLM uses."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from nemoctl.errors import FetchError
from nemoctl.upstream._fetch import FetchedWheel, fetch_wheel
from nemoctl.upstream.unpack import discard, unpack, unpacked_root, unpacked_wheel, verify
from tests.support.pkgindex import LocalIndex, sha256_file


def _writable_bits(root: Path) -> list[Path]:
    return [p for p in [root, *root.rglob("*")]
            if stat.S_IMODE(p.lstat().st_mode) & 0o222]


def test_unpacks_read_only_outside_the_project_and_reuses_the_tree(
        local_index: LocalIndex, cold_cache: Path) -> None:
    tree = unpacked_wheel("litellm", "1.2.0")
    assert tree.path.parent == unpacked_root()
    assert cold_cache in tree.path.parents
    schema = tree.package_dir("litellm") / "proxy" / "schema.prisma"
    assert "LiteLLM_SpendLogs" in schema.read_text()
    assert _writable_bits(tree.path) == []
    assert verify(tree) == [] and verify(tree, full=True) == []
    inode = schema.stat().st_ino
    again = unpacked_wheel("litellm", "1.2.0")
    assert again == tree and schema.stat().st_ino == inode  # not unpacked twice


def test_an_edited_added_or_removed_file_is_seen_and_the_tree_rebuilt(
        local_index: LocalIndex) -> None:
    tree = unpacked_wheel("litellm", "1.2.0")
    schema = tree.package_dir("litellm") / "proxy" / "schema.prisma"
    original = schema.read_bytes()
    os.chmod(schema.parent, 0o755)
    os.chmod(schema, 0o644)
    schema.write_bytes(original.replace(b"spend", b"spent"))
    (schema.parent / "extra.py").write_text("x = 1\n")
    assert verify(tree) == ["added: litellm/proxy/extra.py",
                            "modified: litellm/proxy/schema.prisma"]
    rebuilt = unpacked_wheel("litellm", "1.2.0")
    assert schema.read_bytes() == original
    assert not (schema.parent / "extra.py").exists()
    assert verify(rebuilt) == []
    os.chmod(schema.parent, 0o755)
    schema.parent.joinpath("schema.prisma").unlink()
    assert verify(rebuilt) == ["missing: litellm/proxy/schema.prisma"]


@pytest.mark.parametrize("member", ["../escape.py", "/abs.py", "pkg/../../x.py", "a\\b.py"])
def test_a_wheel_with_an_unsafe_member_is_refused_and_leaves_nothing(
        tmp_path: Path, cold_cache: Path, member: str) -> None:
    path = tmp_path / "evil-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("evil/__init__.py", "")
        archive.writestr(member, "boom")
    wheel = FetchedWheel(path, path.name, sha256_file(path), "evil", "1.0", None)
    with pytest.raises(FetchError, match="unsafe member"):
        unpack(wheel)
    assert not (tmp_path / "escape.py").exists()
    left = [p for p in unpacked_root().iterdir() if p.name != "locks"]
    assert left == []


def test_discard_removes_a_read_only_tree(local_index: LocalIndex) -> None:
    tree = unpack(fetch_wheel("litellm", "1.3.0"))
    discard(tree.path)
    assert not tree.path.exists()
