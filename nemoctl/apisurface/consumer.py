"""Read one consumer file with Python's ``ast``: every use of LiteLLM's Python API.

    uses = scan_source(data, "backend/hooks.py")     # list[ApiUse], or raises ScanError

Names are bound as Python binds them, in source order: ``import litellm.proxy.proxy_server
as ps`` makes ``ps.app`` read ``litellm.proxy.proxy_server.app``; ``from litellm import
Router as R`` makes ``R(...)`` a call of ``litellm.Router``; ``router = Router(...)``
makes ``router.acompletion(...)`` a call of ``litellm.Router.acompletion`` (an instance
of a class the code built; nothing subtler is followed).  Whether ``litellm.Router``
still resolves — through LiteLLM's own re-exports — is the inventory's business, not
this scanner's.  One binding table per file: a name rebound in a function keeps the
LiteLLM meaning it had (a use reported too many is safer than one missed).
"""

from __future__ import annotations

import ast

from nemoctl.apisurface.model import ApiUse, Sig, UseKind, ValueKind

_SNIPPET = 160
#: A global whose name says it holds a credential: its line is never printed.
_SECRET_WORDS = ("key", "token", "secret", "password", "credential", "dsn")
_PACKAGE = "litellm"
#: Callables that replace an attribute for a while: ``mock.patch("a.b.c")``,
#: ``patch.object(obj, "name")``, ``monkeypatch.setattr(obj, "name", v)``.
_PATCHERS = frozenset({"patch", "object", "setattr", "patch.object"})


def snippet_for(use: ApiUse, lines: list[str]) -> str:
    """The line a use is on, as printed: masked, shortened, never a credential."""
    name = use.path.rpartition(".")[2].lower()
    if use.kind in ("write", "patch") and any(word in name for word in _SECRET_WORDS):
        # ``litellm.api_key = "sk-…"``: the value is a credential; never print it.
        return f"{use.path} = ***"
    return snippet_at(lines, use.line)


def snippet_at(lines: list[str], line: int) -> str:
    from nemoctl.redact import redact

    if not 0 < line <= len(lines):
        return ""
    text = redact(lines[line - 1].strip())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


class ScanError(Exception):
    """The file cannot be read as Python (the message says why)."""


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (any(p in ("tests", "test", "testing") for p in parts[:-1])
            or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


def scan_source(data: bytes, path: str) -> list[ApiUse]:
    if _PACKAGE.encode() not in data:
        return []  # no name of the package: nothing can reach it (no import, no string)
    try:
        tree = ast.parse(data, filename=path)
    except SyntaxError as exc:
        raise ScanError(f"syntax error at line {exc.lineno}: {exc.msg}") from None
    except (ValueError, MemoryError) as exc:
        raise ScanError(f"cannot parse: {type(exc).__name__}") from None
    lines = data.decode("utf-8", "replace").splitlines()
    visitor = _Visitor(path, lines)
    try:
        visitor.visit(tree)
    except RecursionError:
        raise ScanError("too deeply nested to read") from None
    return sorted(set(visitor.uses), key=lambda u: (u.line, u.column, u.kind, u.path))


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.in_tests = is_test_path(path)
        #: local name -> dotted LiteLLM path it names
        self.bound: dict[str, str] = {}
        #: local name -> LiteLLM class path it is an instance of
        self.instances: dict[str, str] = {}
        self.uses: list[ApiUse] = []
        #: functions and classes the file defines: writing one into LiteLLM is a patch.
        self.defined: set[str] = set()
        #: the LiteLLM bases of the classes being visited, innermost last
        self._supers: list[list[str]] = []
        #: Attribute nodes already reported as part of a longer chain or a call.
        self._done: set[int] = set()

    # -- helpers -----------------------------------------------------------------------
    def _add(self, kind: UseKind, path: str, node: ast.AST, **fields: object) -> None:
        line = getattr(node, "lineno", 0)
        use = ApiUse(kind, path, self.path, line, getattr(node, "col_offset", -1) + 1,
                     "", in_tests=self.in_tests, **fields)  # type: ignore[arg-type]
        self.uses.append(use._replace(snippet=snippet_for(use, self.lines)))

    def _resolve(self, node: ast.AST) -> tuple[str, bool] | None:
        """The LiteLLM path an expression names, and whether it goes through an instance."""
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        if node.id in self.bound:
            base, via = self.bound[node.id], False
        elif node.id in self.instances:
            base, via = self.instances[node.id], True
        else:
            return None
        return ".".join([base, *reversed(attrs)]), via

    def _value_kind(self, node: ast.AST | None) -> ValueKind:
        return _value_kind(node, self.defined)

    def _mark_chain(self, node: ast.AST) -> None:
        while isinstance(node, ast.Attribute):
            self._done.add(id(node))
            node = node.value

    # -- imports -----------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name != _PACKAGE and not alias.name.startswith(_PACKAGE + "."):
                continue
            self._add("import", alias.name, node, alias=alias.asname or "")
            if alias.asname:
                self.bound[alias.asname] = alias.name
            else:
                self.bound[_PACKAGE] = _PACKAGE

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or (module != _PACKAGE and not module.startswith(_PACKAGE + ".")):
            return
        for alias in node.names:
            if alias.name == "*":
                self._add("star", module, node)
                continue
            path = f"{module}.{alias.name}"
            self._add("import", path, node, alias=alias.asname or "")
            self.bound[alias.asname or alias.name] = path

    # -- definitions -------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.defined.add(node.name)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.defined.add(node.name)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.defined.add(node.name)
        bases: list[str] = []
        for expr in node.bases:
            target = expr.value if isinstance(expr, ast.Subscript) else expr
            found = self._resolve(target)
            if found is not None and not found[1]:
                bases.append(found[0])
                self._mark_chain(target)
        for base in bases:
            self._add("subclass", base, node, owner=node.name)
        if bases:
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for base in bases:
                        self._add("override", f"{base}.{item.name}", item, owner=node.name,
                                  signature=_signature(item.args), labels=_labels(item))
        # ``super().method(...)`` inside the class calls the LiteLLM base's method.
        self._supers.append(bases)
        self.generic_visit(node)
        self._supers.pop()

    # -- assignments: instances, writes, patches -----------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._store(target, node.value, node)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            call = node.value.value if isinstance(node.value, ast.Await) else node.value
            made = self._resolve(call.func) if isinstance(call, ast.Call) else None
            if made is not None and not made[1]:
                self.instances[name] = made[0]
            else:
                self.instances.pop(name, None)
            if name in self.bound and made is None:
                resolved = self._resolve(node.value)
                if resolved is None:
                    del self.bound[name]
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target, node.value, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store(node.target, node.value, node)
        self.generic_visit(node)

    def _store(self, target: ast.AST, value: ast.AST, node: ast.AST) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._store(elt, value, node)
            return
        if not isinstance(target, ast.Attribute):
            return
        found = self._resolve(target)
        if found is None or found[1]:
            return
        self._mark_chain(target)
        self._add("write", found[0], node, value=self._value_kind(value))

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                found = self._resolve(target)
                if found is not None and not found[1]:
                    self._mark_chain(target)
                    self._add("delete", found[0], node)
        self.generic_visit(node)

    # -- calls and reads ------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("setattr", "delattr", "getattr") \
                and func.id not in self.bound and self._builtin_attr(func.id, node):
            self.generic_visit(node)
            return
        if self._patcher(node):
            self.generic_visit(node)
            return
        found = self._resolve(func)
        if found is None and self._supers and self._supers[-1] \
                and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) \
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "super":
            found = (f"{self._supers[-1][0]}.{func.attr}", True)
        if found is not None:
            self._mark_chain(func)
            keywords = tuple(sorted(k.arg for k in node.keywords if k.arg is not None))
            literals = tuple(sorted((k.arg, _literal(k.value)) for k in node.keywords
                                    if k.arg is not None and _literal(k.value) is not None))
            spread = any(k.arg is None for k in node.keywords) or \
                any(isinstance(a, ast.Starred) for a in node.args)
            self._add("call", found[0], node, keywords=keywords,
                      literals=literals,
                      positional=sum(1 for a in node.args if not isinstance(a, ast.Starred)),
                      spread=spread, via_instance=found[1])
        self.generic_visit(node)

    def _builtin_attr(self, name: str, node: ast.Call) -> bool:
        if len(node.args) < 2:
            return False
        found = self._resolve(node.args[0])
        if found is None or found[1]:
            return False
        self._mark_chain(node.args[0])
        attr = node.args[1]
        if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)):
            if name == "getattr":
                self._add("dynamic", found[0], node)
                return True
            # setattr(litellm, name, v) with a computed name: any global may be replaced.
            self._add("dynamic", found[0], node)
            return True
        path = f"{found[0]}.{attr.value}"
        if name == "getattr":
            self._add("read", path, node)
        elif name == "setattr":
            value = node.args[2] if len(node.args) > 2 else None
            self._add("write", path, node, value=self._value_kind(value) if value else "other")
        else:
            self._add("delete", path, node)
        return True

    def _patcher(self, node: ast.Call) -> bool:
        """``mock.patch("litellm.…")``, ``patch.object(litellm.x, "f")``,
        ``monkeypatch.setattr(litellm.x, "f", v)`` / ``("litellm.x.f", v)``."""
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else ""
        if name not in _PATCHERS or not node.args:
            return False
        if isinstance(func, ast.Attribute) and name == "object":
            inner = func.value
            inner_name = inner.attr if isinstance(inner, ast.Attribute) else \
                inner.id if isinstance(inner, ast.Name) else ""
            if inner_name != "patch":
                return False
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            if name not in ("patch", "setattr") or not (
                    first.value == _PACKAGE or first.value.startswith(_PACKAGE + ".")):
                return False
            value = node.args[1] if len(node.args) > 1 else None
            self._add("patch", first.value, node,
                      value=self._value_kind(value) if value is not None else "function")
            return True
        if name == "patch" or len(node.args) < 2:
            return False
        found = self._resolve(first)
        attr = node.args[1]
        if found is None or found[1] or not (isinstance(attr, ast.Constant)
                                             and isinstance(attr.value, str)):
            return False
        self._mark_chain(first)
        value = node.args[2] if len(node.args) > 2 else None
        self._add("patch", f"{found[0]}.{attr.value}", node,
                  value=self._value_kind(value) if value is not None else "function")
        return True

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if id(node) not in self._done and isinstance(node.ctx, ast.Load):
            found = self._resolve(node)
            if found is not None:
                self._mark_chain(node)
                self._add("read", found[0], node, via_instance=found[1])
        self.generic_visit(node)


def _signature(args: ast.arguments) -> Sig:
    out: list[tuple[str, str, bool]] = []
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    for i, a in enumerate(positional):
        out.append((a.arg, "p" if i < len(args.posonlyargs) else "pk", i >= first_default))
    if args.vararg is not None:
        out.append((args.vararg.arg, "*", True))
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append((a.arg, "k", d is not None))
    if args.kwarg is not None:
        out.append((args.kwarg.arg, "**", True))
    return tuple(out)


def _labels(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    labels = {"async"} if isinstance(fn, ast.AsyncFunctionDef) else set()
    for d in fn.decorator_list:
        name = d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) \
            else ""
        if name in ("classmethod", "staticmethod", "property"):
            labels.add(name)
    return tuple(sorted(labels))


def _literal(node: ast.AST) -> str | None:
    if (isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool))) \
            or (isinstance(node, ast.Constant) and node.value is None):
        return repr(node.value)
    return None


def _value_kind(node: ast.AST | None, defined: set[str]) -> ValueKind:
    if node is None:
        return "other"
    if isinstance(node, ast.Name) and node.id in defined:
        return "function"
    if isinstance(node, ast.Constant) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)):
        return "literal"
    if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.DictComp,
                         ast.JoinedStr)):
        return "container"
    if isinstance(node, ast.Lambda):
        return "function"
    return "other"
