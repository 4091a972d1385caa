"""Moved to :mod:`nemoctl.config.codegen` (the configuration layer declares every table);
kept so imports written against the old path work."""

from nemoctl.config.codegen import (
    BIGINT_MAPPINGS,
    DEFAULT_OPTIONS,
    DEFAULT_PYTHON_PACKAGE,
    DEFAULT_SUPABASE_SCHEMA,
    BigIntMapping,
    CodegenOptions,
    GenerateTable,
    python_package_problem,
)

__all__ = ["BIGINT_MAPPINGS", "DEFAULT_OPTIONS", "DEFAULT_PYTHON_PACKAGE",
           "DEFAULT_SUPABASE_SCHEMA", "BigIntMapping", "CodegenOptions", "GenerateTable",
           "python_package_problem"]
