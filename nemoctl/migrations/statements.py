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

from nemoctl.migrations.locks import LockMode, strongest

Context = Literal["top", "do", "function"]

#: Functions whose value differs per row: a column default built from one forces
#: PostgreSQL (11+) to rewrite the table instead of storing the default once.
VOLATILE_FUNCTIONS = frozenset({
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
    "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval", "txid_current",
    "setseed", "pg_current_xact_id",
})
#: Functions whose value is fixed for the statement: safe as an ADD COLUMN default.
_STABLE_FUNCTIONS = frozenset({
    "now", "transaction_timestamp", "statement_timestamp", "current_timestamp",
    "current_date", "localtimestamp", "to_jsonb", "jsonb_build_object", "json_build_object",
    "array", "lower", "upper", "concat", "coalesce", "make_interval",
})
#: Actions whose ``table`` names something else (an index, a type, a function).
NON_TABLE_OPS = frozenset({
    "rename_index", "drop_index", "alter_index", "create_type", "add_enum_value",
    "rename_enum_value", "create_function", "comment", "noop", "select", "other",
    "dynamic_sql", "rename_other",
})
_QUIET_OPS = frozenset({"noop", "other", "select", "comment"})
_DESCRIBE = {
    "add_column": "ADD COLUMN", "drop_column": "DROP COLUMN", "alter_type": "ALTER COLUMN TYPE",
    "set_not_null": "SET NOT NULL", "drop_not_null": "DROP NOT NULL",
    "set_default": "SET DEFAULT", "drop_default": "DROP DEFAULT",
    "add_foreign_key": "ADD FOREIGN KEY", "referenced_by_foreign_key": "referenced by FK",
    "add_check": "ADD CHECK", "add_unique": "ADD UNIQUE", "create_index": "CREATE INDEX",
    "drop_index": "DROP INDEX", "rename_table": "RENAME", "rename_column": "RENAME COLUMN",
    "rename_index": "RENAME INDEX", "create_table": "CREATE TABLE", "drop_table": "DROP TABLE",
    "create_trigger": "CREATE TRIGGER", "drop_trigger": "DROP TRIGGER",
    "create_function": "CREATE FUNCTION", "dynamic_sql": "dynamic SQL",
}
_SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial", "serial4", "serial8",
                           "serial2"})


@dataclass(frozen=True, slots=True)
class Action:
    """One effect of a statement on one object."""

    #: ``add_column``, ``drop_column``, ``rename_table``, ``create_index``, ... (see docs).
    op: str
    #: The table acted on (for ``rename_index``/``drop_index``: the index name).
    table: str = ""
    column: str = ""
    #: The new name of a rename, the type of an ADD COLUMN / ALTER TYPE.
    new_name: str = ""
    lock: LockMode | None = None
    #: PostgreSQL rewrites the whole table (and its indexes) under the lock.
    rewrite: bool = False
    #: PostgreSQL reads the whole table under the lock (validation, index build).
    scan: bool = False
    #: ``concurrent``, ``not_valid``, ``volatile_default``, ``not_null``, ``has_default``,
    #: ``unique``, ``all_rows`` (UPDATE/DELETE without WHERE), ``if_exists``.
    flags: frozenset[str] = frozenset()
    #: A foreign key's referenced table.
    references: str = ""

    def describe(self) -> str:
        words = _DESCRIBE.get(self.op, self.op.replace("_", " ").upper())
        parts = [words]
        if self.op in ("rename_table", "rename_index"):
            parts = [words, self.table, "→", self.new_name]
        elif self.op in ("rename_column", "rename_constraint"):
            parts = [words, self.column, "→", self.new_name]
        elif self.op == "referenced_by_foreign_key":
            parts = [words, self.column]
        else:
            parts += [self.column, self.new_name]
        if "concurrent" in self.flags:
            parts.insert(1, "CONCURRENTLY")
        return " ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "table": self.table or None,
            "column": self.column or None,
            "new_name": self.new_name or None,
            "lock": self.lock,
            "rewrite": self.rewrite,
            "scan": self.scan,
            "flags": sorted(self.flags),
            "references": self.references or None,
        }


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
        return "; ".join(a.describe() for a in self.actions if a.op not in _QUIET_OPS)

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
    actions = tuple(_actions(node))
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


def _actions(node: Any) -> Iterator[Action]:
    from pglast import ast

    handler = _HANDLERS.get(type(node).__name__)
    if handler is not None:
        yield from handler(node)
    elif not isinstance(node, (ast.DoStmt, ast.VariableSetStmt)):
        yield Action("other")


def _alter_table(node: Any) -> Iterator[Action]:
    from pglast.enums import AlterTableType as T
    from pglast.enums import ObjectType

    table = node.relation.relname
    if node.objtype != ObjectType.OBJECT_TABLE:
        yield Action("alter_index" if node.objtype == ObjectType.OBJECT_INDEX else "other",
                     table, lock="SHARE UPDATE EXCLUSIVE")
        return
    for cmd in node.cmds or ():
        sub = cmd.subtype
        if sub == T.AT_AddColumn:
            yield from _add_column(table, cmd.def_, bool(cmd.missing_ok))
        elif sub == T.AT_DropColumn:
            yield Action("drop_column", table, cmd.name, lock="ACCESS EXCLUSIVE")
        elif sub == T.AT_AlterColumnType:
            yield Action("alter_type", table, cmd.name, _type_name(cmd.def_.typeName),
                         lock="ACCESS EXCLUSIVE", rewrite=True)
        elif sub == T.AT_SetNotNull:
            yield Action("set_not_null", table, cmd.name, lock="ACCESS EXCLUSIVE", scan=True)
        elif sub == T.AT_DropNotNull:
            yield Action("drop_not_null", table, cmd.name, lock="ACCESS EXCLUSIVE")
        elif sub == T.AT_ColumnDefault:
            yield Action("set_default" if cmd.def_ is not None else "drop_default", table,
                         cmd.name, lock="ACCESS EXCLUSIVE")
        elif sub == T.AT_AddConstraint:
            yield from _add_constraint(table, cmd.def_)
        elif sub == T.AT_ValidateConstraint:
            yield Action("validate_constraint", table, cmd.name,
                         lock="SHARE UPDATE EXCLUSIVE", scan=True)
        elif sub == T.AT_DropConstraint:
            yield Action("drop_constraint", table, cmd.name, lock="ACCESS EXCLUSIVE")
        elif sub in (T.AT_SetStatistics, T.AT_SetOptions, T.AT_ResetOptions,
                     T.AT_SetRelOptions, T.AT_ResetRelOptions, T.AT_AttachPartition,
                     T.AT_ClusterOn, T.AT_DropCluster):
            yield Action("alter_storage", table, cmd.name or "", lock="SHARE UPDATE EXCLUSIVE")
        elif sub in (T.AT_EnableTrig, T.AT_DisableTrig, T.AT_EnableTrigAll,
                     T.AT_DisableTrigAll, T.AT_EnableTrigUser, T.AT_DisableTrigUser,
                     T.AT_EnableAlwaysTrig, T.AT_EnableReplicaTrig):
            yield Action("alter_trigger", table, cmd.name or "", lock="SHARE ROW EXCLUSIVE")
        elif sub in (T.AT_SetLogged, T.AT_SetUnLogged, T.AT_SetTableSpace,
                     T.AT_SetAccessMethod):
            yield Action("alter_storage", table, lock="ACCESS EXCLUSIVE", rewrite=True)
        else:
            # ALTER TABLE's reference page: ACCESS EXCLUSIVE "unless explicitly noted".
            yield Action("alter_table", table, cmd.name or "", lock="ACCESS EXCLUSIVE")


def _add_column(table: str, coldef: Any, if_not_exists: bool) -> Iterator[Action]:
    from pglast.enums import ConstrType as C

    flags = {"if_not_exists"} if if_not_exists else set()
    rewrite = False
    type_name = _type_name(coldef.typeName)
    if type_name.split("(")[0] in _SERIAL_TYPES:
        flags.add("volatile_default")
        rewrite = True
    references = ""
    extra: list[Action] = []
    for con in coldef.constraints or ():
        if con.contype == C.CONSTR_NOTNULL:
            flags.add("not_null")
        elif con.contype == C.CONSTR_DEFAULT:
            flags.add("has_default")
            if _volatile(con.raw_expr):
                flags.add("volatile_default")
                rewrite = True
        elif con.contype in (C.CONSTR_IDENTITY, C.CONSTR_GENERATED):
            flags.add("volatile_default")
            rewrite = True
        elif con.contype in (C.CONSTR_PRIMARY, C.CONSTR_UNIQUE):
            extra.append(Action("create_index", table, coldef.colname, lock="ACCESS EXCLUSIVE",
                                scan=True, flags=frozenset({"unique"})))
        elif con.contype == C.CONSTR_FOREIGN:
            references = con.pktable.relname
            extra.append(Action("add_foreign_key", table, coldef.colname,
                                lock="SHARE ROW EXCLUSIVE", references=references))
    yield Action("add_column", table, coldef.colname, type_name, lock="ACCESS EXCLUSIVE",
                 rewrite=rewrite, flags=frozenset(flags))
    yield from extra


def _add_constraint(table: str, con: Any) -> Iterator[Action]:
    from pglast.enums import ConstrType as C

    flags = frozenset({"not_valid"}) if con.skip_validation else frozenset()
    name = con.conname or ""
    if con.contype == C.CONSTR_FOREIGN:
        referenced = con.pktable.relname
        # ALTER TABLE docs: ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables.
        yield Action("add_foreign_key", table, name, lock="SHARE ROW EXCLUSIVE",
                     scan=not con.skip_validation, flags=flags, references=referenced)
        yield Action("referenced_by_foreign_key", referenced, name, lock="SHARE ROW EXCLUSIVE")
    elif con.contype == C.CONSTR_CHECK:
        yield Action("add_check", table, name, lock="ACCESS EXCLUSIVE",
                     scan=not con.skip_validation, flags=flags)
    elif con.contype in (C.CONSTR_PRIMARY, C.CONSTR_UNIQUE, C.CONSTR_EXCLUSION):
        using_index = bool(getattr(con, "indexname", None))
        yield Action("add_unique", table, name, lock="ACCESS EXCLUSIVE", scan=not using_index,
                     flags=frozenset({"unique"}))
    else:
        yield Action("alter_table", table, name, lock="ACCESS EXCLUSIVE")


def _rename(node: Any) -> Iterator[Action]:
    from pglast.enums import ObjectType as O

    rel = node.relation.relname if node.relation is not None else ""
    if node.renameType == O.OBJECT_TABLE:
        yield Action("rename_table", rel, new_name=node.newname, lock="ACCESS EXCLUSIVE")
    elif node.renameType == O.OBJECT_COLUMN:
        yield Action("rename_column", rel, node.subname, node.newname, lock="ACCESS EXCLUSIVE")
    elif node.renameType == O.OBJECT_INDEX:
        # ALTER INDEX … RENAME: SHARE UPDATE EXCLUSIVE since PostgreSQL 12.
        yield Action("rename_index", rel, new_name=node.newname, lock="SHARE UPDATE EXCLUSIVE")
    elif node.renameType == O.OBJECT_TABCONSTRAINT:
        yield Action("rename_constraint", rel, node.subname, node.newname,
                     lock="ACCESS EXCLUSIVE")
    else:
        yield Action("rename_other", rel, new_name=node.newname)


def _create_table(node: Any) -> Iterator[Action]:
    from pglast import ast
    from pglast.enums import ConstrType as C

    table = node.relation.relname
    yield Action("create_table", table,
                 flags=frozenset({"if_not_exists"}) if node.if_not_exists else frozenset())
    referenced: dict[str, None] = {}
    for element in node.tableElts or ():
        constraints = element.constraints if isinstance(element, ast.ColumnDef) else (element,)
        for con in constraints or ():
            if (isinstance(con, ast.Constraint) and con.contype == C.CONSTR_FOREIGN
                    and con.pktable is not None and con.pktable.relname):
                referenced.setdefault(con.pktable.relname, None)
    for other in referenced:
        yield Action("referenced_by_foreign_key", other, table, lock="SHARE ROW EXCLUSIVE")


def _create_index(node: Any) -> Iterator[Action]:
    flags = set()
    if node.concurrent:
        flags.add("concurrent")
    if node.unique:
        flags.add("unique")
    yield Action("create_index", node.relation.relname, node.idxname or "",
                 lock="SHARE UPDATE EXCLUSIVE" if node.concurrent else "SHARE",
                 scan=True, flags=frozenset(flags))


def _drop(node: Any) -> Iterator[Action]:
    from pglast.enums import ObjectType as O

    for obj in node.objects or ():
        names = [getattr(part, "sval", "") for part in obj] if isinstance(obj, tuple) else []
        if node.removeType == O.OBJECT_TABLE:
            yield Action("drop_table", names[-1] if names else "", lock="ACCESS EXCLUSIVE")
        elif node.removeType == O.OBJECT_INDEX:
            yield Action("drop_index", names[-1] if names else "",
                         lock="SHARE UPDATE EXCLUSIVE" if node.concurrent else "ACCESS EXCLUSIVE",
                         flags=frozenset({"concurrent"}) if node.concurrent else frozenset())
        elif node.removeType == O.OBJECT_TRIGGER and len(names) >= 2:
            yield Action("drop_trigger", names[-2], names[-1], lock="ACCESS EXCLUSIVE")
        else:
            kind = O(node.removeType).name.removeprefix("OBJECT_").lower()
            yield Action(f"drop_{kind}", names[-1] if names else "")


def _create_trigger(node: Any) -> Iterator[Action]:
    function = ".".join(part.sval for part in node.funcname or ())
    yield Action("create_trigger", node.relation.relname, node.trigname or "", function,
                 lock="SHARE ROW EXCLUSIVE")


def _insert(node: Any) -> Iterator[Action]:
    yield Action("insert", node.relation.relname, lock="ROW EXCLUSIVE")


def _update(node: Any) -> Iterator[Action]:
    flags = frozenset() if node.whereClause is not None else frozenset({"all_rows"})
    for target in node.targetList or ():
        yield Action("update", node.relation.relname, target.name or "", lock="ROW EXCLUSIVE",
                     flags=flags)


def _delete(node: Any) -> Iterator[Action]:
    flags = frozenset() if node.whereClause is not None else frozenset({"all_rows"})
    yield Action("delete", node.relation.relname, lock="ROW EXCLUSIVE", flags=flags)


def _truncate(node: Any) -> Iterator[Action]:
    for relation in node.relations or ():
        yield Action("truncate", relation.relname, lock="ACCESS EXCLUSIVE",
                     flags=frozenset({"all_rows"}))


def _select(node: Any) -> Iterator[Action]:
    yield Action("noop" if not node.fromClause else "select")


def _create_type(node: Any) -> Iterator[Action]:
    yield Action("create_type", ".".join(p.sval for p in node.typeName or ()))


def _alter_enum(node: Any) -> Iterator[Action]:
    name = ".".join(p.sval for p in node.typeName or ())
    if node.oldVal:
        yield Action("rename_enum_value", name, node.oldVal, node.newVal)
    else:
        yield Action("add_enum_value", name, node.newVal or "")


def _create_function(node: Any) -> Iterator[Action]:
    yield Action("create_function", ".".join(p.sval for p in node.funcname or ()))


def _comment(node: Any) -> Iterator[Action]:
    yield Action("comment")


_HANDLERS = {
    "AlterTableStmt": _alter_table, "RenameStmt": _rename, "CreateStmt": _create_table,
    "IndexStmt": _create_index, "DropStmt": _drop, "CreateTrigStmt": _create_trigger,
    "InsertStmt": _insert, "UpdateStmt": _update, "DeleteStmt": _delete,
    "TruncateStmt": _truncate, "SelectStmt": _select, "CreateEnumStmt": _create_type,
    "AlterEnumStmt": _alter_enum, "CreateFunctionStmt": _create_function,
    "CommentStmt": _comment,
}


def _type_name(type_name: Any) -> str:
    if type_name is None:
        return ""
    names = [n.sval for n in type_name.names or () if n.sval != "pg_catalog"]
    text = ".".join(names)
    if type_name.typmods:
        mods = [str(getattr(getattr(m, "val", None), "ival", "")) for m in type_name.typmods]
        text += f"({','.join(mods)})"
    if type_name.arrayBounds:
        text += "[]"
    return text


def _volatile(expr: Any) -> bool:
    """A default whose value may differ per row (PostgreSQL must rewrite the table)."""
    from pglast import ast
    from pglast.visitors import Visitor

    found: list[bool] = []

    class _Calls(Visitor):
        def visit_FuncCall(self, ancestors: Any, node: ast.FuncCall) -> None:
            name = str(getattr((node.funcname or (None,))[-1], "sval", "")).lower()
            if name in VOLATILE_FUNCTIONS or name not in _STABLE_FUNCTIONS:
                found.append(True)

        def visit_NextValueExpr(self, ancestors: Any, node: Any) -> None:
            found.append(True)

    if expr is None:
        return False
    _Calls()(expr)
    return bool(found)
