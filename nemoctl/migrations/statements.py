"""Parse one migration file with PostgreSQL's own parser and say what each statement does.

``pglast`` wraps libpg_query (the server's parser), so a statement is read exactly as
PostgreSQL reads it.  ``DO $$ … $$`` blocks and PL/pgSQL function bodies are parsed
too (``pglast.parse_plpgsql``); the SQL statements inside them come back as query
strings, which are parsed again.  Statements inside a DO block run during the
migration; statements inside a function body run later, whenever it is called (a
trigger), so they are marked ``deferred`` and take no lock at migration time.

Each statement becomes :class:`Statement` with one :class:`Action` per effect
(``ALTER TABLE t ADD COLUMN a, ALTER COLUMN b TYPE …`` is two actions), each with the
lock PostgreSQL documents for it (:mod:`nemoctl.migrations.locks`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from nemoctl.migrations.actions import NON_TABLE_OPS, QUIET_OPS, Action, actions_of
from nemoctl.migrations.locks import LockMode, strongest

Context = Literal["top", "do", "function"]

# Re-exported: Action is part of this module's public shape (Statement.actions).
__all__ = ["Action", "Context", "ParsedMigration", "Statement", "parse_migration"]


@dataclass(frozen=True, slots=True)
class Statement:
    migration: str
    #: 1-based line in the migration file where the statement starts.
    line: int
    context: Context
    #: ``ALTER TABLE``, ``CREATE INDEX``, ``DO``, ``SELECT``, ...
    kind: str
    #: The statement's text, whitespace collapsed.
    sql: str
    actions: tuple[Action, ...] = ()
    #: The parser's message when the statement (or file) could not be parsed.
    error: str | None = None

    @property
    def deferred(self) -> bool:
        """Runs when a function is called, not when the migration runs."""
        return self.context == "function"

    @property
    def tables(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for action in self.actions:
            if action.table and action.op not in NON_TABLE_OPS:
                seen.setdefault(action.table, None)
            if action.references:
                seen.setdefault(action.references, None)
        return tuple(seen)

    @property
    def summary(self) -> str:
        """What it does, in words: ``ADD COLUMN litellm_call_id text``."""
        return "; ".join(a.describe() for a in self.actions if a.op not in QUIET_OPS)

    @property
    def lock(self) -> LockMode | None:
        if self.deferred:
            return None
        return strongest([a.lock for a in self.actions if a.lock is not None])

    @property
    def rewrite(self) -> bool:
        return not self.deferred and any(a.rewrite for a in self.actions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "migration": self.migration,
            "line": self.line,
            "context": self.context,
            "kind": self.kind,
            "summary": self.summary,
            "sql": self.sql,
            "tables": list(self.tables),
            "lock": self.lock,
            "rewrite": self.rewrite,
            "deferred": self.deferred,
            "actions": [a.to_dict() for a in self.actions],
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class ParsedMigration:
    name: str
    statements: tuple[Statement, ...]
    #: The file's ``--`` and ``/* */`` comments, in order (they explain no-op migrations).
    comments: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.error is not None)

    @property
    def is_noop(self) -> bool:
        """Only ``SELECT <constant>``: the migration exists for its name alone."""
        top = [s for s in self.statements if s.context == "top"]
        return bool(top) and all(
            s.actions and all(a.op == "noop" for a in s.actions) for s in top
        )


@functools.lru_cache(maxsize=2048)
def parse_migration(name: str, text: str) -> ParsedMigration:
    """Every statement of one ``migration.sql``; a syntax error becomes a statement with
    ``error`` set (file and line), never an exception."""
    from pglast import parser

    lines = _LineIndex(text)
    if "\x00" in text:
        # libpg_query reads up to a NUL: statements after one would be invisible here
        # (and Postgres rejects the file), so the migration is unparsable, not empty.
        offset = text.index("\x00")
        return ParsedMigration(name, (Statement(
            name, lines.line(offset), "top", "unparsable",
            _snippet(text[max(offset - 40, 0):offset]),
            error="contains a NUL byte: not SQL text",
        ),), _comments(text))
    try:
        raw = parser.parse_sql(text)
    except parser.ParseError as exc:
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        return ParsedMigration(name, (Statement(
            name, lines.line(offset), "top", "unparsable", _snippet(text[offset:offset + 80]),
            error=str(exc.args[0]) if exc.args else str(exc),
        ),), _comments(text))
    statements: list[Statement] = []
    for item in raw:
        location, length = item.stmt_location or 0, item.stmt_len or 0
        start = _first_token(text, location, length)
        end = location + length if length else len(text)
        statements.extend(_analyse(name, item.stmt, text[start:end], start, lines, "top"))
    return ParsedMigration(name, tuple(statements), _comments(text))


class _LineIndex:
    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self._starts, max(offset, 0))


def _first_token(text: str, location: int, length: int) -> int:
    """Skip the comments and blank lines libpg_query counts into a statement."""
    from pglast import parser

    end = location + length if length else len(text)
    try:
        for token in parser.scan(text[location:end]):
            if token.name not in ("SQL_COMMENT", "C_COMMENT"):
                return location + token.start
    except parser.ParseError:
        pass
    return location


def _comments(text: str) -> tuple[str, ...]:
    from pglast import parser

    try:
        tokens = parser.scan(text)
    except parser.ParseError:
        return ()
    found = []
    for token in tokens:
        if token.name == "SQL_COMMENT":
            found.append(text[token.start:token.end + 1].lstrip("-").strip())
        elif token.name == "C_COMMENT":
            found.append(text[token.start:token.end + 1].strip("/*").strip())
    return tuple(c for c in found if c)


def _snippet(sql: str, limit: int = 240) -> str:
    collapsed = " ".join(sql.split())
    return collapsed if len(collapsed) <= limit else collapsed[: limit - 1] + "…"


def _analyse(migration: str, node: Any, sql: str, offset: int, lines: _LineIndex,
             context: Context) -> Iterator[Statement]:
    from pglast import ast

    kind = _KINDS.get(type(node).__name__, type(node).__name__)
    line = lines.line(offset)
    actions = tuple(actions_of(node))
    yield Statement(migration, line, context, kind, _snippet(sql), actions)
    body: str | None = None
    language = "plpgsql"
    if isinstance(node, ast.DoStmt):
        for arg in node.args or ():
            if arg.defname == "as":
                body = arg.arg.sval
            elif arg.defname == "language":
                language = arg.arg.sval
        inner: Context = "do"
    elif isinstance(node, ast.CreateFunctionStmt):
        for option in node.options or ():
            if option.defname == "as":
                values = option.arg if isinstance(option.arg, tuple) else (option.arg,)
                body = values[0].sval if values and hasattr(values[0], "sval") else None
            elif option.defname == "language":
                language = option.arg.sval
        inner = "function"
    if body is None:
        return
    body_at = sql.find(body)
    body_offset = offset + (body_at if body_at >= 0 else 0)
    if language.lower() == "plpgsql":
        # A function is parsed whole (its return type decides what RETURN may say);
        # a DO block is wrapped as a void function.
        whole = sql if inner == "function" else None
        yield from _plpgsql(migration, body, body_offset, lines, inner, whole)
    elif language.lower() == "sql":
        yield from _sql_body(migration, body, body_offset, lines, inner)


def _sql_body(migration: str, body: str, offset: int, lines: _LineIndex,
              context: Context) -> Iterator[Statement]:
    from pglast import parser

    try:
        raw = parser.parse_sql(body)
    except parser.ParseError as exc:
        yield Statement(migration, lines.line(offset), context, "unparsable", _snippet(body),
                        error=str(exc.args[0]) if exc.args else str(exc))
        return
    for item in raw:
        location, length = item.stmt_location or 0, item.stmt_len or 0
        start = _first_token(body, location, length)
        end = location + length if length else len(body)
        yield from _analyse(migration, item.stmt, body[start:end], offset + start, lines,
                            context)


def _plpgsql(migration: str, body: str, offset: int, lines: _LineIndex,
             context: Context, whole: str | None = None) -> Iterator[Statement]:
    """The SQL inside a PL/pgSQL body, parsed statement by statement."""
    import pglast
    from pglast import parser

    # parse_plpgsql takes a whole CREATE FUNCTION; its line numbers count from the
    # body's first line, so a DO body goes right after the wrapper's opening quote.
    wrapper = whole or (f"CREATE FUNCTION nemoctl_body() RETURNS void AS $nemoctl${body}"
                        "$nemoctl$ LANGUAGE plpgsql;")
    try:
        tree = pglast.parse_plpgsql(wrapper)
    except (parser.ParseError, Exception) as exc:  # libpg_query raises its own error type
        yield Statement(migration, lines.line(offset), context, "unparsable", _snippet(body),
                        error=f"PL/pgSQL: {exc}")
        return
    first_line = lines.line(offset)
    for lineno, query, dynamic in _plpgsql_queries(tree):
        at = first_line + max(lineno, 1) - 1
        if dynamic:
            yield Statement(migration, at, context, "EXECUTE", _snippet(query),
                            (Action("dynamic_sql"),))
            continue
        try:
            raw = parser.parse_sql(query)
        except parser.ParseError as exc:
            yield Statement(migration, at, context, "unparsable", _snippet(query),
                            error=str(exc.args[0]) if exc.args else str(exc))
            continue
        for item in raw:
            yield from _analyse(migration, item.stmt, query, _offset_of_line(lines, at),
                                lines, context)


def _offset_of_line(lines: _LineIndex, line: int) -> int:
    return lines._starts[min(line, len(lines._starts)) - 1]


def _plpgsql_queries(tree: Any, lineno: int = 0) -> Iterator[tuple[int, str, bool]]:
    """(line, query, dynamic) for every SQL statement a PL/pgSQL tree executes, in order."""
    if isinstance(tree, list):
        for item in tree:
            yield from _plpgsql_queries(item, lineno)
        return
    if not isinstance(tree, dict):
        return
    for key, value in tree.items():
        if key == "PLpgSQL_stmt_execsql":
            query = value.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", "")
            yield value.get("lineno", lineno), query, False
        elif key == "PLpgSQL_stmt_dynexecute":
            query = value.get("query", {}).get("PLpgSQL_expr", {}).get("query", "")
            yield value.get("lineno", lineno), query, True
        else:
            inner_line = value.get("lineno", lineno) if isinstance(value, dict) else lineno
            yield from _plpgsql_queries(value, inner_line)


_KINDS = {
    "AlterTableStmt": "ALTER TABLE", "RenameStmt": "ALTER … RENAME", "CreateStmt": "CREATE TABLE",
    "IndexStmt": "CREATE INDEX", "DropStmt": "DROP", "CreateTrigStmt": "CREATE TRIGGER",
    "CreateFunctionStmt": "CREATE FUNCTION", "DoStmt": "DO", "InsertStmt": "INSERT",
    "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "TruncateStmt": "TRUNCATE",
    "SelectStmt": "SELECT", "CreateEnumStmt": "CREATE TYPE", "AlterEnumStmt": "ALTER TYPE",
    "CommentStmt": "COMMENT", "ViewStmt": "CREATE VIEW", "CreateExtensionStmt":
    "CREATE EXTENSION", "CreateSeqStmt": "CREATE SEQUENCE", "AlterSeqStmt": "ALTER SEQUENCE",
    "CreatePolicyStmt": "CREATE POLICY", "GrantStmt": "GRANT", "VariableSetStmt": "SET",
}
