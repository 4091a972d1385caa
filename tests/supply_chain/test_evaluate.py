"""Every refusal and warning of evaluate()/enforce(), against an index served in the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nemoctl.errors import ExitCode, SupplyChainError
from nemoctl.supply_chain import check_advisories, enforce, evaluate
from nemoctl.upstream import fetch_wheel
from tests.supply_chain.conftest import NEW, OLD, make_project
from tests.support.pkgindex import NO_UPLOAD_TIME, sha256_file

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

Serve = Callable[..., Any]


def test_old_clean_release_is_accepted(serve: Serve, tmp_path: Path, wheel_dir: Path) -> None:
    config = make_project(tmp_path / "proj")
    with serve():
        report = evaluate("litellm", "1.2.0", config, now=NOW)
    enforce(report)
    assert report.ok, report.refusals
    assert report.warnings == ()
    assert report.wheel_sha256 == report.index_sha256 == sha256_file(wheel_dir / OLD)
    assert report.upload_time == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert report.age is not None and report.age > timedelta(days=365)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["release"]["upload_time"] == "2024-01-02T03:04:05Z"
    assert data["hashes"]["wheel"] == OLD


def test_yanked_release_is_refused_with_reason(serve: Serve, tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    with serve(yanked={NEW: "breaks spend logging"}) as idx:
        report = evaluate("litellm", "1.3.0", config, now=NOW)
        assert idx.downloads() == []  # a refused release is not even downloaded
        allowed = evaluate("litellm", "1.3.0", config, now=NOW, allow_yanked=True)
    assert [f.check for f in report.refusals] == ["yanked"]
    assert "yanked from the index (reason: breaks spend logging)" in report.refusals[0].message
    with pytest.raises(SupplyChainError) as err:
        enforce(report)
    assert err.value.exit_code == ExitCode.UNRESOLVABLE
    assert "breaks spend logging" in err.value.message
    assert err.value.hint and "--allow-yanked" in err.value.hint
    assert allowed.ok
    assert [f.check for f in allowed.warnings] == ["yanked"]
    assert "--allow-yanked" in allowed.warnings[0].message


def test_yank_without_reason(serve: Serve, tmp_path: Path) -> None:
    with serve(yanked={NEW: ""}):
        report = evaluate("litellm", "1.3.0", make_project(tmp_path / "p"), now=NOW)
    assert "reason: no reason given" in report.refusals[0].message


def test_withdrawn_release_is_refused_as_withdrawn(serve: Serve, tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    with serve() as idx:
        report = evaluate("litellm", "1.2.7", config, now=NOW)
    (refusal,) = report.refusals
    assert refusal.check == "withdrawn"
    assert "withdrawn" in refusal.message and "not found" not in refusal.message
    assert idx.url.rstrip("/") in refusal.message
    assert "newest there: 1.3.0, 1.2.0" in refusal.message
    assert report.withdrawn


def test_too_young_release_is_refused_with_eligibility(serve: Serve, tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    uploaded = NOW - timedelta(days=1, hours=2)
    with serve(upload_times={NEW: uploaded}):
        report = evaluate("litellm", "1.3.0", config, now=NOW)
        later = evaluate("litellm", "1.3.0", config, now=NOW + timedelta(days=2))
    (refusal,) = report.refusals
    assert refusal.check == "age"
    assert "uploaded 2026-11-21 10:00 UTC (1 day 2 hours ago)" in refusal.message
    assert "'3 days'" in refusal.message
    assert "eligible 2026-11-24 10:00 UTC" in refusal.message
    assert report.eligible_at == uploaded + timedelta(days=3)
    assert later.ok


def test_missing_upload_time_follows_policy(serve: Serve, tmp_path: Path) -> None:
    warn = make_project(tmp_path / "warn")
    refuse = make_project(tmp_path / "refuse", extra='missing-upload-time = "refuse"')
    with serve(upload_times={NEW: NO_UPLOAD_TIME}):
        warned = evaluate("litellm", "1.3.0", warn, now=NOW)
        refused = evaluate("litellm", "1.3.0", refuse, now=NOW)
    assert warned.ok
    assert [f.check for f in warned.warnings] == ["upload-time"]
    assert "no upload time is published" in warned.warnings[0].message
    assert [f.check for f in refused.refusals] == ["upload-time"]
    assert 'missing-upload-time = "refuse"' in refused.refusals[0].message


def test_html_only_index_says_why_there_is_no_upload_time(serve: Serve, tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", extra='missing-upload-time = "refuse"')
    with serve(html_only=True, yanked={NEW: "bad"}) as idx:
        report = evaluate("litellm", "1.3.0", config, now=NOW, allow_yanked=True)
        plain = evaluate("litellm", "1.2.0", config, now=NOW)
    message = plain.refusals[0].message
    assert "(html)" in message and idx.url.rstrip("/") in message
    # Yank data does travel through PEP 503 HTML (data-yanked).
    assert report.yanked and report.yanked_reason == "bad"


def test_find_links_directory_has_no_yank_or_time_data(
    wheel_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_project(tmp_path / "p")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheel_dir))
    report = evaluate("litellm", "1.2.0", config, now=NOW)
    checks = sorted(f.check for f in report.warnings)
    assert checks == ["integrity", "upload-time", "yanked"]
    assert report.ok
    joined = " ".join(f.message for f in report.warnings)
    assert "cannot mark releases as yanked" in joined
    assert "(find-links)" in joined
    assert "no configured index publishes a sha256" in joined


def test_wrong_published_hash_is_refused(serve: Serve, tmp_path: Path, wheel_dir: Path) -> None:
    config = make_project(tmp_path / "p")
    with serve(wrong_hash={NEW}):
        report = evaluate("litellm", "1.3.0", config, now=NOW)
    (refusal,) = report.refusals
    assert refusal.check == "integrity"
    assert sha256_file(wheel_dir / NEW) in refusal.message


def test_hash_disagreement_with_a_cached_wheel_is_refused(serve: Serve, tmp_path: Path) -> None:
    config = make_project(tmp_path / "p")
    with serve():
        wheel = fetch_wheel("litellm", "1.3.0")
        tampered = replace(wheel, sha256="0" * 64)
        report = evaluate("litellm", "1.3.0", config, now=NOW, wheel=tampered)
    (refusal,) = report.refusals
    assert refusal.check == "integrity"
    assert f"publishes sha256 {wheel.sha256}" in refusal.message
    assert "hashes to " + "0" * 64 in refusal.message


OSV = {"id": "GHSA-test-0001", "summary": "leaks master key",
       "affected": [{"package": {"ecosystem": "PyPI", "name": "litellm"},
                     "ranges": [{"type": "ECOSYSTEM",
                                 "events": [{"introduced": "1.3.0"}, {"fixed": "1.3.1"}]}]}]}


def test_advisory_refuses_and_works_offline(
    serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "osv.json").write_text(json.dumps([OSV]))
    config = make_project(root, extra='advisories = "osv.json"')
    with serve():
        report = evaluate("litellm", "1.3.0", config, now=NOW)
        clean = evaluate("litellm", "1.2.0", config, now=NOW)
    (refusal,) = report.refusals
    assert refusal.check == "advisory"
    assert "GHSA-test-0001: leaks master key — fixed in 1.3.1" in refusal.message
    assert report.advisories[0].id == "GHSA-test-0001"
    assert clean.ok
    # No index at all (a closed port): the advisory check does not need one.
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")
    assert check_advisories(config, "1.3.0") == [
        "litellm 1.3.0 is affected by GHSA-test-0001: leaks master key — fixed in 1.3.1"
    ]
    assert check_advisories(config, "1.2.0") == []


def test_several_refusals_are_all_reported(serve: Serve, tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "osv.json").write_text(json.dumps([OSV]))
    config = make_project(root, extra='advisories = "osv.json"')
    with serve(yanked={NEW: "oops"}, upload_times={NEW: NOW - timedelta(hours=1)}):
        report = evaluate("litellm", "1.3.0", config, now=NOW)
    assert sorted(f.check for f in report.refusals) == ["advisory", "age", "yanked"]
    with pytest.raises(SupplyChainError) as err:
        enforce(report)
    assert err.value.message.count("\n  - ") == 3
    assert "\n  - yanked: litellm 1.3.0 was yanked" in err.value.message
