"""``[tool.nemoctl.generate]``: validated up front, and honoured end to end in a consumer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.codegen.options import CodegenOptions
from nemoctl.config import load_config
from nemoctl.errors import ConfigError
from tests.codegen.conftest import REPO

PYPROJECT = """\
[project]
name = "gateway"
version = "0"
dependencies = ["litellm[proxy]==1.102.4"]

[tool.nemoctl.generate]
{table}
"""


def _config(tmp_path: Path, table: str) -> CodegenOptions:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.format(table=table))
    return load_config(tmp_path).codegen


def test_defaults_and_valid_values(tmp_path: Path) -> None:
    assert _config(tmp_path, "") == CodegenOptions("nemoctl_models", "public", "number")
    assert _config(
        tmp_path, 'python-package = "gateway_models"\nsupabase-schema = "api"\nbigint = "bigint"'
    ) == CodegenOptions("gateway_models", "api", "bigint")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('python-package = "Gateway-Models"',
         "tool.nemoctl.generate.python-package: expected a lowercase Python package name "
         "that uses only a-z, 0-9 and _"),
        ('python-package = "json"', "that does not shadow the standard library"),
        ('python-package = "nemoctl"', "that does not shadow the standard library, nemoctl"),
        ('python-package = "class"', "that is not a Python keyword, got 'class'"),
        ('python-package = ["x"]', "tool.nemoctl.generate.python-package: expected a string"),
        ('supabase-schema = "Public Schema"',
         "tool.nemoctl.generate.supabase-schema: expected a plain PostgreSQL schema name"),
        ('bigint = "float"',
         "tool.nemoctl.generate.bigint: expected one of 'number', 'string' or 'bigint', "
         "got 'float'"),
        ('bigints = "string"', "unknown key 'bigints' in [tool.nemoctl.generate]"),
    ],
)
def test_bad_values_are_config_errors_naming_the_key(
    tmp_path: Path, table: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _config(tmp_path, table)
    assert message in info.value.message
    assert info.value.exit_code == 2


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", *args],
        cwd=root, capture_output=True, text=True, check=False,
    )


def test_consumer_with_its_own_package_name_and_exact_bigint(tmp_path: Path) -> None:
    """A consumer renames the package and types BigInt as string; everything follows."""
    root = tmp_path / "gateway"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT.format(
        table='python-package = "gateway_models"\nbigint = "string"'
    ))
    shutil.copytree(REPO / "generated", root / "generated",
                    ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache"))
    shutil.copytree(REPO / "schemas", root / "schemas")

    proc = _cli(root, "generate", "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    changes = {(c["path"], c["kind"]) for c in result["changes"]}
    assert ("generated/python/gateway_models/models.py", "added") in changes
    # The package generated under the old name is removed, not left to shadow.
    assert ("generated/python/nemoctl_models/models.py", "deleted") in changes
    assert not (root / "generated/python/nemoctl_models").exists()
    # Sacred BigInt fields whose TypeScript type changed are named.
    assert any("LiteLLM_DailyTeamSpend.prompt_tokens (BigInt)" in n and "`string`" in n
               for n in result["notes"]), result["notes"]

    ts = (root / "generated/typescript/index.d.ts").read_text()
    assert "export type PrismaBigInt = string;" in ts
    database = (root / "generated/typescript/database.d.ts").read_text()
    daily = database.split('"LiteLLM_DailyTeamSpend": {', 1)[1].split("Insert:", 1)[0]
    assert '"prompt_tokens": string\n' in daily
    lock = json.loads((root / "schemas/lock.json").read_text())
    assert lock["options"]["python-package"] == "gateway_models"

    code = (
        "import gateway_models as g\n"
        "u = g.LiteLLM_SpendLogsUpdate(spend=1.5)\n"
        "assert u.model_dump(exclude_unset=True) == {'spend': 1.5}\n"
        "print(g.__name__, len(g.MODELS))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(root / "generated" / "python")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=root, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[0] == "gateway_models"

    again = _cli(root, "generate", "--check")
    assert again.returncode == 0 and "no-op" in again.stdout, again.stdout + again.stderr
