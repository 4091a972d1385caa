"""Typed Python models and TypeScript declarations from the pinned schema.

    outputs = render_outputs(text, upstream_version="1.102.4", wheel_sha256=sha)  # pure
    result = generate(load_config(), check=True)                                  # compare

One schema in, one JSON Schema (2020-12) as the contract, pydantic v2 models
(datamodel-code-generator), TypeScript declarations (json-schema-to-typescript) and a
supabase-js ``Database`` type out, byte-identical on every run, and proven (imported
and type-checked) before anything is written.  See ``docs/generate.md`` and
``docs/type-mapping.md``.

The names are loaded lazily: ``nemoctl.config`` imports ``nemoctl.codegen.options``,
which must not drag in the generators (or import ``nemoctl.config`` back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemoctl._lazy import exports

if TYPE_CHECKING:
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
    from nemoctl.codegen.render import cached_render_outputs, render_outputs
    from nemoctl.config.codegen import CodegenOptions

_WHERE = {
    "FileChange": "generate",
    "GenerateResult": "generate",
    "compare_outputs": "generate",
    "generate": "generate",
    "output_path": "generate",
    "write_outputs": "generate",
    "CODEGEN_FORMAT": "lock",
    "Lock": "lock",
    "read_lock": "lock",
    "CodegenOptions": "options",
    "GeneratedCodeError": "python",
    "render_outputs": "render",
    "cached_render_outputs": "render",
}

__all__ = [
    "CODEGEN_FORMAT",
    "CodegenOptions",
    "FileChange",
    "GenerateResult",
    "GeneratedCodeError",
    "Lock",
    "cached_render_outputs",
    "compare_outputs",
    "generate",
    "output_path",
    "read_lock",
    "render_outputs",
    "write_outputs",
]


__getattr__, __dir__ = exports(__name__, _WHERE, globals())
