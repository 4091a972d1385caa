"""Read LiteLLM rows from PostgreSQL the way the Prisma client sees them.

Prisma stores ``DateTime`` in ``timestamp(3) without time zone`` columns and
treats the value as UTC; psycopg, left alone, returns a naive ``datetime``
(interpreted in nobody's time zone).  :func:`prepare_connection` makes the
session UTC and returns such values as UTC-aware, so rows validate against the
generated models exactly like Prisma's output does.  :func:`read_rows` selects a
model's columns under its *field* names (honouring ``@map``), as dicts with Json
already parsed and ``Bytes`` as base64 text (as Prisma's JSON protocol carries them).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from nemoctl.errors import BadInputError
from nemoctl.schema.model import Schema

if TYPE_CHECKING:
    import psycopg


def prepare_connection(conn: psycopg.Connection[Any]) -> None:
    """UTC session; ``timestamp`` values load as UTC-aware datetimes."""
    from psycopg.types.datetime import TimestampBinaryLoader, TimestampLoader

    class _UtcText(TimestampLoader):
        def load(self, data: Any) -> datetime:
            return super().load(data).replace(tzinfo=UTC)

    class _UtcBinary(TimestampBinaryLoader):
        def load(self, data: Any) -> datetime:
            return super().load(data).replace(tzinfo=UTC)

    conn.execute("SET TIME ZONE 'UTC'")
    conn.adapters.register_loader("timestamp", _UtcText)
    conn.adapters.register_loader("timestamp", _UtcBinary)


def read_rows(
    conn: psycopg.Connection[Any],
    schema: Schema,
    model_name: str,
    *,
    namespace: str = "public",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """A model's rows as ``{field name: value}`` dicts, in primary-key order."""
    from psycopg import sql
    from psycopg.rows import dict_row

    model = schema.model(model_name)
    if model is None:
        raise BadInputError(f"model {model_name!r} is not in the schema")
    columns = sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(sql.Identifier(f.column), sql.Identifier(f.name))
        for f in model.scalar_fields
    )
    order = [model.field(name) for name in model.primary_key]
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        columns, sql.Identifier(namespace), sql.Identifier(model.table)
    )
    if order and all(order):
        query += sql.SQL(" ORDER BY {}").format(
            sql.SQL(", ").join(sql.Identifier(f.column) for f in order if f is not None)
        )
    if limit is not None:
        query += sql.SQL(" LIMIT {}").format(sql.Literal(limit))
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query)
        rows = cur.fetchall()
    binary = [f.name for f in model.scalar_fields if f.type == "Bytes"]
    for row in rows:
        for name in binary:
            row[name] = _base64(row[name])
    return rows


def _base64(value: Any) -> Any:
    """``Bytes`` as Prisma's JSON protocol (and the generated models) carry them: base64."""
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list):
        return [_base64(v) for v in value]
    return value
