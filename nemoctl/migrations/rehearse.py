"""Rehearse an upgrade's migrations on a throwaway database holding seeded data.

1. create a database on the server (``CREATE DATABASE``: the role needs CREATEDB),
   always dropped afterwards, as ``db verify --migrations`` does;
2. apply the old release's migrations, then seed every table with deterministic
   rows (:mod:`.seed`; sacred fields included);
3. apply each pending migration, reading the locks it holds from ``pg_locks``:
   inside its own transaction (exact: locks are held until commit), or, for a
   ``CONCURRENTLY`` migration that cannot run in a transaction, by polling from a
   second connection;
4. read every seeded row back (following the renames the migrations make) and
   report rows, columns or values that did not survive, and compare the result
   with the new release's schema (``db verify``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from nemoctl.db import DatabaseError, DatabaseUrl, connect, describe_error
from nemoctl.db.migrations import MigrationSet, apply_migrations, throwaway_database
from nemoctl.db.verify import SacredKey
from nemoctl.diff.report import Severity
from nemoctl.migrations.locks import LockMode, from_pg_locks, rank
from nemoctl.migrations.report import (
    Finding,
    MigrationReport,
    PlannedMigration,
    Rehearsal,
    RehearsedMigration,
)
from nemoctl.migrations.rules import make_finding, resolve_severities
from nemoctl.migrations.seed import SeedResult, seed, snapshot
from nemoctl.schema.model import Schema

_PRIVILEGE = ("SELECT rolcreatedb OR rolsuper, current_user FROM pg_catalog.pg_roles "
              "WHERE rolname = current_user")
_OWN_LOCKS = """
SELECT l.mode, c.relname FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_class c ON c.oid = l.relation
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = {pid} AND l.locktype = 'relation' AND l.granted AND n.nspname = %s
  AND c.relkind IN ('r', 'p')
"""

DbName = tuple[str, str]


@dataclass(frozen=True, slots=True)
class RehearseOptions:
    rows: int = 20
    table_rows: Mapping[str, int] | None = None
    rules: Mapping[str, str] | None = None
    #: Sacred fields as (table, column) database names (of the old release).
    sacred: frozenset[DbName] = frozenset()
    #: The new release's schema: the rehearsed database is verified against it.
    schema: Schema | None = None
    schema_source: str = ""
    sacred_keys: Collection[SacredKey] = ()


def check_createdb(server: DatabaseUrl) -> None:
    """Fail early, and say so, when the role cannot create the throwaway database."""
    with connect(server, read_only=True) as conn:
        row = conn.execute(_PRIVILEGE).fetchone()
    if row is None or not row[0]:
        user = row[1] if row else "this role"
        raise DatabaseError(
            f"--rehearse needs the CREATEDB privilege: role {user!r} on {server.redacted} "
            "can neither create databases nor is superuser",
            hint=f"ALTER ROLE \"{user}\" CREATEDB; or rehearse on a server where it can "
            "(--server URL)",
        )


def rehearse(server: DatabaseUrl, old: MigrationSet, report: MigrationReport,
             new: MigrationSet, options: RehearseOptions) -> MigrationReport:
    """Return ``report`` with the rehearsal and its findings added."""
    check_createdb(server)
    severities = resolve_severities(dict(options.rules or {}))
    sources = {m.name: m.sql for m in new.migrations}
    findings: list[Finding] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    base = applied_base(old, new, report)
    with throwaway_database(server) as url:
        with connect(url) as conn:
            apply_migrations(conn, base)
            timings["old_migrations_s"] = time.perf_counter() - started
            mark = time.perf_counter()
            seeded = seed(conn, url.schema, rows=options.rows,
                          table_rows=options.table_rows or {})
            before = {t: snapshot(conn, url.schema, t, _data_columns(seeded, t),
                                  seeded.specs[t].key) for t in seeded.rows}
            timings["seed_s"] = time.perf_counter() - mark
            mark = time.perf_counter()
            ran: list[RehearsedMigration] = []
            for planned in report.pending:
                result, error = _apply_one(conn, url, planned, sources[planned.name])
                ran.append(result)
                if error is not None:
                    findings.append(make_finding(
                        "REHEARSAL_MIGRATION_FAILED", severities, planned.name, 0,
                        f"{planned.name} failed on the seeded database: {error}",
                        detail=error))
                    break
            timings["new_migrations_s"] = time.perf_counter() - mark
            mark = time.perf_counter()
            checked, data_findings = _compare(conn, url.schema, seeded, before, report,
                                              severities, options.sacred)
            findings.extend(data_findings)
            schema_findings = 0
            if options.schema is not None:
                schema_findings = _verify(conn, url, options, severities, findings)
            timings["verify_s"] = time.perf_counter() - mark
        database = f"throwaway {url.database} on {server.redacted}"
    for table, why in sorted(seeded.skipped.items()):
        findings.append(make_finding("REHEARSAL_SEED_SKIPPED", severities, "", 0,
                                     f"{table} not seeded: {why}", table=table))
    rehearsal = Rehearsal(
        database=database,
        seeded_tables=len(seeded.rows),
        seeded_rows=sum(seeded.rows.values()),
        migrations=tuple(ran),
        sacred_values_checked=checked,
        schema_findings=schema_findings,
        skipped_tables=tuple(sorted(seeded.skipped)),
        seconds=timings,
    )
    from nemoctl.migrations.plan import order_findings

    return replace(report, rehearsal=rehearsal,
                   findings=order_findings([*report.findings, *findings]))


def applied_base(old: MigrationSet, new: MigrationSet, report: MigrationReport) -> MigrationSet:
    """What the database has before the upgrade: the live history's applied migrations
    when the plan was made against a database, else the old release's; the old file's
    content where it has one (that is what was applied)."""
    pending = {m.name for m in report.pending}
    content = {**{m.name: m for m in new.migrations}, **{m.name: m for m in old.migrations}}
    if report.live is not None and report.live.has_history:
        names = set(report.live.applied)
    else:
        names = {m.name for m in old.migrations} | (set(content) - pending)
    names -= pending
    chosen = tuple(content[n] for n in sorted(names) if n in content)
    return MigrationSet(f"{old.origin} (as applied)", chosen, old.extras_version)


def _data_columns(seeded: SeedResult, table: str) -> tuple[str, ...]:
    spec = seeded.specs[table]
    return tuple(c.name for c in spec.columns if c.name not in spec.key)


def _apply_one(conn: object, url: DatabaseUrl, planned: PlannedMigration,
               sql: str) -> tuple[RehearsedMigration, str | None]:
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    own_transaction = any("concurrent" in a.flags for s in planned.statements
                          for a in s.actions) or any(
        s.kind == "TransactionStmt" for s in planned.statements)
    locks: list[tuple[LockMode, str]] = []
    started = time.perf_counter()
    error: str | None = None
    if own_transaction:
        pid = conn.info.backend_pid
        stop, ready = threading.Event(), threading.Event()
        sampler = threading.Thread(target=_sample, args=(url, pid, stop, ready, locks),
                                   daemon=True)
        sampler.start()
        # Connecting takes longer than a small index build: start only once it watches.
        ready.wait(10)
        started = time.perf_counter()
        try:
            conn.execute(sql.encode("utf-8"))
        except psycopg.Error as exc:
            error = describe_error(exc, url)
        finally:
            stop.set()
            sampler.join()
        observed = "sampled"
    else:
        try:
            conn.execute(b"BEGIN")
            conn.execute(sql.encode("utf-8"))
            rows = conn.execute(_OWN_LOCKS.format(pid="pg_backend_pid()"),
                                (url.schema,)).fetchall()
            conn.execute(b"COMMIT")
            locks.extend(_modes(rows))
        except psycopg.Error as exc:
            error = describe_error(exc, url)
            conn.execute(b"ROLLBACK")
        observed = "exact"
    seconds = time.perf_counter() - started
    # A lock on a table this migration creates bothers nobody: report the others.
    created = {a.table for s in planned.statements for a in s.actions if a.op == "create_table"}
    locks = [(mode, table) for mode, table in locks if table not in created]
    strongest = max(locks, key=lambda item: (rank(item[0]), item[1]), default=None)
    return RehearsedMigration(planned.name, seconds, strongest[0] if strongest else None,
                              strongest[1] if strongest else None, observed), error


def _modes(rows: list[tuple[object, ...]]) -> list[tuple[LockMode, str]]:
    found = []
    for mode, table in rows:
        lock = from_pg_locks(str(mode))
        if lock is not None:
            found.append((lock, str(table)))
    return found


def _sample(url: DatabaseUrl, pid: int, stop: threading.Event, ready: threading.Event,
            into: list[tuple[LockMode, str]]) -> None:
    """Poll ``pg_locks`` for ``pid``'s table locks until ``stop``.

    A build CONCURRENTLY waits for every transaction holding an older snapshot before
    it finishes, so the watcher starts with a REPEATABLE READ snapshot of its own: the
    build cannot end before the watcher has seen its lock (then the snapshot goes).
    That makes the observation certain rather than a race with a fast build.
    """
    import psycopg

    query = _OWN_LOCKS.format(pid="%s")
    with connect(url, autocommit=False) as watcher:
        watcher.execute(b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        watcher.execute(b"SELECT 1")  # takes the snapshot
        ready.set()
        holding = True
        release_at = time.monotonic() + 5.0
        while True:
            try:
                found = _modes(watcher.execute(query, (pid, url.schema)).fetchall())
            except psycopg.Error:
                found = []
            into.extend(found)
            if holding and (found or time.monotonic() > release_at):
                watcher.commit()
                watcher.autocommit = True
                holding = False
            if stop.wait(0.005):
                break


def _renames(report: MigrationReport) -> tuple[dict[str, str], dict[DbName, str]]:
    """Old table → final table name; (final table, old column) → final column name."""
    tables: dict[str, str] = {}
    columns: dict[DbName, str] = {}
    for stmt in report.statements:
        if stmt.deferred:
            continue
        for a in stmt.actions:
            if a.op == "rename_table":
                for old, current in list(tables.items()):
                    if current == a.table:
                        tables[old] = a.new_name
                tables.setdefault(a.table, a.new_name)
            elif a.op == "rename_column":
                for key, current in list(columns.items()):
                    if key[0] == a.table and current == a.column:
                        columns[key] = a.new_name
                columns.setdefault((a.table, a.column), a.new_name)
    return tables, columns


def _culprit(report: MigrationReport, table: str, column: str = "") -> tuple[str, int]:
    """The first pending statement that removes or rewrites ``table``/``column``."""
    ops = {"drop_table", "drop_column", "delete", "truncate", "update", "alter_type"}
    for stmt in report.statements:
        for a in stmt.actions:
            if a.op in ops and a.table == table and (not column or a.column in ("", column)):
                return stmt.migration, stmt.line
    return "", 0


def _compare(conn: object, schema: str, seeded: SeedResult,
             before: dict[str, dict[tuple[str, ...], tuple[str | None, ...]]],
             report: MigrationReport, severities: dict[str, Severity],
             sacred: frozenset[DbName]) -> tuple[int, list[Finding]]:
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    from nemoctl.migrations.seed import read_specs

    after_specs = read_specs(conn, schema)
    table_map, column_map = _renames(report)
    findings: list[Finding] = []
    checked = 0
    for table, rows in sorted(before.items()):
        spec = seeded.specs[table]
        now = table_map.get(table, table)
        sacred_cols = {c for t, c in sacred if t == table}
        if now not in after_specs:
            migration, line = _culprit(report, table)
            findings.append(replace(make_finding(
                "REHEARSAL_TABLE_LOST", severities, migration, line,
                f"table {table} and its {len(rows)} seeded rows are gone", table=table),
                sacred=bool(sacred_cols)))
            continue
        present = {c.name for c in after_specs[now].columns}
        data_cols = _data_columns(seeded, table)
        mapped = {c: column_map.get((now, c), c) for c in (*spec.key, *data_cols)}
        lost = [c for c in data_cols if mapped[c] not in present]
        for c in lost:
            migration, line = _culprit(report, now, c)
            findings.append(replace(make_finding(
                "REHEARSAL_COLUMN_LOST", severities, migration, line,
                f"column {table}.{c} is gone with its {len(rows)} seeded values",
                table=table, column=c), sacred=c in sacred_cols))
        if any(mapped[k] not in present for k in spec.key):
            continue  # rows can no longer be matched; the lost key column is reported
        kept = tuple(c for c in data_cols if mapped[c] in present)
        after = snapshot(conn, schema, now, tuple(mapped[c] for c in kept),
                         tuple(mapped[k] for k in spec.key))
        missing = [k for k in rows if k not in after]
        if missing:
            migration, line = _culprit(report, now)
            findings.append(replace(make_finding(
                "REHEARSAL_ROWS_LOST", severities, migration, line,
                f"{len(missing)} of {len(rows)} seeded rows of {table} are gone",
                table=table), sacred=bool(sacred_cols)))
        index = {c: i for i, c in enumerate(data_cols)}
        for position, c in enumerate(kept):
            changed = sum(1 for k, values in rows.items() if k in after
                          and after[k][position] != values[index[c]])
            if c in sacred_cols:
                checked += sum(1 for k in rows if k in after)
            if changed:
                migration, line = _culprit(report, now, mapped[c])
                finding = make_finding(
                    "REHEARSAL_VALUES_CHANGED", severities, migration, line,
                    f"{changed} of {len(rows)} seeded values of {table}.{c} read back "
                    "differently", table=table, column=c)
                if c in sacred_cols:
                    finding = replace(finding, severity="ERR", sacred=True)
                findings.append(finding)
    return checked, findings


def _verify(conn: object, url: DatabaseUrl, options: RehearseOptions,
            severities: dict[str, Severity], findings: list[Finding]) -> int:
    from nemoctl.db.introspect import introspect
    from nemoctl.db.verify import verify

    assert options.schema is not None
    live = introspect(conn, url.schema)  # type: ignore[arg-type]
    db_report = verify(options.schema, live, target="the rehearsed database",
                       schema_source=options.schema_source, sacred=options.sacred_keys)
    count = 0
    for f in db_report.findings:
        if f.severity == "INFO":
            continue
        count += 1
        findings.append(make_finding(
            "REHEARSAL_SCHEMA_MISMATCH", severities, "", 0, f"{f.rule_id}: {f.message}",
            table=f.table, column=f.column or "", detail=f.rule_id))
    return count

