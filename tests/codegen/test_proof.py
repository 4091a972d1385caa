"""Generated code is proven, not assumed: the issue-15 examples, and the proof itself.

Before this, an enum used in a default that sorts after its model rendered a
``models.py`` that raised ``NameError`` at import while ``generate`` exited 0;
``user``, ``spend_logs`` and a field ``hasOwnProperty`` exited 70; models named
like the package constants were shadowed and listed twice in ``__all__``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from nemoctl.codegen import GeneratedCodeError, render_outputs
from nemoctl.codegen.lock import Lock, current_generators, sha256_bytes
from nemoctl.codegen.proof import prove
from nemoctl.errors import BadInputError, ExitCode
from tests.codegen.conftest import HEAD

pytestmark = pytest.mark.usefixtures("no_remembered_proofs")

ISSUE_EXAMPLES = HEAD + """
model LiteLLM_Foo {
  id   String   @id
  role UserRole @default(ADMIN)
  tags UserRole[] @default([USER])
}

enum UserRole {
  ADMIN
  USER
}

model user {
  id             String @id
  hasOwnProperty String
  constructor    Int?
  toString       String?
}

model spend_logs {
  request_id String @id
  spend      Float  @default(0)
}

model self {
  id      String   @id
  default DateTime
}
"""

PKG = "generated/python/nemoctl_models"


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    # prove=True (the default): rendering itself imports and type-checks the result.
    return render_outputs(ISSUE_EXAMPLES, upstream_version="0.0.1", wheel_sha256=None)


def test_issue_examples_render_with_their_exact_names(outputs: dict[str, bytes]) -> None:
    tree = ast.parse(outputs[f"{PKG}/models.py"])
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes.index("UserRole") < classes.index("LiteLLM_Foo")  # enum before its user
    for name in ("user", "userInput", "userUpdate", "spend_logs", "spend_logsInput"):
        assert name in classes
    ts = outputs["generated/typescript/index.d.ts"].decode()
    assert "export interface user {" in ts and "export interface spend_logs {" in ts
    assert "  hasOwnProperty: string\n" in ts and "  constructor: (number | null)\n" in ts
    assert "NemoctlType" not in ts and "nemoctlProp" not in ts  # every placeholder restored
    # A column named like a JSON Schema keyword is a column (found by test_property.py).
    assert "export interface self {\n  id: string\n  default: PrismaDateTime\n}" in ts
    database = outputs["generated/typescript/database.d.ts"].decode()
    assert '"hasOwnProperty": string' in database and '"spend_logs": {' in database


def test_the_rendered_package_imports_in_a_fresh_interpreter(
    outputs: dict[str, bytes], tmp_path: Path
) -> None:
    for rel, data in outputs.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    code = (
        "import nemoctl_models as m\n"
        "assert m.LiteLLM_FooInput(id='x').role is m.UserRole.ADMIN\n"
        "assert m.user(id='1', hasOwnProperty='h', constructor=None, toString=None)"
        ".hasOwnProperty == 'h'\n"
        "assert m.spend_logsUpdate().model_dump(exclude_unset=True) == {}\n"
        "assert len(m.__all__) == len(set(m.__all__))\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(tmp_path / "generated" / "python"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_package_constants_are_refused_with_exit_2_and_the_names() -> None:
    names = ("MODELS", "TABLES", "COLUMNS", "UPSTREAM", "UPSTREAM_VERSION", "SCHEMA_SHA256")
    schema = HEAD + "".join(f"model {n} {{\n  id String @id\n}}\n" for n in names)
    with pytest.raises(BadInputError) as info:
        render_outputs(schema, upstream_version="0.0.1", wheel_sha256=None)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    for name in names:
        assert f"model {name!r} would collide with the generated package's constant" in (
            info.value.message
        )


def test_the_proof_catches_python_that_does_not_import(outputs: dict[str, bytes]) -> None:
    broken = dict(outputs)
    models = broken[f"{PKG}/models.py"].decode()
    # What the generator's own order produced before: the model before its enum.
    tree = ast.parse(models)
    enum = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "UserRole")
    lines = models.split("\n")
    block = "\n".join(lines[enum.lineno - 1 : enum.end_lineno])
    broken[f"{PKG}/models.py"] = (models.replace(block + "\n", "") + "\n\n" + block + "\n").encode()
    with pytest.raises(GeneratedCodeError, match="does not import") as info:
        prove(broken, python_package="nemoctl_models")
    assert "NameError" in info.value.message and "UserRole" in info.value.message


def test_the_proof_catches_typescript_that_does_not_compile(outputs: dict[str, bytes]) -> None:
    broken = dict(outputs)
    ts = broken["generated/typescript/index.d.ts"].decode()
    broken["generated/typescript/index.d.ts"] = ts.replace(
        "role: UserRole", "role: UserRoles", 1
    ).encode()
    with pytest.raises(GeneratedCodeError, match="does not compile") as info:
        prove(broken, python_package="nemoctl_models")
    assert "UserRoles" in info.value.message


def test_generate_refuses_an_unfaithful_schema_with_exit_2_and_writes_nothing(
    tmp_path: Path,
) -> None:
    """End to end in a consumer project whose committed snapshot nemoctl cannot render."""
    root = tmp_path / "consumer"
    (root / "schemas").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["litellm==1.102.4"]\n'
    )
    text = HEAD + "model MODELS {\n  id String @id\n}\n"
    (root / "schemas" / "schema.prisma").write_text(text)
    lock = Lock(upstream="litellm", package="litellm", version="1.102.4", wheel_sha256=None,
                schema_sha256=sha256_bytes(text.encode()), generators=current_generators())
    (root / "schemas" / "lock.json").write_bytes(lock.dumps())
    def tree() -> list[str]:
        # .nemoctl/ holds the repository lock generate takes; it is not an output.
        return sorted(
            p.relative_to(root).as_posix() for p in root.rglob("*") if ".nemoctl" not in p.parts
        )

    before = tree()
    proc = subprocess.run(
        [sys.executable, "-c", "from nemoctl.cli import main; main()", "generate"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "model 'MODELS' would collide" in proc.stdout + proc.stderr
    assert "bug" not in (proc.stdout + proc.stderr).lower()
    assert tree() == before


def test_a_successful_proof_is_remembered_by_its_exact_bytes(outputs: dict[str, bytes]) -> None:
    from nemoctl.codegen import proof

    remembered = proof.cache_dir() / "codegen-proofs"
    assert (remembered / proof.proof_key(outputs, "nemoctl_models")).is_file()
    changed = {**outputs, f"{PKG}/py.typed": b"# changed\n"}
    assert not (remembered / proof.proof_key(changed, "nemoctl_models")).exists()


def test_a_cached_render_is_used_only_when_complete_and_consistent(
    outputs: dict[str, bytes],
) -> None:
    """`check` reads renders back from its cache: a truncated or edited one is not trusted."""
    from nemoctl.codegen.render import verify_rendered
    from nemoctl.config.codegen import CodegenOptions

    assert verify_rendered(outputs)
    truncated = {k: v for k, v in outputs.items() if not k.endswith("database.d.ts")}
    assert not verify_rendered(truncated)
    edited = {**outputs, f"{PKG}/models.py": outputs[f"{PKG}/models.py"] + b"\nx = 1\n"}
    assert not verify_rendered(edited)
    assert not verify_rendered(outputs, CodegenOptions(bigint="string"))
