"""Renderers: Markdown for PR comments, GitHub annotations, JSON, the rich console."""

from __future__ import annotations

import json
from datetime import date

import pytest
from rich.console import Console

from nemoctl.diff import (
    Acknowledgement,
    Acknowledgements,
    DiffReport,
    SacredField,
    SacredFields,
    diff_schemas,
)
from nemoctl.render import diff as render
from nemoctl.schema import Schema, parse_many
from tests.diff._schemas import BASE, mutate

NEW = mutate(BASE, ("  spend Float  @default(0)\n", '  spend Float  @default(0)\n'
                    '  note  String @default("50% | a, b: c")\n'),
             ("  count  Int      @default(0)\n", ""),
             ("  budget Float?\n", "  budget Float\n"),
             ("  PAUSED\n", ""))
SACRED = SacredFields((SacredField("Team", "budget", "Float?", "finance", "budgets"),))


@pytest.fixture(scope="module")
def pair() -> tuple[Schema, Schema]:
    old, new = parse_many([(BASE, "old.prisma"), (NEW, "new.prisma")])
    return old, new


@pytest.fixture(scope="module")
def report(pair: tuple[Schema, Schema]) -> DiffReport:
    old, new = pair
    plain = diff_schemas(old, new)
    removed = next(c for c in plain.changes if c.rule_id == "FIELD_REMOVED")
    acks = Acknowledgements((Acknowledgement(removed.fingerprint, "count unused"),
                             Acknowledgement("00000000000000ff", "old", expires=date(2020, 1, 1))))
    return diff_schemas(old, new, sacred=SACRED, acks=acks, today=date(2026, 11, 22))


def test_report_shape(report: DiffReport) -> None:
    rows = [(c.rule_id, c.model, c.field, c.sacred, c.acknowledged) for c in report.changes]
    assert rows == [
        ("FIELD_REMOVED", "Team", "count", False, True),
        ("FIELD_BECAME_REQUIRED", "Team", "budget", True, False),
        ("ENUM_VALUE_REMOVED", "Status", "PAUSED", False, False),
        ("FIELD_ADDED", "Org", "note", False, False),
    ]
    assert [a.state for a in report.acknowledgements] == ["used", "expired"]


def test_markdown(report: DiffReport) -> None:
    text = render.to_markdown(report)
    assert text.startswith("## nemoctl schema diff: old.prisma → new.prisma\n\n**BLOCKED** — "
                           "2 ERR, 0 WARN, 1 INFO, 1 acknowledged — BLOCKED: 1 sacred field "
                           "problem(s)\n")
    assert "### Sacred fields: 0/1 ok" in text
    assert ("| `Team.budget` | `Float?` | **changed** | Team.budget: type Float? → Float | "
            "finance |") in text
    assert "| ERR (acknowledged: count unused) | `FIELD_REMOVED` |" in text
    # A pipe inside a message must not split the table row.
    assert 'default "50% \\| a, b: c"' in text
    assert "<details><summary>1 INFO change(s)</summary>" in text
    assert "- **expired**: acknowledgement 00000000000000ff expired on 2020-01-01" in text


def test_github_annotations(report: DiffReport, pair: tuple[Schema, Schema]) -> None:
    lines = render.to_github(report, old_file=("old.prisma", BASE),
                             new_file=("new.prisma", NEW)).splitlines()
    assert lines[0].startswith("::error file=new.prisma,line=21,title=sacred field changed::")
    by_title = {line.split("title=")[1].split(" [")[0]: line for line in lines[1:]}
    assert by_title["FIELD_BECAME_REQUIRED (sacred)"].startswith(
        "::error file=new.prisma,line=21,")
    # Removals point into the old file; an acknowledged ERR is only a notice.
    assert by_title["FIELD_REMOVED"].startswith("::notice file=old.prisma,line=22,")
    assert by_title["ENUM_VALUE_REMOVED"].startswith("::error file=old.prisma,line=36,")
    note = by_title["FIELD_ADDED"]
    assert note.startswith("::notice file=new.prisma,line=10,")
    assert note.endswith('::Org.note (String default "50%25 | a, b: c") added')
    assert "::warning title=acknowledgement expired::" in "\n".join(lines)
    assert lines[-1].startswith("::notice title=nemoctl diff::2 ERR")
    only_err = render.to_github(report, fail_on="ERR")
    assert "FIELD_ADDED" not in only_err and "file=" not in only_err


def test_github_property_escaping() -> None:
    assert render._escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_locate() -> None:
    assert render.locate(BASE, "Team") == 15
    assert render.locate(BASE, "Team", "budget") == 20
    assert render.locate(BASE, "Status", "INACTIVE") == 37
    assert render.locate(BASE, "Team", "nope") == 15
    assert render.locate(BASE, "Nope") is None
    # "id" must not match "id_other" or a later model's field.
    assert render.locate("model A {\n  id_x Int\n  id Int @id\n}\n", "A", "id") == 3


def test_json(report: DiffReport) -> None:
    data = json.loads(render.to_json(report, fail_on="WARN"))
    assert data["exit_code"] == 4 and data["fail_on"] == "WARN"
    assert data["sacred"][0] == {
        "model": "Team", "field": "budget", "expected_type": "Float?", "actual_type": "Float",
        "state": "changed", "blocking": True, "message": "Team.budget: type Float? → Float",
        "owner": "finance", "reason": "budgets"}
    assert data["acknowledgements"][1]["state"] == "expired"


def test_human(report: DiffReport) -> None:
    console = Console(record=True, width=200, no_color=True)
    render.render_human(report, console)
    text = console.export_text()
    assert "sacred fields: 0/1 ok" in text
    assert "changed Team.budget (Float?): Team.budget: type Float? → Float" in text
    assert "ERR SACRED" in text and "ERR ack" in text
    assert "ack expired: acknowledgement 00000000000000ff expired on 2020-01-01" in text
    assert text.rstrip().endswith("BLOCKED: 1 sacred field problem(s)")
    quiet = Console(record=True, width=200, no_color=True)
    render.render_human(report, quiet, show_info=False)
    assert "(1 INFO change(s) not shown)" in quiet.export_text()


def test_no_changes(pair: tuple[Schema, Schema]) -> None:
    old, _ = pair
    report = diff_schemas(old, old)
    assert render.to_markdown(report) == (
        "## nemoctl schema diff: old.prisma → old.prisma\n\n"
        "**no changes** — 0 ERR, 0 WARN, 0 INFO\n")
    assert render.to_github(report) == "::notice title=nemoctl diff::0 ERR, 0 WARN, 0 INFO\n"
    console = Console(record=True, width=120, no_color=True)
    render.render_human(report, console)
    assert console.export_text() == (
        "schema diff: old.prisma → old.prisma\nno changes\n0 ERR, 0 WARN, 0 INFO\n")
