"""The matrix table: rows per behaviour, changing cells marked, three formats."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from nemoctl.contracts import ContractResult, ContractRun
from nemoctl.contracts.matrix import ContractMatrix, build_rows, parse_versions
from nemoctl.contracts.models import ModelsStatus
from nemoctl.errors import BadInputError
from nemoctl.render import contracts_matrix as render


def _run(
    version: str,
    outcome: str,
    observed: dict[str, tuple[tuple[str, str], ...]],
    models: str | None = None,
) -> ContractRun:
    names = [
        "test_streaming_usage_cost",
        "test_error_unknown_model",
        "test_spend_log_payload_validates",
    ]
    results = tuple(
        ContractResult(
            name,
            outcome if name == "test_streaming_usage_cost" else "passed",
            observations=observed.get(name, ()),
        )
        for name in names
    )
    status = ModelsStatus(models, version, "1.102.4", "generated/python") if models else None
    return ContractRun(results, version, 1.0, version, models=status)


OLD = _run(
    "1.100.5",
    "failed",
    {
        "test_streaming_usage_cost": (("usage_cost", "absent"),),
        "test_error_unknown_model": (("status", "400"), ("type", "None")),
        "test_spend_log_payload_validates": (("payload_keys", "a,b,c"),),
    },
    models="stale",
)
NEW = _run(
    "1.102.4",
    "passed",
    {
        "test_streaming_usage_cost": (("usage_cost", "present"),),
        "test_error_unknown_model": (("status", "400"), ("type", "invalid_request_error")),
        "test_spend_log_payload_validates": (("payload_keys", "a,b,d,e"),),
    },
    models="current",
)


def test_rows_hold_each_versions_observation_and_mark_changes() -> None:
    rows = {row.label: row for row in build_rows([OLD, NEW])}
    assert rows["stream usage.cost"].cells == ("absent", "present")
    assert rows["stream usage.cost"].changed
    assert rows["unknown model: status type"].cells == ("400 None", "400 invalid_request_error")
    assert rows["spend-log payload keys"].cells == ("3", "4 (+d +e -c)")
    assert rows["stream usage.cost"].steps == (False, True)
    assert rows["committed models"].cells == ("stale", "current")
    assert rows["test_streaming_usage_cost"].cells == ("FAIL", "pass")
    assert not rows["test_error_unknown_model"].changed
    # A behaviour no run observed is left out rather than shown as a row of dashes.
    assert "body model: chat" not in rows


def test_versions_are_validated_deduplicated_and_ordered() -> None:
    assert parse_versions(["1.108.7", "1.80.0", "1.100.5", "1.80.0"]) == (
        "1.80.0",
        "1.100.5",
        "1.108.7",
    )
    with pytest.raises(BadInputError, match="not a version"):
        parse_versions(["1.80.0", "latest"])
    with pytest.raises(BadInputError):
        parse_versions([])


def test_renderers_mark_the_changing_rows() -> None:
    matrix = ContractMatrix(("1.100.5", "1.102.4"), build_rows([OLD, NEW]), (OLD, NEW), 12.0, 2)
    markdown = render.to_markdown(matrix)
    # The row is marked; only the cell that differs from the previous version is bold.
    assert "| **Δ stream usage.cost** | absent | **present** |" in markdown
    assert "| `test_error_unknown_model` | pass | pass |" in markdown
    data = json.loads(render.to_json(matrix))
    changed = {row["label"]: row["changed"] for row in data["rows"]}
    assert changed["stream usage.cost"] is True and changed["test_error_unknown_model"] is False
    assert data["versions"] == ["1.100.5", "1.102.4"] and data["passed"] is False
    console = Console(record=True, width=160, no_color=True)
    render.render_human(matrix, console)
    text = console.export_text()
    assert "Δ stream usage.cost" in text and "invalid_request_error" in text
    assert "2 versions (1.100.5 2/3 in 1 s, 1.102.4 3/3 in 1 s)" in text


def test_a_key_set_seen_again_is_not_a_change() -> None:
    runs = [
        _run(v, "passed", {"test_spend_log_payload_validates": (("payload_keys", k),)})
        for v, k in (("1", "a"), ("2", "a,b"), ("3", "b,a"))
    ]
    row = {r.label: r for r in build_rows(runs)}["spend-log payload keys"]
    assert row.cells == ("1", "2 (+b)", "2")
    assert row.steps == (False, True, False)
