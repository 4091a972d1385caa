"""Typed Python models and TypeScript declarations from the pinned schema.

    outputs = render_outputs(text, upstream_version="1.102.4", wheel_sha256=sha)  # pure
    result = generate(load_config(), check=True)                                  # compare

One schema in, one JSON Schema (2020-12) as the contract, pydantic v2 models
(datamodel-code-generator) and TypeScript declarations (json-schema-to-typescript)
out, byte-identical on every run.  See ``docs/generate.md`` and
``docs/type-mapping.md``.
"""

from nemoctl.codegen.generate import (
    FileChange,
    GenerateResult,
    compare_outputs,
    generate,
    output_path,
    write_outputs,
)
from nemoctl.codegen.lock import CODEGEN_FORMAT, Lock, read_lock
from nemoctl.codegen.python import GeneratedCodeError
from nemoctl.codegen.render import render_outputs

__all__ = [
    "CODEGEN_FORMAT",
    "FileChange",
    "GenerateResult",
    "GeneratedCodeError",
    "Lock",
    "compare_outputs",
    "generate",
    "output_path",
    "read_lock",
    "render_outputs",
    "write_outputs",
]
