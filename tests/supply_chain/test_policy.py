from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from nemoctl.errors import ConfigError
from nemoctl.supply_chain import describe_age, load_advisories, matching_advisories, parse_age


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 days", timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("1 week", timedelta(weeks=1)),
        ("1 week 2 days", timedelta(days=9)),
        ("1 week, 2 days and 3 hours", timedelta(days=9, hours=3)),
        ("90 minutes", timedelta(minutes=90)),
        ("1.5 days", timedelta(hours=36)),
        ("0", timedelta(0)),
        (" 2 Days ", timedelta(days=2)),
    ],
)
def test_parse_age(text: str, expected: timedelta) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize("text", ["3", "three days", "2 months", "1 year", "3 days ago", "-1d"])
def test_parse_age_rejects(text: str) -> None:
    with pytest.raises(ConfigError, match="minimum-release-age"):
        parse_age(text)


def test_describe_age() -> None:
    assert describe_age(timedelta(days=2, hours=3, minutes=5)) == "2 days 3 hours"
    assert describe_age(timedelta(minutes=45)) == "45 minutes"
    assert describe_age(timedelta(seconds=5)) == "less than a minute"
    assert describe_age(timedelta(hours=-2)) == "-2 hours"


OSV = [
    {
        "id": "GHSA-aaaa-bbbb-cccc",
        "aliases": ["CVE-2026-0001"],
        "summary": "SQL injection in spend logs",
        "affected": [{
            "package": {"ecosystem": "PyPI", "name": "LiteLLM"},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"introduced": "1.2.0"}, {"fixed": "1.2.5"},
                                   {"introduced": "1.4.0"}, {"last_affected": "1.4.2"}]}],
            "versions": ["1.0.1"],
        }],
        "references": [{"type": "ADVISORY", "url": "https://example.invalid/adv"}],
    },
    {"id": "PYSEC-withdrawn", "withdrawn": "2026-01-01T00:00:00Z",
     "affected": [{"package": {"ecosystem": "PyPI", "name": "litellm"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]},
    {"id": "OTHER", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                                  "versions": ["1.2.0"]}]},
    {"id": "NPM", "affected": [{"package": {"ecosystem": "npm", "name": "litellm"},
                                "versions": ["1.2.0"]}]},
]


@pytest.mark.parametrize(
    ("version", "hit"),
    [("1.0.1", True), ("1.0.2", False), ("1.1.9", False), ("1.2.0", True), ("1.2.4", True),
     ("1.2.5", False), ("1.3.0", False), ("1.4.0", True), ("1.4.2", True), ("1.4.3", False),
     ("1.2.0rc1", False), ("1.2.0.post1", True)],
)
def test_osv_ranges_and_versions(version: str, hit: bool) -> None:
    found = matching_advisories(OSV, "litellm", version)
    assert [a.id for a in found] == (["GHSA-aaaa-bbbb-cccc"] if hit else [])


def test_advisory_description_and_layouts(tmp_path: Path) -> None:
    path = tmp_path / "osv.json"
    path.write_text(json.dumps({"vulns": OSV}))
    (adv,) = matching_advisories(load_advisories(path), "litellm", "1.2.1")
    assert adv.describe() == (
        "GHSA-aaaa-bbbb-cccc (CVE-2026-0001): SQL injection in spend logs — fixed in 1.2.5"
    )
    assert adv.url == "https://example.invalid/adv"
    path.write_text(json.dumps(OSV[0]))
    assert len(load_advisories(path)) == 1


def test_introduced_zero_means_everything_before_fix() -> None:
    record = {"id": "X", "affected": [{"package": {"name": "litellm"}, "ranges": [
        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}
    assert matching_advisories([record], "litellm", "0.0.1")
    assert not matching_advisories([record], "litellm", "2.0")


@pytest.mark.parametrize(("content", "match"), [
    (None, "does not exist"), ("{", "not valid JSON"), ('[{"summary": "x"}]', "'id'"),
])
def test_bad_advisories_file(tmp_path: Path, content: str | None, match: str) -> None:
    path = tmp_path / "osv.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=match):
        load_advisories(path)
