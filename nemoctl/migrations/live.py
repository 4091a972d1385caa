"""Read a live database's migration history and table sizes (read-only session).

The pending set comes from the database's own ``_prisma_migrations`` table, as
Prisma Migrate computes it: a migration counts as applied when it finished and was
not rolled back; a row that neither finished nor was rolled back is a failed
migration (Prisma refuses to deploy over it).  Sizes come from the catalog:
``pg_class.reltuples`` (the planner's estimate, -1 before the first ANALYZE) and
``pg_total_relation_size`` (table + indexes + TOAST).
"""

from __future__ import annotations

from nemoctl.db import DatabaseUrl, connect
from nemoctl.migrations.report import LiveState, TableSize

_HISTORY_EXISTS = """
SELECT 1 FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relname = '_prisma_migrations' AND c.relkind IN ('r', 'p')
"""

_HISTORY = """
SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL
FROM {schema}."_prisma_migrations"
ORDER BY migration_name, started_at
"""

_SIZES = """
SELECT c.relname, c.reltuples::bigint, pg_catalog.pg_total_relation_size(c.oid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""


def read_live(url: DatabaseUrl, *, large_rows: int, large_bytes: int) -> LiveState:
    from psycopg import sql

    with connect(url, read_only=True) as conn:
        has_history = conn.execute(_HISTORY_EXISTS, (url.schema,)).fetchone() is not None
        applied: dict[str, str] = {}
        failed: set[str] = set()
        rolled_back: set[str] = set()
        if has_history:
            query = sql.SQL(_HISTORY).format(schema=sql.Identifier(url.schema))
            for name, checksum, finished, rolled in conn.execute(query).fetchall():
                name = str(name)
                if rolled:
                    rolled_back.add(name)
                elif finished:
                    applied[name] = str(checksum or "")
                else:
                    failed.add(name)
        sizes = tuple(
            TableSize(str(name), None if int(str(rows)) < 0 else int(str(rows)),
                      int(str(size)),
                      large=int(str(rows)) >= large_rows or int(str(size)) >= large_bytes)
            for name, rows, size in conn.execute(_SIZES, (url.schema,)).fetchall()
        )
    # A migration retried after a failure has both a failed and a finished row.
    failed -= set(applied)
    rolled_back -= set(applied)
    return LiveState(
        database=url.redacted,
        has_history=has_history,
        applied=tuple(sorted(applied)),
        failed=tuple(sorted(failed)),
        rolled_back=tuple(sorted(rolled_back)),
        sizes=sizes,
        checksums=tuple(sorted(applied.items())),
    )
