"""The scan cache is verified before it is decoded: a damaged file is ignored, not trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemoctl.impact.cache import ScanCache


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                damage: str) -> None:
    monkeypatch.setenv("NEMOCTL_CACHE_DIR", str(tmp_path / "cache"))
    project = tmp_path / "project"
    project.mkdir()
    first = ScanCache(project)
    first.put("py:abc", [["LiteLLM_SpendLogs", "spend", 3, 7]])
    first.save()
    assert ScanCache(project).get("py:abc") == [["LiteLLM_SpendLogs", "spend", 3, 7]]
    raw = first.path.read_bytes()
    damaged = {"flip": raw[:40] + bytes([raw[40] ^ 0xFF]) + raw[41:],
               "truncate": raw[: len(raw) // 2],
               "garbage": b"\x00" * 32 + b"\xe3\xff\xff\xff\x7f",
               "empty": b""}[damage]
    first.path.write_bytes(damaged)
    again = ScanCache(project)
    assert again.get("py:abc") is None and again.entries == {}
    again.put("py:abc", [["LiteLLM_SpendLogs", "spend", 3, 7]])
    again.save()
    assert ScanCache(project).get("py:abc") == [["LiteLLM_SpendLogs", "spend", 3, 7]]
