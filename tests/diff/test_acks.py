"""Acknowledged changes: matched by fingerprint, with a reason and an optional expiry."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from nemoctl.diff import (
    Acknowledgement,
    Acknowledgements,
    DiffReport,
    diff_schemas,
    load_acknowledgements,
    parse_acknowledgements,
)
from nemoctl.errors import ConfigError
from nemoctl.schema import Schema
from tests.diff.conftest import REPO

REMOVED = "c69e4a0641173147"   # FIELD_REMOVED LiteLLM_ShadowEvalJob.api_key_id (1.100 → 1.102.4)
REQUIRED = "d840701ec7325032"  # FIELD_ADDED_REQUIRED LiteLLM_ShadowEvalJob.target_id
TODAY = date(2026, 11, 22)


def _diff(real: dict[str, Schema], *acks: Acknowledgement, today: date = TODAY) -> DiffReport:
    return diff_schemas(real["1.100.0"], real["1.102.4"], acks=Acknowledgements(acks),
                        today=today)


def test_acknowledging_every_err_unblocks(real: dict[str, Schema]) -> None:
    report = _diff(real, Acknowledgement(REMOVED, "shadow eval is not ours"),
                   Acknowledgement(REQUIRED, "LiteLLM writes that table itself"))
    acked = {c.fingerprint: c for c in report.changes if c.acknowledged}
    assert set(acked) == {REMOVED, REQUIRED}
    assert acked[REMOVED].ack_reason == "shadow eval is not ours"
    assert not report.blocking
    assert report.counts() == {"ERR": 0, "WARN": 1, "INFO": 14, "acknowledged": 2}
    assert report.max_severity == "WARN"
    assert int(report.exit_code("ERR")) == 0
    assert int(report.exit_code("WARN")) == 1
    assert [a.state for a in report.acknowledgements] == ["used", "used"]


def test_one_open_err_still_blocks(real: dict[str, Schema]) -> None:
    report = _diff(real, Acknowledgement(REMOVED, "ok"))
    assert report.blocking
    assert [c.fingerprint for c in report.changes if c.blocking] == [REQUIRED]


def test_expired_acknowledgement_stops_working_and_says_so(real: dict[str, Schema]) -> None:
    acks = (Acknowledgement(REMOVED, "ok", expires=date(2026, 11, 21)),
            Acknowledgement(REQUIRED, "ok", expires=TODAY))
    report = _diff(real, *acks)
    assert [(a.fingerprint, a.state) for a in report.acknowledgements] == [
        (REMOVED, "expired"), (REQUIRED, "used")]
    assert report.acknowledgements[0].message == (
        f"acknowledgement {REMOVED} expired on 2026-11-21; it no longer applies")
    assert [c.fingerprint for c in report.changes if c.blocking] == [REMOVED]
    # The day it expires is still covered; the next day is not.
    later = _diff(real, *acks, today=date(2026, 11, 23))
    assert [a.state for a in later.acknowledgements] == ["expired", "expired"]


def test_unused_and_mismatched_rule_are_reported(real: dict[str, Schema]) -> None:
    report = _diff(real, Acknowledgement("0123456789abcdef", "stale", rule="FIELD_REMOVED"),
                   Acknowledgement(REMOVED, "wrong rule", rule="FIELD_TYPE_CHANGED"),
                   Acknowledgement("fedcba9876543210", "no rule named"))
    # A schema rule that matches nothing here is unused; an ack naming no rule may be
    # another surface's (the migration gate's), which the diff does not check.
    assert [a.state for a in report.acknowledgements] == ["unused", "unused", "elsewhere"]
    assert report.acknowledgements[2].message.startswith(
        "acknowledgement fedcba9876543210 may be for the ")
    assert not any(c.acknowledged for c in report.changes)


def test_committed_file_is_valid_and_empty() -> None:
    acks = load_acknowledgements(REPO / "schemas" / "acknowledged.toml")
    assert acks.items == ()


def test_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "acknowledged.toml"
    path.write_text(f'[[ack]]\nfingerprint = "{REMOVED}"\nrule = "FIELD_REMOVED"\n'
                    'reason = "reviewed in #12"\nexpires = 2027-01-31\n', encoding="utf-8")
    assert load_acknowledgements(path).items == (
        Acknowledgement(REMOVED, "reviewed in #12", "FIELD_REMOVED", date(2027, 1, 31)),)
    assert load_acknowledgements(tmp_path / "absent.toml").items == ()


@pytest.mark.parametrize(("body", "message"), [
    ('[[ack]]\nfingerprint = "FIELD_REMOVED Team.x"\nreason = "r"\n', "16 hex digits"),
    ('[[ack]]\nfingerprint = "c69e4a0641173147"\n', "non-empty reason"),
    ('[[ack]]\nfingerprint = "c69e4a0641173147"\nreason = "  "\n', "non-empty reason"),
    ('[[ack]]\nfingerprint = "c69e4a0641173147"\nreason = "r"\nexpires = "2027-01-01"\n',
     "TOML date"),
    ('[[ack]]\nfingerprint = "c69e4a0641173147"\nreason = "r"\n'
     "expires = 2027-01-01T00:00:00\n", "TOML date"),
    ('[[ack]]\nfingerprint = "c69e4a0641173147"\nreason = "r"\n' * 2, "acknowledged twice"),
    ('[[ack]]\nfingerprint = "c69e4a0641173147"\nreason = "r"\nmessage = "x"\n', "unknown key"),
    ('acks = []\n', "unknown key"),
    ('ack = "c69e4a0641173147"\n', "array of tables"),
])
def test_malformed_acknowledgements(body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_acknowledgements(tomllib.loads(body))


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "acknowledged.toml"
    path.write_text("[[ack]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_acknowledgements(path)
