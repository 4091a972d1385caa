"""Read a live database's tables, columns and enum types from the catalog.

Only ``information_schema`` and ``pg_catalog`` are read, with a read-only
transaction: verifying a database never writes to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

_COLUMNS_SQL = """
SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable,
       c.datetime_precision, c.numeric_precision, c.numeric_scale, c.column_default
FROM information_schema.columns c
JOIN information_schema.tables t
  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE'
ORDER BY c.table_name, c.ordinal_position
"""

_TABLES_SQL = """
SELECT table_name FROM information_schema.tables
WHERE table_schema = %s AND table_type = 'BASE TABLE'
ORDER BY table_name
"""

_ENUMS_SQL = """
SELECT t.typname, e.enumlabel
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %s
ORDER BY t.typname, e.enumsortorder
"""


@dataclass(frozen=True, slots=True)
class LiveColumn:
    name: str
    #: ``information_schema`` spelling: ``text``, ``timestamp without time zone``, ``ARRAY``...
    data_type: str
    #: The underlying type name: ``text``, ``int8``, ``_text`` (an array), an enum's name.
    udt_name: str
    nullable: bool
    datetime_precision: int | None = None
    numeric_precision: int | None = None
    numeric_scale: int | None = None
    default: str | None = None

    @property
    def display_type(self) -> str:
        """A readable PostgreSQL type: ``timestamp(3) without time zone``, ``text[]``."""
        if self.data_type == "ARRAY":
            return f"{self.udt_name.removeprefix('_')}[]"
        if self.data_type == "USER-DEFINED":
            return self.udt_name
        if self.data_type.startswith("timestamp") and self.datetime_precision is not None:
            head, _, rest = self.data_type.partition(" ")
            return f"{head}({self.datetime_precision}) {rest}"
        if self.data_type == "numeric" and self.numeric_precision is not None:
            return f"numeric({self.numeric_precision},{self.numeric_scale or 0})"
        return self.data_type

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.display_type,
            "udt_name": self.udt_name,
            "nullable": self.nullable,
            "default": self.default,
        }


@dataclass(frozen=True, slots=True)
class LiveTable:
    name: str
    columns: tuple[LiveColumn, ...]

    def column(self, name: str) -> LiveColumn | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass(frozen=True, slots=True)
class LiveSchema:
    """What a PostgreSQL schema (namespace) holds, in name order."""

    namespace: str
    tables: tuple[LiveTable, ...]
    #: Enum type name → labels in sort order.
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def table(self, name: str) -> LiveTable | None:
        for t in self.tables:
            if t.name == name:
                return t
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "tables": {t.name: [c.to_dict() for c in t.columns] for t in self.tables},
            "enums": {k: list(v) for k, v in self.enums.items()},
        }


def introspect(conn: psycopg.Connection[Any], namespace: str = "public") -> LiveSchema:
    """Read tables, columns and enums of ``namespace`` in one read-only snapshot."""
    columns: dict[str, list[LiveColumn]] = {}
    enums: dict[str, list[str]] = {}
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET TRANSACTION READ ONLY")
        cur.execute(_TABLES_SQL, (namespace,))
        for (table,) in cur.fetchall():
            columns[table] = []
        cur.execute(_COLUMNS_SQL, (namespace,))
        for row in cur.fetchall():
            table, name, data_type, udt, is_nullable, dt_prec, num_prec, num_scale, default = row
            columns.setdefault(table, []).append(
                LiveColumn(
                    name=name,
                    data_type=data_type,
                    # An array's udt is its element's with a leading underscore: "_text".
                    udt_name=udt,
                    nullable=is_nullable == "YES",
                    datetime_precision=dt_prec,
                    numeric_precision=num_prec,
                    numeric_scale=num_scale,
                    default=default,
                )
            )
        cur.execute(_ENUMS_SQL, (namespace,))
        for typname, label in cur.fetchall():
            enums.setdefault(typname, []).append(label)
    return LiveSchema(
        namespace=namespace,
        tables=tuple(LiveTable(name, tuple(cols)) for name, cols in sorted(columns.items())),
        enums={k: tuple(v) for k, v in sorted(enums.items())},
    )
