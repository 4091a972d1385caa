"""A run that judges several surfaces gives each acknowledgement one status."""

from __future__ import annotations

from nemoctl.findings.acks import AckStatus, combine_ack_statuses


def _s(fp: str, state: str) -> AckStatus:
    return AckStatus(fp, state, "reason", None, f"{fp} {state}")  # type: ignore[arg-type]


def test_used_anywhere_wins_and_elsewhere_everywhere_is_unused_when_all_surfaces_ran() -> None:
    every = ("schema", "migrations", "api", "config", "provenance")
    sections = [
        (("schema",), (_s("a" * 16, "used"), _s("b" * 16, "elsewhere"), _s("c" * 16, "elsewhere"))),
        (("migrations",), (_s("a" * 16, "elsewhere"), _s("b" * 16, "used"),
                           _s("c" * 16, "elsewhere"))),
        (every[2:], (_s("a" * 16, "elsewhere"), _s("b" * 16, "elsewhere"),
                     _s("c" * 16, "elsewhere"))),
    ]
    combined = {s.fingerprint: s.state for s in combine_ack_statuses(sections)}
    assert combined == {"a" * 16: "used", "b" * 16: "used", "c" * 16: "unused"}


def test_without_every_surface_an_unmatched_ack_stays_elsewhere() -> None:
    sections = [(("schema",), (_s("c" * 16, "elsewhere"),)),
                (("migrations",), (_s("c" * 16, "elsewhere"),))]
    assert [s.state for s in combine_ack_statuses(sections)] == ["elsewhere"]


def test_expired_and_sacred_are_kept() -> None:
    sections = [(("schema",), (_s("d" * 16, "expired"), _s("e" * 16, "sacred"))),
                (("migrations",), (_s("d" * 16, "elsewhere"), _s("e" * 16, "elsewhere")))]
    assert [s.state for s in combine_ack_statuses(sections)] == ["expired", "sacred"]
