"""Uses of the generated models in Python code, found with the ``ast`` module.

What counts (see docs/impact.md):

* the generated class names (imported, also through ``as`` aliases and module
  attributes such as ``nemoctl_models.LiteLLM_SpendLogs``): a ``type`` use of the model;
* attribute access on a value known to be a model: a parameter or variable annotated
  with one (``row: LiteLLM_SpendLogs``, ``Optional[...]``, ``X | None``, ``list[X]``
  when iterated or indexed), a value built by ``X(...)`` / ``X.model_validate(...)``,
  or returned by a function of the same module annotated ``-> X``: ``attribute``;
* constructor keywords ``X(spend=1.0)``: ``keyword``;
* ``model_dump()`` keys read as string subscripts where the receiver is known:
  ``row.model_dump()["spend"]`` or ``d = row.model_dump(); d["spend"]``: ``index``;
* database names (SQL strings, SQLAlchemy, supabase-py, column-name literals in a file
  that reaches a table): :mod:`~nemoctl.impact.python_db`.

Scopes are per function (a name bound in a function shadows the module's); a value
whose type cannot be known this way is not guessed at.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nemoctl.impact.names import Names
from nemoctl.impact.raw import RawUse, ScanError

_CONSTRUCTORS = frozenset({"model_validate", "model_validate_json", "model_construct",
                           "parse_obj", "construct", "validate"})
_DUMPS = frozenset({"model_dump", "dict"})


@dataclass(frozen=True, slots=True)
class _Type:
    model: str
    #: "row" (a model), "many" (a list/sequence of them), "dump" (its model_dump() dict)
    shape: str


def scan_python(data: bytes, names: Names) -> list[RawUse]:
    try:
        tree = ast.parse(data, type_comments=False)
    except SyntaxError as exc:
        raise ScanError(f"line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:
        raise ScanError(str(exc)) from None
    scanner = _Scanner(names, data)
    scanner.visit(tree)
    from nemoctl.impact.python_db import scan_db

    found = scanner.found + scan_db(tree, data, names, {u.model for u in scanner.found})
    # One row per place and target: a literal the file rule found where a typed or parsed
    # use already is keeps that use's kind.
    precise = {(r.model, r.member, r.line) for r in found if r.kind != "literal"}
    return [r for r in found if r.kind != "literal"
            or (r.model, r.member, r.line) not in precise]


class _Scanner(ast.NodeVisitor):
    def __init__(self, names: Names, data: bytes) -> None:
        self.names = names
        self.lines = data.split(b"\n")
        self.found: list[RawUse] = []
        #: local name → generated class name (from-imports, aliases)
        self.classes: dict[str, str] = {}
        #: local names bound to modules (``import x as y``)
        self.modules: set[str] = set()
        #: function name → its return type, when annotated with a model
        self.returns: dict[str, _Type] = {}
        self.scopes: list[dict[str, _Type]] = [{}]

    # -- positions ---------------------------------------------------------------------
    def _col(self, line: int, byte_col: int) -> int:
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else b""
        return len(raw[:byte_col].decode("utf-8", "replace")) + 1

    def _add(self, node: ast.AST, model: str, member: str, target: str, kind: str) -> None:
        line = getattr(node, "lineno", 1)
        self.found.append(RawUse(model, member, target, line,
                                 self._col(line, getattr(node, "col_offset", 0)), kind))

    # -- names -------------------------------------------------------------------------
    def visit_Module(self, node: ast.Module) -> None:
        for stmt in ast.walk(node):
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if alias.name in self.names.classes or alias.name in self.names.enums:
                        self.classes[alias.asname or alias.name] = alias.name
                        self._type_use(alias, alias.name)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    self.modules.add(alias.asname or alias.name.split(".")[0])
        for stmt in ast.walk(node):
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.returns:
                typ = self._annotation(stmt.returns)
                if typ is not None:
                    self.returns[stmt.name] = typ
        self.generic_visit(node)

    def _class_of(self, node: ast.expr) -> str | None:
        """The generated class an expression names (``X``, ``alias``, ``module.X``)."""
        if isinstance(node, ast.Name):
            return self.classes.get(node.id)
        if isinstance(node, ast.Attribute) and (
            node.attr in self.names.classes or node.attr in self.names.enums
        ):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in self.modules:
                return node.attr
        return None

    def _model(self, cls: str) -> str | None:
        return self.names.classes.get(cls)

    def _annotation(self, node: ast.expr | None, many: bool = False) -> _Type | None:
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        cls = self._class_of(node)
        if cls is not None:
            model = self._model(cls)
            return _Type(model, "many" if many else "row") if model else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._annotation(node.left, many) or self._annotation(node.right, many)
        if isinstance(node, ast.Subscript):
            head = node.value
            head_name = head.attr if isinstance(head, ast.Attribute) else (
                head.id if isinstance(head, ast.Name) else "")
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if head_name in ("Optional", "Union", "Annotated", "Final", "ClassVar"):
                for arg in args[:1] if head_name == "Annotated" else args:
                    found = self._annotation(arg, many)
                    if found:
                        return found
            elif head_name in ("list", "List", "Sequence", "Iterable", "Iterator", "tuple",
                               "Tuple", "set", "frozenset", "AsyncIterator", "Generator",
                               "Collection", "MutableSequence") and args:
                return self._annotation(args[0], many=True)
        return None

    # -- scopes ------------------------------------------------------------------------
    def _lookup(self, name: str) -> _Type | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _bind(self, target: ast.expr, typ: _Type | None) -> None:
        if isinstance(target, ast.Name):
            if typ is None:
                self.scopes[-1].pop(target.id, None)
                if self._lookup(target.id) is not None:
                    # Rebinding shadows an outer typed name for the rest of this scope.
                    self.scopes[-1][target.id] = _Type("", "none")
            else:
                self.scopes[-1][target.id] = typ

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for deco in node.decorator_list:
            self.visit(deco)
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                self.visit(default)
        if node.returns:
            self.visit(node.returns)
        self.scopes.append({})
        all_args = (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                    *(a for a in (node.args.vararg, node.args.kwarg) if a))
        for arg in all_args:
            if arg.annotation is not None:
                self.visit(arg.annotation)
                typ = self._annotation(arg.annotation)
                if typ:
                    self.scopes[-1][arg.arg] = typ
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append({})
        self.generic_visit(node)
        self.scopes.pop()

    # -- expressions' types ------------------------------------------------------------
    def _type_of(self, node: ast.expr) -> _Type | None:
        if isinstance(node, ast.Name):
            typ = self._lookup(node.id)
            return typ if typ is not None and typ.shape != "none" else None
        if isinstance(node, ast.Await):
            return self._type_of(node.value)
        if isinstance(node, ast.Call):
            func = node.func
            cls = self._class_of(func)
            if cls is not None and self._model(cls):
                return _Type(self._model(cls) or "", "row")
            if isinstance(func, ast.Attribute):
                owner = self._class_of(func.value)
                if owner is not None and self._model(owner) and func.attr in _CONSTRUCTORS:
                    return _Type(self._model(owner) or "", "row")
                recv = self._type_of(func.value)
                if recv is not None and recv.shape == "row" and func.attr in _DUMPS:
                    return _Type(recv.model, "dump")
                if recv is not None and recv.shape == "row" and func.attr in (
                        "model_copy", "copy"):
                    return recv
            if isinstance(func, ast.Name) and func.id in self.returns:
                return self.returns[func.id]
            if isinstance(func, ast.Name) and func.id in ("list", "sorted", "reversed",
                                                          "tuple") and node.args:
                inner = self._type_of(node.args[0])
                return inner if inner is not None and inner.shape == "many" else None
            return None
        if isinstance(node, ast.Subscript):
            base = self._type_of(node.value)
            if base is not None and base.shape == "many":
                return base if isinstance(node.slice, ast.Slice) else _Type(base.model, "row")
            return None
        if isinstance(node, ast.List | ast.Tuple) and node.elts:
            first = self._type_of(node.elts[0])
            return _Type(first.model, "many") if first and first.shape == "row" else None
        return None

    # -- statements that bind ----------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        typ = self._type_of(node.value)
        for target in node.targets:
            if not isinstance(target, ast.Name):
                self.visit(target)
            self._bind(target, typ)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)
        if not isinstance(node.target, ast.Name):
            self.visit(node.target)
        self._bind(node.target, self._annotation(node.annotation)
                   or (self._type_of(node.value) if node.value else None))

    def _iterate(self, target: ast.expr, iterable: ast.expr) -> None:
        typ = self._type_of(iterable)
        self._bind(target, _Type(typ.model, "row") if typ and typ.shape == "many" else None)

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)
        self._iterate(node.target, node.iter)
        for stmt in (*node.body, *node.orelse):
            self.visit(stmt)

    visit_AsyncFor = visit_For  # type: ignore[assignment]

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp
                       | ast.DictComp) -> None:
        self.scopes.append({})
        for gen in node.generators:
            self.visit(gen.iter)
            self._iterate(gen.target, gen.iter)
            for cond in gen.ifs:
                self.visit(cond)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scopes.pop()

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_GeneratorExp = _comprehension
    visit_DictComp = _comprehension

    def visit_withitem(self, node: ast.withitem) -> None:
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self._bind(node.optional_vars, self._type_of(node.context_expr))

    # -- uses ---------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        cls = self.classes.get(node.id)
        if cls is not None:
            self._type_use(node, cls)

    def _type_use(self, node: ast.AST, cls: str) -> None:
        if cls in self.names.enums:
            self._add(node, cls, "", "enum", "type")
        else:
            model = self._model(cls)
            if model:
                self._add(node, model, "", "model", "type")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.modules \
                and node.value.id not in self.classes:
            cls = self._class_of(node)
            if cls is not None:
                self._type_use(node, cls)
                return
        owner = self._class_of(node.value)
        if owner is not None and node.attr in self.names.enums.get(owner, ()):
            self._add(node, owner, node.attr, "enum_value", "attribute")
        typ = self._type_of(node.value)
        if typ is not None and typ.shape == "row" and node.attr in self.names.fields.get(
                typ.model, ()):
            pos = _attr_position(node)
            self.found.append(RawUse(typ.model, node.attr, "field", pos[0],
                                     self._col(*pos), "attribute"))
        self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        cls = self._class_of(node.func)
        model = self._model(cls) if cls else None
        if model:
            for kw in node.keywords:
                if kw.arg and kw.arg in self.names.fields.get(model, ()):
                    self._add(kw, model, kw.arg, "field", "keyword")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        typ = self._type_of(node.value)
        key = node.slice
        if typ is not None and typ.shape == "dump" and isinstance(key, ast.Constant) \
                and isinstance(key.value, str) and key.value in self.names.fields.get(
                    typ.model, ()):
            self._add(key, typ.model, key.value, "field", "index")
        self.generic_visit(node)


def _attr_position(node: ast.Attribute) -> tuple[int, int]:
    """Where the attribute's name starts (``row.spend`` → at ``spend``)."""
    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset or node.col_offset
    return end_line, max(end_col - len(node.attr.encode("utf-8")), 0)
