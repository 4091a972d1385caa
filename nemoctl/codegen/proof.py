"""Proof that rendered code works: import the Python package and type-check the TypeScript.

The generators' output is checked structurally (``python.verify_models``, the node
side's declaration check), but only running it proves that it imports: an enum used
in a default before the enum is defined passes every structural check and then fails
with ``NameError``.  So before anything is written, the rendered files are placed in
a scratch directory, the package is imported in a fresh interpreter (every model
fully built by pydantic, ``__all__`` unique and resolvable) and, at the same time,
``tsc --noEmit --strict`` compiles the declarations.  Both run concurrently.

A failure here means nemoctl accepted a schema and then generated code that does not
work: a bug in nemoctl, reported with the first lines of the error.

A success is remembered in the cache under a key over the exact bytes proven, the
package name, the interpreter, pydantic and the pinned node tools: the same bytes
are not proven twice (``check`` right after ``generate``, an upgrade re-rendering
an unchanged schema).  Only successes are recorded, and a missing or unwritable
cache just means proving again.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from nemoctl import _node
from nemoctl.codegen.python import GeneratedCodeError
from nemoctl.paths import cache_dir

# Runs in the child: the scratch directory and the package name arrive as argv.
_IMPORT_CHECK = """\
import importlib, inspect, sys
sys.path.insert(0, sys.argv[1])
name = sys.argv[2]
pkg = importlib.import_module(name)
models = importlib.import_module(name + ".models")
from pydantic import BaseModel
names = list(pkg.__all__)
dupes = sorted({n for n in names if names.count(n) > 1})
if dupes:
    sys.exit(f"__all__ lists names twice: {dupes}")
for n in names:
    getattr(pkg, n)
built = 0
for obj in vars(models).values():
    if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == models.__name__:
        if not obj.__pydantic_complete__:
            obj.model_rebuild(raise_errors=True)
        built += 1
print(built)
"""


def proof_key(outputs: dict[str, bytes], python_package: str) -> str:
    h = hashlib.sha256()
    for part in (python_package, sys.version, version("pydantic"), _node.lock_digest()):
        h.update(part.encode("utf-8") + b"\0")
    h.update(Path(__file__).read_bytes() + b"\0")  # how the proof is done is part of it
    for rel in sorted(outputs):
        if rel.startswith("generated/"):
            h.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(outputs[rel]).digest())
    return h.hexdigest()


def prove(outputs: dict[str, bytes], *, python_package: str, timeout: float = 120) -> None:
    """Raise :class:`GeneratedCodeError` unless the rendered package imports and the TS compiles."""
    marker = cache_dir() / "codegen-proofs" / proof_key(outputs, python_package)
    if marker.is_file():
        return
    _prove(outputs, python_package=python_package, timeout=timeout)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("proven\n")
    except OSError:
        pass  # an unwritable cache only costs the next run a proof


def _prove(outputs: dict[str, bytes], *, python_package: str, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="nemoctl-proof-") as scratch:
        root = Path(scratch)
        declarations: list[Path] = []
        for rel, data in outputs.items():
            if not rel.startswith("generated/"):
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            if rel.endswith(".d.ts"):
                declarations.append(path)
        tsc = str(_node.bin_path("tsc"))
        # -I: neither the user's site directory nor PYTHONPATH may supply the package.
        python = subprocess.Popen(
            [sys.executable, "-I", "-c", _IMPORT_CHECK, str(root / "generated" / "python"),
             python_package],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
        )
        typescript = subprocess.Popen(
            # es5's lib has every global the declarations use and loads in a quarter
            # of the time of es2020's.
            [tsc, "--noEmit", "--strict", "--target", "es2020", "--lib", "es5",
             "--module", "commonjs", *map(str, sorted(declarations))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
        )
        try:
            py_out, py_err = python.communicate(timeout=timeout)
            ts_out, ts_err = typescript.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            python.kill()
            typescript.kill()
            python.communicate()
            typescript.communicate()
            raise GeneratedCodeError(
                f"proving the generated code took longer than {timeout:.0f} s"
            ) from None
        if python.returncode != 0:
            raise GeneratedCodeError(
                f"the generated Python package {python_package!r} does not import: "
                + _tail(py_err or py_out, scratch)
            )
        if typescript.returncode != 0:
            raise GeneratedCodeError(
                "the generated TypeScript does not compile (tsc --strict): "
                + _tail(ts_out or ts_err, scratch)
            )


def _tail(text: str, scratch: str) -> str:
    lines = [line.replace(scratch + "/", "") for line in text.strip().splitlines()]
    return "\n".join(lines[-8:]) or "(no output)"
