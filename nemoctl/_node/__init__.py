"""The pinned node tools, installed on demand from ``package-lock.json``.

nemoctl runs three node packages: the official Prisma schema parser (the same wasm
prisma-client-py 0.15.0's CLI uses), ``json-schema-to-typescript`` and ``tsc``; a
fourth, ``@supabase/supabase-js``, is never run: its type declarations are what the
generated ``Database`` type is compiled against (tests, and a frontend's own check).
They are installed with ``npm ci`` (integrity hashes from the lock, no install
scripts) into ``<cache>/node/<sha256 of the lock>/`` the first time they are needed,
then reused.  A half-finished install is never used: it is built in a temporary
directory and renamed into place only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from nemoctl import _proc
from nemoctl._filelock import FileLock
from nemoctl.errors import ToolchainError
from nemoctl.paths import cache_dir

_HERE = Path(__file__).parent
_MANIFESTS = ("package.json", "package-lock.json")


def lock_digest() -> str:
    h = hashlib.sha256()
    for name in _MANIFESTS:
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()[:16]


def node_modules() -> Path:
    """The installed ``node_modules`` directory, installing it first if needed."""
    root = cache_dir() / "node" / lock_digest()
    modules = root / "node_modules"
    if (root / ".complete").is_file():
        return modules
    root.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(root.parent / f"{root.name}.lock"):
        if (root / ".complete").is_file():
            return modules
        npm = shutil.which("npm")
        if npm is None:
            raise ToolchainError("npm is not on PATH; nemoctl needs Node.js >= 18 with npm")
        staging = Path(tempfile.mkdtemp(prefix=f"{root.name}.", dir=root.parent))
        try:
            for name in _MANIFESTS:
                shutil.copyfile(_HERE / name, staging / name)
            proc = _proc.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=staging,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise ToolchainError(
                    "installing the pinned node tools failed (npm ci):\n"
                    + (proc.stderr.strip() or proc.stdout.strip())[-2000:]
                )
            (staging / ".complete").write_text("ok\n")
            if root.exists():
                shutil.rmtree(root)
            os.replace(staging, root)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return modules


def run_script(script: str, payload: Any, *, timeout: float = 120) -> Any:
    """Run one of this package's ``.js`` scripts with JSON on stdin; return its JSON."""
    node = shutil.which("node")
    if node is None:
        raise ToolchainError("node is not on PATH; nemoctl needs Node.js >= 18")
    modules = node_modules()
    env = {**os.environ, "NODE_PATH": str(modules)}
    try:
        proc = _proc.run(
            [node, str(_HERE / script)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"node {script} did not finish within {timeout:.0f} s") from None
    if proc.returncode != 0:
        raise ToolchainError(f"node {script} failed:\n{proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout)


def bin_path(name: str) -> Path:
    """Path to an installed tool's executable (``tsc``)."""
    return node_modules() / ".bin" / name
