"""Fixed parts of the generated Python package (no schema text ever enters them)."""

from __future__ import annotations

TYPES_MODULE = '''\
{header}
"""Scalar types of the generated models that pydantic does not ship as-is."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema


def _to_bytes(value: Any) -> Any:
    # Rows from a database driver carry bytes; JSON carries base64 text (as Prisma's
    # own JSON protocol does).  Both mean the same column value.
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("Bytes value is not valid base64") from exc
    return value


#: Prisma ``Bytes``: ``bytes`` in Python, base64 text in JSON.
PrismaBytes = Annotated[
    bytes,
    BeforeValidator(_to_bytes),
    PlainSerializer(
        lambda b: base64.b64encode(b).decode("ascii"), return_type=str, when_used="json"
    ),
    WithJsonSchema({{"type": "string", "contentEncoding": "base64"}}),
]

__all__ = ["PrismaBytes"]
'''

INIT_MODULE = '''\
{header}
"""Typed rows, create and update shapes of {upstream} {version}'s database schema.

    from {package} import LiteLLM_SpendLogs, LiteLLM_SpendLogsInput, LiteLLM_SpendLogsUpdate

``<Model>`` is a row (what a SELECT returns); ``<Model>Input`` is the create shape,
where columns with a database default may be left out; ``<Model>Update`` is the
update shape, where every column may be left out (send
``update.model_dump(exclude_unset=True)``).  Keys are Prisma field
names; ``COLUMNS`` maps them to database column names where ``@map`` differs.
"""

from __future__ import annotations

from {package}._types import PrismaBytes
from {package}.models import (
{imports}
)

UPSTREAM = {upstream!r}
UPSTREAM_VERSION = {version!r}
SCHEMA_SHA256 = {schema_sha256!r}

#: Model name -> (row model, create-shape model).
MODELS = {{
{models}
}}

#: Model name -> database table name.
TABLES = {{
{tables}
}}

#: Model name -> {{field name: column name}} for fields whose column is named differently.
COLUMNS: dict[str, dict[str, str]] = {{
{columns}
}}

__all__ = [
    "COLUMNS",
    "MODELS",
    "SCHEMA_SHA256",
    "TABLES",
    "UPSTREAM",
    "UPSTREAM_VERSION",
    "PrismaBytes",
{all_names}
]
'''
