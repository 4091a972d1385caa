"""The one acknowledgement engine: reviewed findings accepted by fingerprint.

``schemas/acknowledged.toml`` holds the acknowledgements of every surface::

    [[ack]]
    fingerprint = "3f2a9c0d41b7e862"   # from the report
    rule = "FIELD_REMOVED"             # optional; checked when given
    reason = "column unused since #123"
    expires = 2027-01-31               # optional TOML date; after it the ack stops working

A finding is matched by its fingerprint (never by message text), and by rule when the
ack names one (a retired rule ID matches the rule that replaced it).  Sacred findings
cannot be acknowledged away.  Each command judges the acknowledgements against the
surfaces it checked: an ack of a rule of another surface is ``elsewhere`` (neither used
nor unused here), so ``nemoctl diff`` never calls a migration acknowledgement unused.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from nemoctl._limits import loads_toml
from nemoctl.errors import ConfigError
from nemoctl.findings.finding import Finding, Judged
from nemoctl.findings.spec import current_id, get_rule

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_KEYS = {"fingerprint", "rule", "reason", "expires"}

AckState = Literal["used", "unused", "expired", "sacred", "elsewhere"]


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    fingerprint: str
    reason: str
    rule: str | None = None
    expires: date | None = None

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def names(self, rule_id: str) -> bool:
        """True when the ack names no rule, or ``rule_id`` (retired and former IDs followed)."""
        if self.rule is None or current_id(self.rule) == current_id(rule_id):
            return True
        spec = get_rule(rule_id)
        return spec is not None and self.rule in spec.formerly


@dataclass(frozen=True, slots=True)
class Acknowledgements:
    items: tuple[Acknowledgement, ...] = ()
    source: str = ""

    def get(self, fingerprint: str) -> Acknowledgement | None:
        for ack in self.items:
            if ack.fingerprint == fingerprint:
                return ack
        return None


@dataclass(frozen=True, slots=True)
class AckStatus:
    """What became of one acknowledgement in one command's run."""

    fingerprint: str
    state: AckState
    reason: str
    expires: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "state": self.state, "reason": self.reason,
                "expires": self.expires, "message": self.message}


def load_acknowledgements(path: Path) -> Acknowledgements:
    """Read and validate ``acknowledged.toml``; an absent file means none."""
    if not path.is_file():
        return Acknowledgements(source=str(path))
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason})") \
            from None
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_acknowledgements(data, source=str(path))


def parse_acknowledgements(data: dict[str, Any], *,
                           source: str = "acknowledged.toml") -> Acknowledgements:
    unknown = set(data) - {"ack"}
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(entries are [[ack]] tables)")
    raw = data.get("ack", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: 'ack' must be an array of tables ([[ack]])")
    items: list[Acknowledgement] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        where = f"{source}: [[ack]] #{number}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a table")
        extra = set(item) - _KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        fp = item.get("fingerprint")
        if not isinstance(fp, str) or not _FINGERPRINT.match(fp):
            raise ConfigError(f"{where}: fingerprint must be the 16 hex digits nemoctl "
                              f"prints, not {fp!r}")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{where}: a non-empty reason is required")
        rule = item.get("rule")
        if rule is not None and not isinstance(rule, str):
            raise ConfigError(f"{where}: rule must be a rule id string")
        expires = item.get("expires")
        if expires is not None and (not isinstance(expires, date) or
                                    type(expires).__name__ == "datetime"):
            raise ConfigError(f"{where}: expires must be a TOML date like 2027-01-31 "
                              "(unquoted)")
        if fp in seen:
            raise ConfigError(f"{where}: fingerprint {fp} is acknowledged twice")
        seen.add(fp)
        items.append(Acknowledgement(fp, reason.strip(), rule, expires))
    return Acknowledgements(items=tuple(items), source=source)


@dataclass(frozen=True, slots=True)
class AckJudgement:
    """Which acknowledgements apply to which findings, and the status of each ack."""

    #: Fingerprint → the acknowledgement that accepts the finding.
    accepted: dict[str, Acknowledgement]
    statuses: tuple[AckStatus, ...]

    def reason_for(self, finding: Judged) -> str | None:
        ack = self.accepted.get(finding.fingerprint)
        return ack.reason if ack is not None else None


def judge_acknowledgements(findings: Sequence[Judged], acks: Acknowledgements, *,
                           today: date, surfaces: Collection[str],
                           describe: Iterable[tuple[str, str]] = ()) -> AckJudgement:
    """Judge every acknowledgement against the findings of the ``surfaces`` checked.

    An ack that matches nothing is ``unused`` only when every surface it could belong
    to was checked; otherwise it is ``elsewhere`` (another command judges it).
    ``describe`` maps a fingerprint to the finding's message for the ``used`` status.
    """
    messages = dict(describe)
    accepted: dict[str, Acknowledgement] = {}
    statuses: list[AckStatus] = []
    for ack in acks.items:
        expires = ack.expires.isoformat() if ack.expires else None
        matching = [f for f in findings
                    if f.fingerprint == ack.fingerprint and ack.names(f.rule_id)]
        state: AckState
        if ack.expired(today):
            state, message = "expired", (f"acknowledgement {ack.fingerprint} expired on "
                                         f"{expires}; it no longer applies")
        elif not matching:
            unchecked = sorted(set(_candidate_surfaces(ack.rule)) - set(surfaces))
            if unchecked:
                state, message = "elsewhere", (
                    f"acknowledgement {ack.fingerprint} may be for the {_surfaces(unchecked)}, "
                    "not checked here")
            else:
                state, message = "unused", (
                    f"acknowledgement {ack.fingerprint} matches no finding of the "
                    f"{_surfaces(surfaces)} checked here")
        elif matching[0].sacred:
            state, message = "sacred", (f"acknowledgement {ack.fingerprint} names a sacred "
                                        "change; sacred changes always block")
        else:
            state = "used"
            first = matching[0]
            message = f"acknowledged: {messages.get(first.fingerprint, first.rule_id)}"
            accepted[ack.fingerprint] = ack
        statuses.append(AckStatus(ack.fingerprint, state, ack.reason, expires, message))
    return AckJudgement(accepted=accepted, statuses=tuple(statuses))


def _candidate_surfaces(rule: str | None) -> list[str]:
    """The surfaces an unmatched ack could belong to (all of them when it names no rule,
    or a rule no surface registers)."""
    from nemoctl.findings.catalogue import load_all

    specs = load_all()
    acknowledgeable = sorted({s.surface for s in specs if s.surface in ACKNOWLEDGEABLE})
    if rule is None:
        return acknowledgeable
    named = current_id(rule)
    found = sorted({s.surface for s in specs if s.id == named or rule in s.formerly})
    return found or acknowledgeable


#: Surfaces whose findings can be acknowledged (``db verify`` reports a database as it is).
ACKNOWLEDGEABLE = frozenset({"schema", "migrations", "api", "config", "provenance"})


def _surfaces(surfaces: Collection[str]) -> str:  # "schema surface", "a, b surfaces"
    names = sorted(surfaces)
    return (", ".join(names) + (" surfaces" if len(names) > 1 else " surface")) if names \
        else "surfaces"


def apply_acknowledgements(findings: Sequence[Finding], acks: Acknowledgements, *,
                           today: date, surfaces: Collection[str]
                           ) -> tuple[tuple[Finding, ...], tuple[AckStatus, ...]]:
    """Generic findings with their acknowledgements applied, and each ack's status."""
    judgement = judge_acknowledgements(findings, acks, today=today, surfaces=surfaces,
                                       describe=((f.fingerprint, f.message) for f in findings))
    out = tuple(f.acknowledge(reason) if (reason := judgement.reason_for(f)) is not None
                and not f.sacred else f for f in findings)
    return out, judgement.statuses


def combine_ack_statuses(sections: Iterable[tuple[Collection[str], Sequence[AckStatus]]]
                         ) -> tuple[AckStatus, ...]:
    """One status per acknowledgement across the sections of a run that checked several
    surfaces (``upgrade``, ``ci``): each section judged the acks against its own surfaces.

    Used, sacred or expired anywhere wins; an ack that every section left unmatched is
    ``unused`` once every surface it could belong to was checked by some section, and
    stays ``elsewhere`` otherwise.
    """
    checked: set[str] = set()
    by_fingerprint: dict[str, list[AckStatus]] = {}
    for surfaces, statuses in sections:
        checked |= set(surfaces)
        for status in statuses:
            by_fingerprint.setdefault(status.fingerprint, []).append(status)
    combined: list[AckStatus] = []
    for fingerprint, statuses in by_fingerprint.items():
        decided = next((s for state in ("sacred", "used", "expired") for s in statuses
                        if s.state == state), None)
        if decided is not None:
            combined.append(decided)
            continue
        first = statuses[0]
        unused = any(s.state == "unused" for s in statuses) or (
            set(_candidate_surfaces(None)) <= checked)
        state: AckState = "unused" if unused else "elsewhere"
        message = (f"acknowledgement {fingerprint} matches no finding of the "
                   f"{_surfaces(checked)} checked here") if unused else first.message
        combined.append(AckStatus(fingerprint, state, first.reason, first.expires, message))
    return tuple(combined)
