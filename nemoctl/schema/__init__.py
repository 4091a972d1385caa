"""The schema model and the official Prisma parser that fills it."""

from nemoctl.schema.model import (
    SCALAR_TYPES,
    Default,
    Enum,
    EnumValue,
    Field,
    Index,
    Model,
    Relation,
    Schema,
)
from nemoctl.schema.parser import parse_file, parse_many, parse_text, sha256_text

__all__ = [
    "SCALAR_TYPES",
    "Default",
    "Enum",
    "EnumValue",
    "Field",
    "Index",
    "Model",
    "Relation",
    "Schema",
    "parse_file",
    "parse_many",
    "parse_text",
    "sha256_text",
]
