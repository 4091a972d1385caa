"""`nemoctl diff` end to end in a subprocess: real files, exit codes, every format, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.diff._schemas import mutate_model
from tests.diff.conftest import REPO, fixture_path
from tests.support.pkgindex import build_fake_litellm

BROKEN = REPO / "tests" / "fixtures" / "broken" / "bad_schema.prisma"


def nemoctl(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("NEMOCTL_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def diff(old: str, new: str, *extra: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return nemoctl("diff", "--from", fixture_path(old), "--to", fixture_path(new), *extra,
                   cwd=cwd)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project using nemoctl: pyproject, the seed sacred fields, empty acknowledgements."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\n\n[tool.nemoctl]\n', encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    shutil.copy(REPO / "schemas" / "sacred_fields.toml", tmp_path / "schemas")
    shutil.copy(REPO / "schemas" / "acknowledged.toml", tmp_path / "schemas")
    return tmp_path


def test_additive_upgrade_exits_0_and_lists_changes(project: Path) -> None:
    result = diff("1.108.0", "1.109.1", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "sacred fields: 20/20 ok" in result.stdout
    assert "model LiteLLM_AccountingEvent (8 fields) added" in result.stdout
    assert result.stdout.rstrip().endswith("0 ERR, 0 WARN, 8 INFO")


def test_fail_on_info_turns_additions_into_findings(project: Path) -> None:
    assert diff("1.108.0", "1.109.1", "--fail-on", "INFO", cwd=project).returncode == 1
    assert diff("1.108.0", "1.109.1", "--fail-on", "WARN", cwd=project).returncode == 0


def test_unacknowledged_err_blocks_with_json_report(project: Path) -> None:
    result = diff("1.100.0", "1.102.4", "--format", "json", cwd=project)
    assert result.returncode == 4, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["old", "new", "blocking", "max_severity", "counts", "changes",
                          "sacred", "acknowledgements", "fail_on", "exit_code"]
    assert data["blocking"] is True and data["exit_code"] == 4 and data["fail_on"] == "ERR"
    assert data["counts"] == {"ERR": 2, "WARN": 1, "INFO": 14, "acknowledged": 0}
    first = data["changes"][0]
    assert first == {
        "rule_id": "FIELD_REMOVED", "severity": "ERR", "subject": "field",
        "model": "LiteLLM_ShadowEvalJob", "field": "api_key_id", "before": "String",
        "after": None, "message": "LiteLLM_ShadowEvalJob.api_key_id (String) removed",
        "hint": ("Stop reading and writing the column (the usage map lists where), copy its "
                 "data if needed, then acknowledge; mark it sacred if billing depends on it."),
        "fingerprint": "c69e4a0641173147", "sacred": False, "acknowledged": False,
        "ack_reason": None, "blocking": True,
    }
    assert data["old"]["label"].endswith("1.100.0/schema.prisma")
    assert len(data["old"]["sha256"]) == 64
    assert {s["state"] for s in data["sacred"]} == {"ok"}


def test_json_output_is_deterministic(project: Path) -> None:
    first = diff("1.80.0", "1.100.0", "--format", "json", "--no-sacred", cwd=project)
    second = diff("1.80.0", "1.100.0", "--format", "json", "--no-sacred", cwd=project)
    assert first.stdout == second.stdout and first.returncode == second.returncode == 4


def test_acknowledgements_unblock_and_expire(project: Path) -> None:
    (project / "schemas" / "acknowledged.toml").write_text(
        '[[ack]]\nfingerprint = "c69e4a0641173147"\nreason = "shadow eval unused"\n'
        'expires = 2026-12-31\n\n'
        '[[ack]]\nfingerprint = "d840701ec7325032"\nrule = "FIELD_ADDED_REQUIRED"\n'
        'reason = "LiteLLM writes it"\n', encoding="utf-8")
    ok = diff("1.100.0", "1.102.4", "--format", "markdown", "--today", "2026-12-31", cwd=project)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ERR (acknowledged: shadow eval unused)" in ok.stdout
    assert diff("1.100.0", "1.102.4", "--fail-on", "WARN", "--today", "2026-12-31",
                cwd=project).returncode == 1
    late = diff("1.100.0", "1.102.4", "--today", "2027-01-01", cwd=project)
    assert late.returncode == 4
    assert "ack expired: acknowledgement c69e4a0641173147 expired on 2026-12-31" in late.stdout
    assert diff("1.100.0", "1.102.4", "--no-acks", "--today", "2026-12-31",
                cwd=project).returncode == 4


def test_rule_severities_from_pyproject(project: Path) -> None:
    with (project / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('fail-on = "WARN"\n\n[tool.nemoctl.rules]\nFIELD_REMOVED = "WARN"\n'
                 'FIELD_ADDED_REQUIRED = "INFO"\nRELATION_CHANGED = "INFO"\n')
    result = diff("1.100.0", "1.102.4", "--format", "json", cwd=project)
    data = json.loads(result.stdout)
    assert data["counts"] == {"ERR": 0, "WARN": 1, "INFO": 16, "acknowledged": 0}
    assert (data["fail_on"], data["exit_code"], result.returncode) == ("WARN", 1, 1)
    assert diff("1.100.0", "1.102.4", "--fail-on", "ERR", cwd=project).returncode == 0


def test_sacred_break_blocks_and_shows_first(project: Path, tmp_path: Path) -> None:
    pinned = fixture_path("1.102.4").read_text(encoding="utf-8")
    changed = tmp_path / "changed.prisma"
    changed.write_text(mutate_model(pinned, "LiteLLM_SpendLogs", (
        "  prompt_tokens       Int     @default(0)\n",
        "  prompt_tokens       BigInt  @default(0)\n")), encoding="utf-8")
    result = nemoctl("diff", "--from", fixture_path("1.102.4"), "--to", changed,
                     "--format", "markdown", cwd=project)
    assert result.returncode == 4
    out = result.stdout
    assert out.index("### Sacred fields: 19/20 ok") < out.index("### Changes")
    assert ("| `LiteLLM_SpendLogs.prompt_tokens` | `Int` | **changed** | "
            "LiteLLM_SpendLogs.prompt_tokens: type Int → BigInt | billing |") in out
    assert "| **ERR (sacred)** | `FIELD_TYPE_CHANGED` |" in out
    annotations = nemoctl("diff", "--from", fixture_path("1.102.4"), "--to", changed,
                          "--format", "github", cwd=project)
    lines = annotations.stdout.splitlines()
    assert lines[0].startswith(f"::error file={changed},line=635,title=sacred field changed::")
    assert lines[1].startswith(f"::error file={changed},line=635,"
                               "title=FIELD_TYPE_CHANGED (sacred) [")
    assert lines[-1] == "::notice title=nemoctl diff::1 ERR, 0 WARN, 0 INFO — BLOCKED: " \
                        "1 sacred field problem(s)"
    assert annotations.returncode == 4


def test_the_wheels_bad_schema_is_diffed_not_crashed(project: Path, tmp_path: Path) -> None:
    # bad_schema.prisma (shipped in every LiteLLM wheel) is valid Prisma, but it lacks
    # fields of the real 1.60.0 schema, including sacred SpendLogs.custom_llm_provider.
    sacred = tmp_path / "sacred.toml"
    sacred.write_text('[[field]]\nmodel = "LiteLLM_SpendLogs"\nfield = "custom_llm_provider"\n'
                      'type = "String?"\nowner = "billing"\nreason = "provider"\n',
                      encoding="utf-8")
    result = nemoctl("diff", "--from", fixture_path("1.60.0"), "--to", BROKEN, "--sacred",
                     sacred, "--format", "json", cwd=project)
    assert result.returncode == 4
    data = json.loads(result.stdout)
    assert [(s["field"], s["state"]) for s in data["sacred"]] == [
        ("custom_llm_provider", "removed")]
    found = sorted((c["rule_id"], c["model"], c["field"] or "") for c in data["changes"])
    assert found == [
        ("FIELD_ADDED", "LiteLLM_BudgetTable", "temp_verification_token"),
        ("FIELD_REMOVED", "LiteLLM_SpendLogs", "custom_llm_provider"),
        ("FIELD_REMOVED", "LiteLLM_SpendLogs", "messages"),
        ("FIELD_REMOVED", "LiteLLM_SpendLogs", "response"),
        ("FIELD_REMOVED", "LiteLLM_UserTable", "created_at"),
        ("FIELD_REMOVED", "LiteLLM_UserTable", "updated_at"),
        ("FIELD_REMOVED", "LiteLLM_VerificationToken", "created_at"),
        ("FIELD_REMOVED", "LiteLLM_VerificationToken", "updated_at"),
        ("MODEL_REMOVED", "LiteLLM_OrganizationMembership", ""),
        ("RELATION_REMOVED", "LiteLLM_BudgetTable", "organization_membership"),
        ("RELATION_REMOVED", "LiteLLM_OrganizationTable", "members"),
        ("RELATION_REMOVED", "LiteLLM_UserTable", "organization_memberships"),
    ]


def test_historical_diff_needs_no_sacred_gate(project: Path) -> None:
    # The seed names fields newer than 1.60.0: the gate reports them as unknown entries.
    gated = diff("1.60.0", "1.80.0", cwd=project)
    assert gated.returncode == 4
    assert "unknown       LiteLLM_SpendLogs.organization_id" not in gated.stdout
    assert "unknown LiteLLM_SpendLogs.organization_id (String?)" in gated.stdout
    assert diff("1.60.0", "1.80.0", "--no-sacred", cwd=project).returncode == 0


def test_wheel_spec(project: Path, tmp_path: Path) -> None:
    wheel = build_fake_litellm(tmp_path / "wheels", "1.109.1",
                               fixture_path("1.109.1").read_text(encoding="utf-8"))
    result = nemoctl("diff", "--from", fixture_path("1.108.0"), "--to", wheel, "--format",
                     "json", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["new"]["label"] == "litellm-1.109.1-py3-none-any.whl"
    assert data["counts"]["INFO"] == 8


def test_outside_a_project_defaults_apply(tmp_path: Path) -> None:
    result = diff("1.100.0", "1.102.4", "--format", "json", cwd=tmp_path)
    assert result.returncode == 4
    assert json.loads(result.stdout)["sacred"] == []


# --- bad input: a clear message, a documented exit code, never a traceback ------------


def _bad(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_missing_file(project: Path) -> None:
    _bad(nemoctl("diff", "--from", "nope/schema.prisma", "--to", fixture_path("1.109.1"),
                 cwd=project), 2, "error: no such schema file: nope/schema.prisma")


def test_syntax_error_shows_prismas_message_with_file_and_line(
    project: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.prisma"
    broken.write_text('model A {\n  id String @id\n  name String @default(\n}\n',
                      encoding="utf-8")
    _bad(nemoctl("diff", "--from", fixture_path("1.109.1"), "--to", broken, cwd=project), 2,
         f"Prisma rejected {broken} (P1012)", f"{broken}:3")


def test_unknown_type(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "unknown.prisma"
    broken.write_text("model A {\n  id String @id\n  n Money\n}\n", encoding="utf-8")
    _bad(nemoctl("diff", "--from", broken, "--to", fixture_path("1.109.1"), cwd=project), 2,
         'Type "Money" is neither a built-in type, nor refers to another model',
         f"{broken}:3")


def test_not_utf8(project: Path, tmp_path: Path) -> None:
    binary = tmp_path / "binary.prisma"
    binary.write_bytes(b"model A {\n  id String @id \xff\xfe\n}\n")
    _bad(nemoctl("diff", "--from", binary, "--to", fixture_path("1.109.1"), cwd=project), 2,
         "is not UTF-8 text")


@pytest.mark.parametrize(("args", "needle"), [
    (("--to", "not-a-version!"), "is not a valid version"),
    (("--to", "missing.whl"), "no such wheel: missing.whl"),
    (("--to", "1.109.1", "--fail-on", "FATAL"), "FATAL"),
    (("--to", "1.109.1", "--today", "tomorrow"), "--today 'tomorrow' is not a date"),
    (("--to", "1.109.1", "--sacred", "nope.toml"), "--sacred: no such file: nope.toml"),
])
def test_bad_arguments(project: Path, args: tuple[str, ...], needle: str) -> None:
    result = nemoctl("diff", "--from", fixture_path("1.108.0"), *args, cwd=project)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert needle in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_bad_project_files(project: Path) -> None:
    (project / "schemas" / "sacred_fields.toml").write_text(
        '[[field]]\nmodel = "LiteLLM_SpendLogs"\nfield = "spend"\n', encoding="utf-8")
    _bad(diff("1.108.0", "1.109.1", cwd=project), 2, "'owner' is required")
    (project / "schemas" / "sacred_fields.toml").unlink()
    with (project / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('[tool.nemoctl.rules]\nFIELD_GONE = "INFO"\n')
    _bad(diff("1.108.0", "1.109.1", cwd=project), 2, "unknown rule 'FIELD_GONE'")


def test_from_defaults_to_the_committed_snapshot(project: Path) -> None:
    shutil.copy(fixture_path("1.108.0"), project / "schemas" / "schema.prisma")
    result = nemoctl("diff", "--to", fixture_path("1.109.1"), "--format", "json", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["old"]["label"] == "schemas/schema.prisma"
    assert data["counts"]["INFO"] == 8


@pytest.mark.parametrize("kind", ["directory", "wheel without schema", "empty spec"])
def test_unusable_specs(project: Path, tmp_path: Path, kind: str) -> None:
    from tests.support.pkgindex import build_wheel

    if kind == "directory":
        spec, needle = str(tmp_path) + "/", "is not a file"
    elif kind == "wheel without schema":
        wheel = build_wheel(tmp_path / "w", "litellm", "1.0.0", {"litellm/__init__.py": ""})
        spec, needle = str(wheel), "has no litellm/proxy/schema.prisma"
    else:
        spec, needle = " ", "' ' is not a valid version"
    _bad(nemoctl("diff", "--from", fixture_path("1.108.0"), "--to", spec, cwd=project), 2,
         needle)
