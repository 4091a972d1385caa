"""Read a live database's tables, columns and enum types from the catalog.

Only ``information_schema`` and ``pg_catalog`` are read, with a read-only
transaction: verifying a database never writes to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

#: pg_catalog rather than information_schema: the latter hides tables the user has
#: no privilege on (a false "missing table") and is several times slower.
_COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.atttypmod,
       NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
ORDER BY c.relname, a.attnum
"""

_TABLES_SQL = """
SELECT c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

_NAMESPACE_SQL = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s"

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
    #: PostgreSQL's own spelling (``format_type``): ``timestamp(3) without time zone``,
    #: ``text[]``, ``numeric(65,30)``, an enum's name.
    sql_type: str
    #: The type's name in ``pg_type``: ``text``, ``int8``, ``_text`` (an array), an enum's name.
    udt_name: str
    nullable: bool
    datetime_precision: int | None = None
    numeric_precision: int | None = None
    numeric_scale: int | None = None
    default: str | None = None

    @property
    def display_type(self) -> str:
        return self.sql_type.replace('"', "")

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
    from nemoctl.db._url import DatabaseError

    columns: dict[str, list[LiveColumn]] = {}
    enums: dict[str, list[str]] = {}
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET TRANSACTION READ ONLY")
        cur.execute(_NAMESPACE_SQL, (namespace,))
        if cur.fetchone() is None:
            raise DatabaseError(
                f"the database has no schema {namespace!r}",
                hint="check ?schema= in the database URL (Prisma's default is public)",
            )
        cur.execute(_TABLES_SQL, (namespace,))
        for (table,) in cur.fetchall():
            columns[table] = []
        cur.execute(_COLUMNS_SQL, (namespace,))
        for table, name, sql_type, udt, typmod, nullable, default in cur.fetchall():
            columns.setdefault(table, []).append(
                LiveColumn(
                    name=name,
                    sql_type=sql_type,
                    udt_name=udt,
                    nullable=bool(nullable),
                    default=default,
                    **_precision(udt, typmod),
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


def _precision(udt: str, typmod: int) -> dict[str, int | None]:
    """Decode ``atttypmod`` the way PostgreSQL's ``format_type`` does."""
    base = udt.removeprefix("_")
    if base in ("timestamp", "timestamptz", "time", "timetz"):
        return {"datetime_precision": typmod if typmod >= 0 else 6}
    if base == "numeric" and typmod >= 4:
        packed = typmod - 4
        return {"numeric_precision": (packed >> 16) & 0xFFFF, "numeric_scale": packed & 0xFFFF}
    return {}
