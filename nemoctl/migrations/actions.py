"""What one parsed statement does: its :class:`Action` s, each with the documented lock.

One handler per PostgreSQL statement type (``AlterTableStmt``, ``IndexStmt``, ...), each
yielding one action per effect, with the lock the PostgreSQL documentation gives for it
(:mod:`nemoctl.migrations.locks`), whether it rewrites or scans the table, and flags
(``concurrent``, ``not_valid``, ``volatile_default``, ...) the rules read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nemoctl.migrations.locks import LockMode

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
QUIET_OPS = frozenset({"noop", "other", "select", "comment"})
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


def actions_of(node: Any) -> Iterator[Action]:
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
