"""Database-level uses in Python: SQL strings, SQLAlchemy, supabase-py, ``getattr``.

A second pass over the tree :mod:`~nemoctl.impact.python_ast` parsed (that module follows
the generated pydantic models; this one follows the database names):

* SQL in string literals, f-strings and ``+`` concatenations: interpolations are
  substituted before ``pglast`` parses the statement — a name bound once in the file to
  a string literal by its value, anything else by an identifier that marks the
  statement *unresolved* (its tables possibly used); positions are found token by
  token in the literal's own source (implicit concatenation, triple quotes, prefixes);
* SQLAlchemy: ``Table("T", md, Column("c"), …)`` (``autoload_with`` / ``autoload``:
  reflected, possibly used), declarative classes under ``__tablename__`` (their
  ``Mapped[...]`` / ``mapped_column`` / ``Column`` attributes), ``t.c.col`` on a bound
  table, ``Cls.attr`` on a mapped class;
* supabase-py ``.table("T")`` / ``.from_("T")`` chains (:mod:`~nemoctl.impact.postgrest`);
* in a file that reaches a LiteLLM table, every string literal and keyword argument name
  that is one of that table's columns (``index_elements=["a", "b"]``, ``set_={"c": …}``,
  ``getattr(row, "c")``, ``row["c"]``, ``.values(c=…)``) and every string naming one of
  its constraints (``constraint="…_key"``): a use one too many is safe, one too few is
  not.  (Attribute names are not needed: rows only carry the columns their query named,
  or the query is a ``SELECT *`` that already makes the table possibly used.)
  ``getattr`` with a name that is not a literal makes those tables possibly used
  (``dynamic``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from nemoctl.impact.names import Names
from nemoctl.impact.postgrest import Arg
from nemoctl.impact.raw import RawUse

_SQL_WORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "WITH", "COPY",
              "MERGE", "TRUNCATE")
_TABLE_CALLS = frozenset({"Table", "table"})
_COLUMN_CALLS = frozenset({"Column", "column", "mapped_column"})
_BUILDER_CALLS = frozenset({"table", "from_"})


@dataclass
class _Text:
    """A string built from a literal, an f-string or a concatenation."""

    text: str
    resolved: bool = True
    #: constants (their literal nodes) whose values were substituted in
    constants: list[ast.Constant] = field(default_factory=list)


def scan_db(tree: ast.AST, data: bytes, names: Names, reached: set[str]) -> list[RawUse]:
    scanner = _Db(tree, data, names)
    scanner.run(reached)
    return scanner.found


class _Db:
    def __init__(self, tree: ast.AST, data: bytes, names: Names) -> None:
        self.tree, self.names = tree, names
        self.lines = data.split(b"\n")
        self.found: list[RawUse] = []
        self.parents: dict[int, ast.AST] = {}
        self.constants: dict[str, ast.Constant] = {}
        self.sa_tables: dict[str, str] = {}
        self.mapped: dict[str, str] = {}
        self.sql_nodes: set[int] = set()
        self.dynamic: list[ast.Call] = []
        self.mod_left: set[int] = set()
        self._tables = sorted(names.tables, key=len, reverse=True)

    # -- positions ---------------------------------------------------------------------
    def _col(self, line: int, byte_col: int) -> int:
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else b""
        return len(raw[:byte_col].decode("utf-8", "replace")) + 1

    def _add(self, node: ast.AST, model: str, member: str, target: str, kind: str,
             inner: int = 0) -> None:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        self.found.append(RawUse(model, member, target, line, self._col(line, col) + inner,
                                 kind))

    def _literal_start(self, node: ast.Constant) -> tuple[int, int]:
        """(line, column) of a single-line string literal's first character."""
        line = node.lineno
        raw = self.lines[line - 1][node.col_offset:] if line <= len(self.lines) else b""
        body = raw.lstrip(b"rRbBuUfF")
        quote = 3 if body[:3] in (b'"""', b"'''") else 1
        return line, self._col(line, node.col_offset + len(raw) - len(body) + quote)

    # -- the pass ----------------------------------------------------------------------
    def run(self, reached: set[str]) -> None:
        assigned: dict[str, int] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        assigned[target.id] = assigned.get(target.id, 0) + 1
                        if isinstance(node.value, ast.Constant) and isinstance(
                                node.value.value, str):
                            self.constants[target.id] = node.value
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
                self.mod_left.add(id(node.left))
        # A name bound more than once may hold another value where it is used.
        self.constants = {k: v for k, v in self.constants.items() if assigned.get(k) == 1}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.ClassDef):
                self._class(node)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr | ast.BinOp | ast.Constant) and \
                    not self._inside_string(node):
                self._maybe_sql(node)
            elif isinstance(node, ast.Attribute):
                self._attribute(node)
        # A string that is a table's name (``TABLE = "LiteLLM_X"``) reaches it too.
        named = {m for node in ast.walk(self.tree) if isinstance(node, ast.Constant)
                 and isinstance(node.value, str)
                 and (m := self.names.model_of_table(node.value)) is not None}
        self._file_rule(reached | named | {r.model for r in self.found})

    def _inside_string(self, node: ast.AST) -> bool:
        parent = self.parents.get(id(node))
        return isinstance(parent, ast.JoinedStr | ast.FormattedValue) or (
            isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add))

    # -- SQLAlchemy, supabase-py, getattr ------------------------------------------------
    def _call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        first = node.args[0] if node.args else None
        table = first.value if isinstance(first, ast.Constant) and isinstance(
            first.value, str) else None
        model = self.names.model_of_table(table) if table else None
        if name in _BUILDER_CALLS and isinstance(func, ast.Attribute) and model and \
                isinstance(first, ast.Constant) and self._chained(node):
            self._builder(node, first, model)
        elif name in _TABLE_CALLS and model and first is not None:
            self._add(first, model, "", "model", "table", 1)
            for arg in node.args[1:]:
                self._column_call(arg, model)
            if any(kw.arg in ("autoload_with", "autoload") for kw in node.keywords):
                self._add(first, model, "", "possible", "reflected", 1)
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.Assign):
                for target in parent.targets:
                    if isinstance(target, ast.Name):
                        self.sa_tables[target.id] = model
                    elif isinstance(target, ast.Attribute):
                        self.sa_tables[target.attr] = model
        elif name == "getattr" and len(node.args) >= 2:
            attr = node.args[1]
            if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)):
                self.dynamic.append(node)

    def _chained(self, node: ast.Call) -> bool:
        """``x.table("T").select(…)``: a supabase-py builder, not SQLAlchemy's ``table()``."""
        attr = self.parents.get(id(node))
        return isinstance(attr, ast.Attribute) and attr.value is node and isinstance(
            self.parents.get(id(attr)), ast.Call)

    def _column_call(self, arg: ast.expr, model: str) -> None:
        if not isinstance(arg, ast.Call):
            return
        func = arg.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name not in _COLUMN_CALLS or not arg.args:
            return
        col = arg.args[0]
        if isinstance(col, ast.Constant) and isinstance(col.value, str):
            field_name = self.names.field_of_column(model, col.value)
            if field_name:
                self._add(col, model, field_name, "field", "column", 1)

    def _class(self, node: ast.ClassDef) -> None:
        model = None
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__tablename__" for t in stmt.targets) \
                    and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                model = self.names.model_of_table(stmt.value.value)
                if model:
                    self._add(stmt.value, model, "", "model", "table", 1)
        if model is None:
            return
        self.mapped[node.name] = model
        for stmt in node.body:
            target: ast.expr | None = None
            value: ast.expr | None = None
            if isinstance(stmt, ast.AnnAssign):
                target, value = stmt.target, stmt.value
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            if not isinstance(target, ast.Name) or target.id.startswith("__"):
                continue
            column = target.id
            where: ast.AST = target
            if isinstance(value, ast.Call) and value.args and isinstance(
                    value.args[0], ast.Constant) and isinstance(value.args[0].value, str):
                column, where = value.args[0].value, value.args[0]
            field_name = self.names.field_of_column(model, column)
            if field_name:
                self._add(where, model, field_name, "field", "column",
                          1 if isinstance(where, ast.Constant) else 0)

    def _attribute(self, node: ast.Attribute) -> None:
        base = node.value
        if isinstance(base, ast.Attribute) and base.attr in ("c", "columns") and isinstance(
                base.value, ast.Name | ast.Attribute):
            owner = base.value.id if isinstance(base.value, ast.Name) else base.value.attr
            model = self.sa_tables.get(owner)
            if model:
                self._attr_use(node, model)
        elif isinstance(base, ast.Name) and base.id in self.mapped:
            self._attr_use(node, self.mapped[base.id])

    def _attr_use(self, node: ast.Attribute, model: str) -> None:
        field_name = self.names.field_of_column(model, node.attr)
        if field_name:
            line = node.end_lineno or node.lineno
            col = (node.end_col_offset or 0) - len(node.attr.encode())
            self.found.append(RawUse(model, field_name, "field", line, self._col(line, col),
                                     "attribute"))

    def _builder(self, node: ast.Call, first: ast.Constant, model: str) -> None:
        from nemoctl.impact.postgrest import Step, resolve_chain

        steps: list[Step] = []
        current: ast.AST = node
        while True:
            attr = self.parents.get(id(current))
            call = self.parents.get(id(attr)) if isinstance(attr, ast.Attribute) else None
            if not isinstance(attr, ast.Attribute) or not isinstance(call, ast.Call) \
                    or call.func is not attr:
                break
            steps.append(Step(attr.attr, tuple(self._arg(a) for a in call.args),
                              tuple((kw.arg, self._arg(kw.value)) for kw in call.keywords
                                    if kw.arg)))
            current = call
        line, col = self._literal_start(first)
        self.found.extend(resolve_chain(model, line, col, steps, self.names))

    def _arg(self, node: ast.expr) -> Arg:

        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            line, col = self._literal_start(node)
            return Arg("str", node.value, line, col)
        if isinstance(node, ast.Dict) and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            keys: list[tuple[str, int, int, Arg | None]] = []
            for k, v in zip(node.keys, node.values, strict=True):
                assert isinstance(k, ast.Constant)
                line, col = self._literal_start(k)
                value = self._arg(v)
                keys.append((str(k.value), line, col, value if value.kind == "str" else None))
            return Arg("obj", keys=tuple(keys))
        return Arg("other")

    # -- SQL in strings ----------------------------------------------------------------
    def _build(self, node: ast.AST) -> _Text | None:
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, str):
                return None
            if id(node) in self.mod_left and "%" in node.value:
                # ``"… %s …" % value`` is Python formatting, not a driver parameter.
                return _Text(node.value.replace("%s", "nemoctl_p0"), resolved=False)
            return _Text(node.value)
        if isinstance(node, ast.JoinedStr):
            out = _Text("")
            for i, part in enumerate(node.values):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    out.text += part.value
                    continue
                inner = part.value if isinstance(part, ast.FormattedValue) else part
                self._substitute(inner, out, i)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._build_part(node.left, 0), self._build_part(node.right, 1)
            if left is None and right is None:
                return None
            out = _Text("")
            for i, piece in enumerate((left, right)):
                if piece is None:
                    out.text += f" nemoctl_p{i} "
                    out.resolved = False
                else:
                    out.text += piece.text
                    out.resolved &= piece.resolved
                    out.constants += piece.constants
            return out
        return None

    def _build_part(self, node: ast.expr, index: int) -> _Text | None:
        if isinstance(node, ast.Name) and node.id in self.constants:
            const = self.constants[node.id]
            return _Text(str(const.value), constants=[const])
        return self._build(node)

    def _substitute(self, inner: ast.expr, out: _Text, index: int) -> None:
        if isinstance(inner, ast.Name) and inner.id in self.constants:
            const = self.constants[inner.id]
            out.text += str(const.value)
            out.constants.append(const)
        else:
            out.text += f"nemoctl_p{index}"
            out.resolved = False

    def _maybe_sql(self, node: ast.AST) -> None:
        built = self._build(node)
        if built is None:
            return
        text = built.text
        upper = text.upper()
        if not any(word in upper for word in _SQL_WORDS):
            return
        mentioned = [t for t in self._tables if t in text]
        if not mentioned:
            return
        from nemoctl.impact.sql import scan_sql_fragment

        uses = scan_sql_fragment(text, self.names)
        for const in built.constants:
            model = self.names.model_of_table(str(const.value))
            if model:
                self._add(const, model, "", "model", "table", 1)
        resolved = {u[0] for u in uses or ()}
        for table in mentioned:
            model = self.names.model_of_table(table)
            if model and (uses is None or model not in resolved):
                # Named in the text, not resolved by the parser (a parse error, or an
                # unquoted mixed-case name): every column possibly used.
                self._place(node, text, text.find(table), model, "", "possible",
                            "unresolved-sql")
        for model, member, target, offset, kind in uses or ():
            self._place(node, text, offset, model, member, target, kind)

    def _place(self, node: ast.AST, text: str, offset: int, model: str, member: str,
               target: str, kind: str) -> None:
        """A use at ``offset`` of the built text, placed on its own token in the source:
        the k-th occurrence of that token in the text is the k-th in the literal's source
        (implicit concatenation and line breaks cannot shift it)."""
        from nemoctl.impact.sql import _token_at

        token = _token_at(text, max(offset, 0)) or text[offset:offset + 1]
        if len(token) > 2 and token[0] == token[-1] == '"':
            # A quoted identifier is written \"X\" inside a Python literal: find X.
            offset, token = offset + 1, token[1:-1]
        nth = _count(text[:offset], token)
        line, col = self._nth_in_source(node, token, nth)
        self.found.append(RawUse(model, member, target, line, col, kind))

    def _nth_in_source(self, node: ast.AST, token: str, nth: int) -> tuple[int, int]:
        first, last = getattr(node, "lineno", 1), getattr(node, "end_lineno", None) or 1
        start_col = getattr(node, "col_offset", 0)
        end_col = getattr(node, "end_col_offset", None)
        needle = token.encode("utf-8")
        seen = 0
        for line in range(first, last + 1):
            raw = self.lines[line - 1] if line <= len(self.lines) else b""
            lo = start_col if line == first else 0
            hi = end_col if line == last and end_col is not None else len(raw)
            pos = raw.find(needle, lo, hi)
            while pos != -1:
                if seen == nth:
                    return line, self._col(line, pos)
                seen += 1
                pos = raw.find(needle, pos + len(needle), hi)
        return first, self._col(first, start_col)

    # -- the file rule -----------------------------------------------------------------
    def _file_rule(self, reached: set[str]) -> None:
        if not reached:
            return
        columns: dict[str, list[tuple[str, str]]] = {}
        for model in sorted(reached):
            for col, fld in self.names.columns.get(model, {}).items():
                columns.setdefault(col, []).append((model, fld))
        constraints = {n: v for n, v in self.names.constraints.items() if v[0] in reached}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                for model, fld in columns.get(value, ()):
                    self._add(node, model, fld, "field", "literal", 1)
                if value in constraints:
                    model, fields = constraints[value]
                    for fld in fields:
                        self._add(node, model, fld, "field", "literal", 1)
            elif isinstance(node, ast.keyword) and node.arg in columns:
                for model, fld in columns[node.arg]:
                    self._add(node, model, fld, "field", "keyword")
        for call in self.dynamic:
            for model in sorted(reached):
                self._add(call, model, "", "possible", "dynamic")


def _count(text: str, token: str) -> int:
    count, pos = 0, text.find(token)
    while pos != -1:
        count += 1
        pos = text.find(token, pos + len(token))
    return count
