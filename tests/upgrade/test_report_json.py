"""The upgrade report's JSON keeps its documented shape across the typed-steps rewrite.

``tests/fixtures/upgrade_json/<case>.json`` was written by the code *before* the
rewrite (``_Run.fields`` dict; commit 9b0a6e3) from the same consumer and the same
local index; each case here runs today's code and compares the whole document, with
only what varies between runs (durations, the commit sha, tmp paths) normalised, after
applying the intended differences (:func:`intended`, also listed in docs/upgrade.md).
(The fixtures were written by this module's first version, commit 54d2061, run on
the old code.)
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from nemoctl.config import load_config
from nemoctl.upgrade import UpgradeOptions, UpgradeReport, run_upgrade, verify
from nemoctl.upgrade.bump import plan_bump
from tests.upgrade.conftest import SCHEMAS, Consumer, git

FIXTURES = Path(__file__).parents[1] / "fixtures" / "upgrade_json"
_TIMED = {"duration_s", "started_s", "waited_s", "total_s", "age_seconds"}
#: Release ages in words ("1069 days 12 hours") move with the clock.
_AGED = {"age"}
_SECONDS = re.compile(r"\d+\.\d+s\b")
_SHA = re.compile(r"\b[0-9a-f]{40}\b|(?<=committed )[0-9a-f]{12}\b")
_INDEX = re.compile(r"http://127\.0\.0\.1:\d+")


@pytest.fixture(autouse=True)
def no_gates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sections that existed before are compared; each surface's own report is its
    package's business (tests/apisurface, tests/provenance), so no gate runs here."""
    import nemoctl.surfaces

    monkeypatch.setattr(nemoctl.surfaces, "GATES", ())


def normalise(value: Any, root: Path) -> Any:
    """Timings and release ages → 0, seconds in details → ``Ns``, the local index's
    port → ``<index>``, commit shas → ``<sha>``, the tmp root → ``<root>``."""
    if isinstance(value, dict):
        return {k: (0 if k in _TIMED and v is not None else
                    "<age>" if k in _AGED and isinstance(v, str) else normalise(v, root))
                for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, root) for v in value]
    if isinstance(value, str):
        text = value.replace(str(root), "<root>")
        text = _INDEX.sub("<index>", _SECONDS.sub("Ns", text))
        return _SHA.sub("<sha>", text)
    return value


def intended(before: dict[str, Any]) -> dict[str, Any]:
    """The before-document with the rewrite's intended differences applied:

    1. a ``surfaces`` key (each registered surface gate's report by name; ``{}`` here:
       no gate runs in this test) and, once the judging steps got that far, a
       ``surfaces`` step after ``migrations``;
    2. verify mode runs the upgrade's resolve and contracts steps, so their details
       are the upgrade's (``litellm[proxy]==1.1.0 resolves (...)``, ``passed via ...``);
    3. the dry run's planned bump is timed like every step (``started_s`` is set);
    4. an ``acknowledgements`` key: each ack's status across every surface judged.
    """
    after = copy.deepcopy(before)
    after["surfaces"] = {}
    # 4. every acknowledgement's status across the surfaces the run judged (none here).
    after["acknowledgements"] = []
    steps = after["steps"]
    names = [s["name"] for s in steps]
    if "migrations" in names and steps[names.index("migrations")]["status"] != "failed":
        steps.insert(names.index("migrations") + 1, {
            "background": False, "detail": "no surface gates registered", "duration_s": 0,
            "name": "surfaces", "started_s": 0, "status": "skipped", "waited_s": None})
    for step in steps:
        if step["name"] == "resolve" and step["detail"] == "resolves":
            coupled = ", ".join(f"{k}=={v}" for k, v in after["coupled"].items())
            step["detail"] = f"litellm[proxy]=={after['to_version']} resolves ({coupled})"
        if step["name"] == "contracts" and step["detail"] == "passed":
            step["detail"] = f"passed via {after['contracts']['runner']}"
        if step["name"] == "bump" and step["started_s"] is None:
            step["started_s"] = 0
    return after


def gained_keys_only(before: Any, after: Any, where: str = "") -> list[str]:
    """Where ``after`` differs from ``before`` other than by added dictionary keys."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [p for k in before for p in (
            gained_keys_only(before[k], after[k], f"{where}.{k}") if k in after
            else [f"{where}.{k} missing"])]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (b, a) in enumerate(zip(before, after, strict=True))
                for p in gained_keys_only(b, a, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: {before!r} → {after!r}"]


def check(case: str, report: UpgradeReport, root: Path) -> dict[str, Any]:
    data = normalise(json.loads(json.dumps(report.to_dict(), default=str)), root)
    # Background timelines are wall-clock offsets; keep which events happened.
    contracts = data.get("contracts") or {}
    if isinstance(contracts.get("background"), dict):
        contracts["background"] = sorted(contracts["background"])
    path = FIXTURES / f"{case}.json"
    expected = intended(normalise(json.loads(path.read_text()), root))
    # The schema section is the diff report's own JSON (docs/diff.md), which the findings
    # kernel extends (each change's "hint"): it may gain keys, never change or lose one.
    assert gained_keys_only(expected["schema"], data["schema"]) == []
    expected["schema"] = data["schema"]
    assert gained_keys_only(data, expected) == [] and data == expected
    return data


def bump_pins(consumer: Consumer, version: str, extras: str) -> None:
    """A pull request that moved the pins by hand (what verify mode checks)."""
    _, files = plan_bump(consumer.root, {"litellm": version, "litellm-proxy-extras": extras})
    for path, data in files.items():
        path.write_bytes(data)
    git(consumer.root, "commit", "-qam", f"bump litellm to {version}")


def test_upgrade_commit_json(consumer: Consumer) -> None:
    report = run_upgrade(UpgradeOptions(version="1.1.0", commit=True), root=consumer.root)
    data = check("upgrade_commit", report, consumer.root)
    assert data["ok"] and data["commit"] == "<sha>"


def test_upgrade_dry_run_json(consumer: Consumer) -> None:
    report = run_upgrade(UpgradeOptions(version="1.1.0", dry_run=True), root=consumer.root)
    assert check("upgrade_dry_run", report, consumer.root)["dry_run"] is True


def test_upgrade_blocked_json(consumer: Consumer) -> None:
    report = run_upgrade(UpgradeOptions(version="1.2.0"), root=consumer.root)
    assert check("upgrade_blocked", report, consumer.root)["exit_code"] == 4


def test_upgrade_contracts_failed_json(consumer: Consumer) -> None:
    report = run_upgrade(UpgradeOptions(version="1.4.0"), root=consumer.root)
    data = check("upgrade_contracts_failed", report, consumer.root)
    assert data["restored"] is True and data["exit_code"] == 5


def test_verify_stale_json(consumer: Consumer) -> None:
    bump_pins(consumer, "1.1.0", "0.1.1")
    report = verify(load_config(consumer.root), "1.1.0", base_snapshot_text=SCHEMAS["1.0.0"],
                    base_version="1.0.0")
    assert check("verify_stale", report, consumer.root)["stale_files"]


def test_verify_write_json(consumer: Consumer) -> None:
    bump_pins(consumer, "1.1.0", "0.1.1")
    report = verify(load_config(consumer.root), "1.1.0", base_snapshot_text=SCHEMAS["1.0.0"],
                    base_version="1.0.0", write=True)
    assert check("verify_write", report, consumer.root)["files_written"]


@pytest.mark.parametrize("case", ["upgrade_commit", "verify_stale"])
def test_fixture_is_the_documented_shape(case: str) -> None:
    """The fixtures hold every top-level key docs/upgrade.md documents."""
    data = json.loads((FIXTURES / f"{case}.json").read_text())
    assert {"mode", "steps", "resolution", "supply_chain", "schema", "migrations",
            "contracts", "pin_edits", "files_written", "stale_files"} <= set(data)
