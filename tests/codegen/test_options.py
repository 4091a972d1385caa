"""``[tool.nemoctl.generate]``: validated up front, and honoured end to end in a consumer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.codegen.lock import Lock, current_generators, sha256_bytes
from nemoctl.config import load_config
from nemoctl.config.codegen import CodegenOptions
from nemoctl.errors import ConfigError
from tests.codegen.conftest import HEAD, REPO

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


def _block(text: str, model: str) -> str:
    start = text.index(f"model {model} {{")
    return text[start : text.index("\n}\n", start) + 3]


SACRED = """\
[[field]]
model = "LiteLLM_DailyTeamSpend"
field = "prompt_tokens"
type = "BigInt"
owner = "dashboards"
reason = "daily input tokens per team"

[[field]]
model = "LiteLLM_DailyTeamSpend"
field = "spend"
type = "Float"
owner = "billing"
reason = "daily spend per team"
"""


def test_consumer_with_its_own_package_name_and_exact_bigint(tmp_path: Path) -> None:
    """A consumer renames the package and types BigInt as string; everything follows.

    The consumer's committed snapshot is two real LiteLLM 1.102.4 models (the daily
    spend tables, whose token counters are BigInt), so the run stays small.
    """
    root = tmp_path / "gateway"
    (root / "schemas").mkdir(parents=True)
    real = (REPO / "schemas" / "schema.prisma").read_text()
    text = HEAD + _block(real, "LiteLLM_DailyTeamSpend") + "\n" + _block(
        real, "LiteLLM_DailyOrganizationSpend")
    (root / "schemas" / "schema.prisma").write_text(text)
    (root / "schemas" / "sacred_fields.toml").write_text(SACRED)
    lock = Lock(upstream="litellm", package="litellm", version="1.102.4", wheel_sha256=None,
                schema_sha256=sha256_bytes(text.encode()), generators=current_generators())
    (root / "schemas" / "lock.json").write_bytes(lock.dumps())
    (root / "pyproject.toml").write_text(PYPROJECT.format(table=""))
    first = _cli(root, "generate")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (root / "generated/python/nemoctl_models/models.py").is_file()

    (root / "pyproject.toml").write_text(PYPROJECT.format(
        table='python-package = "gateway_models"\nbigint = "string"'
    ))
    proc = _cli(root, "generate", "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    changes = {(c["path"], c["kind"]) for c in result["changes"]}
    assert ("generated/python/gateway_models/models.py", "added") in changes
    # The package generated under the old name is removed, not left to shadow.
    assert ("generated/python/nemoctl_models/models.py", "deleted") in changes
    assert not (root / "generated/python/nemoctl_models").exists()
    # The sacred BigInt field whose TypeScript type changed is named; the Float is not.
    assert len(result["notes"]) == 1, result["notes"]
    assert "sacred field LiteLLM_DailyTeamSpend.prompt_tokens (BigInt) is `string`" in (
        result["notes"][0])

    ts = (root / "generated/typescript/index.d.ts").read_text()
    assert "export type PrismaBigInt = string;" in ts
    database = (root / "generated/typescript/database.d.ts").read_text()
    daily = database.split('"LiteLLM_DailyTeamSpend": {', 1)[1].split("Insert:", 1)[0]
    assert '"prompt_tokens": string\n' in daily and '"spend": number\n' in daily
    lock_after = json.loads((root / "schemas/lock.json").read_text())
    assert lock_after["options"]["python-package"] == "gateway_models"

    code = (
        "import gateway_models as g\n"
        "u = g.LiteLLM_DailyTeamSpendUpdate(spend=1.5)\n"
        "assert u.model_dump(exclude_unset=True) == {'spend': 1.5}\n"
        "print(g.__name__, len(g.MODELS))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(root / "generated" / "python")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=root, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["gateway_models", "2"]

    again = _cli(root, "generate", "--check")
    assert again.returncode == 0 and "no-op" in again.stdout, again.stdout + again.stderr
