"""The step lists share their steps, and the commit message reads the typed sections."""

from __future__ import annotations

from pathlib import Path

from nemoctl.diff import diff_schemas
from nemoctl.errors import ExitCode
from nemoctl.schema.parser import parse_many
from nemoctl.upgrade.contracts_gate import ContractOutcome
from nemoctl.upgrade.report import StepResult, UpgradeReport
from nemoctl.upgrade.resolve import Resolution
from nemoctl.upgrade.steps import DRY_RUN, UPGRADE, VERIFY
from nemoctl.upgrade.steps.contracts import ContractsResult
from nemoctl.upgrade.steps.finish import commit_message
from nemoctl.upgrade.steps.preflight import PreflightResult
from nemoctl.upgrade.steps.regenerate import RegenerateResult
from nemoctl.upgrade.steps.resolution import ResolveResult
from nemoctl.upgrade.steps.schema import SchemaResult
from tests.upgrade.conftest import SCHEMAS


def test_upgrade_dry_run_and_verify_are_lists_of_the_same_steps() -> None:
    assert [s.name for s in UPGRADE] == [
        "preflight", "resolve", "supply-chain", "schema", "migrations", "surfaces", "bump",
        "lockfile", "regenerate", "typecheck", "contracts", "finish"]
    assert [s.name for s in DRY_RUN] == [s.name for s in UPGRADE[:7]]
    assert [s.name for s in VERIFY] == [
        "preflight", "resolve", "supply-chain", "schema", "migrations", "surfaces",
        "regenerate", "contracts"]
    # The same objects, not copies: only preflight has a verify flavour.
    assert all(a is b for a, b in zip(DRY_RUN, UPGRADE, strict=False))
    assert all(a is b for a, b in zip(VERIFY[1:6], UPGRADE[1:6], strict=True))
    assert VERIFY[6] is UPGRADE[8] and VERIFY[7] is UPGRADE[10]
    assert VERIFY[0] is not UPGRADE[0]


def test_commit_message_reads_the_sections() -> None:
    old, new = parse_many([(SCHEMAS["1.0.0"], "old"), (SCHEMAS["1.2.0"], "new")])
    diff = diff_schemas(old, new)
    resolution = Resolution(("litellm[proxy]==1.2.0",), "3.11", True,
                            {"litellm": "1.2.0", "litellm-proxy-extras": "0.1.2"})
    report = UpgradeReport(
        mode="upgrade", upstream="litellm", package="litellm", requested="1.2.0",
        dry_run=False, exit_code=ExitCode.OK,
        steps=(StepResult("preflight", "ok", 0.5), StepResult("schema", "ok", 1.25)),
        preflight=PreflightResult("litellm", "1.0.0", "1.2.0", "3.11"),
        resolve=ResolveResult("litellm[proxy]==1.2.0", "1.2.0", resolution,
                              {"litellm-proxy-extras": "0.1.2"}),
        schema=SchemaResult(SCHEMAS["1.2.0"], Path("litellm-1.2.0.whl"), "0" * 64, diff,
                            {"litellm-proxy-extras": "0.1.2"}),
        regenerate=RegenerateResult(written=("schemas/schema.prisma", "schemas/lock.json")),
        contracts=ContractsResult("litellm", "1.2.0", ContractOutcome(True, "pytest", total=7)),
    )
    assert commit_message(report) == (
        "Upgrade litellm 1.0.0 → 1.2.0 (nemoctl)\n\n"
        "- coupled: litellm-proxy-extras 0.1.2\n"
        "- schema: 1 change(s) (1 ERR)\n"
        "- sacred fields: no sacred fields\n"
        "- regenerated: 2 file(s) written, 0 removed\n"
        "- contracts: passed (7 contracts) via pytest\n"
        "- steps: preflight 0.50s, schema 1.25s\n"
    )
    no_contracts = UpgradeReport(
        mode="upgrade", upstream="litellm", package="litellm", requested="1.2.0",
        dry_run=False, exit_code=ExitCode.OK,
        contracts=ContractsResult("litellm", "1.2.0", None))
    assert "- contracts: NOT RUN (--no-contracts)\n" in commit_message(no_contracts)
    assert report.to_dict()["coupled"] == {"litellm-proxy-extras": "0.1.2"}
    assert report.to_dict()["files_written"] == ["schemas/schema.prisma", "schemas/lock.json"]
