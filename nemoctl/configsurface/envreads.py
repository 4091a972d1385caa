"""Every environment variable a package reads, found with ``ast`` (never a regex).

Reads the scan recognises:

* the primitives: ``os.getenv(N[, d])``, ``os.environ.get(N[, d])``,
  ``os.environ[N]``, ``os.environ.setdefault(N, d)``, ``N in os.environ`` (also through
  ``from os import environ, getenv`` and ``import os as x``);
* **helpers, found rather than listed**: a module-level function one of whose
  parameters reaches a read (``get_env_int(env_var, default)`` calls
  ``os.getenv(env_var)``; ``get_secret_str`` calls ``get_secret``) is itself a reader,
  to a fixpoint, so LiteLLM's secret-manager helpers and ``get_env_*`` family are
  followed through however many layers it adds.  A helper call is matched only when
  its name resolves (through ``from … import`` chains and module aliases) to that
  function, never by its bare name;
* **the environment passed as an argument**: a call passing ``os.environ`` to a
  package function makes that parameter the environment inside it
  (``build_sentry_init_options(os.environ)`` → ``env.get("SENTRY_DSN")``), also to a
  fixpoint;
* the variable's name: a string literal (``os.environ/NAME`` stripped, as
  ``get_secret`` does), a module-level constant of the module or of the package module
  it is imported from, or each element when a loop runs over a literal tuple of them
  (``for name in (A_ENV, B_ENV): os.getenv(name)``).  A name the scan cannot compute is
  counted as a dynamic read, never guessed.  Through a helper only upper-case names
  count (helpers such as ``get_secret`` are also called with config values).

A helper call "has a default" when it passes the helper's ``default*`` parameter (or
the helper requires one).  "Required at start-up": ``os.environ[N]`` in code the proxy
runs when it starts (module level of the start-up modules, or their start-up
functions), outside a ``try`` and outside any ``if``/loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from nemoctl.configsurface.model import EnvRead
from nemoctl.configsurface.modules import Module, Package, note_local_import

STARTUP_MODULES = frozenset({
    "litellm",
    "litellm.constants",
    "litellm.proxy.proxy_server",
    "litellm.proxy.proxy_cli",
})
STARTUP_FUNCTIONS = frozenset({
    "run_server", "proxy_startup_event", "proxy_lifespan", "load_config",
    "initialize", "startup_event",
})
_MAX_ROUNDS = 12
_Bindings = dict[str, tuple[str, ...]]
_FnKey = tuple[str, str]  # (module, function)


@dataclass(frozen=True, slots=True)
class Helper:
    """A function that reads the variable named by one of its parameters."""

    index: int
    keyword: str
    #: (position, keyword) of its ``default*`` parameters; ``always``: one is required.
    defaults: tuple[tuple[int, str], ...]
    always_default: bool


@dataclass(slots=True)
class _Site:
    """A call, subscript or test that may read the environment, in its context."""

    kind: str  # "primitive" | "call" | "mapping"
    arg: ast.expr | None
    line: int
    fn: str | None  # the enclosing module-level function
    bindings: _Bindings
    startup: bool
    has_default: bool = False
    subscript: bool = False
    origin: _FnKey | None = None  # for "call": the callee; for "mapping": (fn, param)
    call: ast.Call | None = None
    #: For a call: the arguments that may be the environment (``os.environ``, a parameter).
    #: (position, parameter name or None): None when the argument *is* the environment
    #: (``os.environ``, ``dict(os.environ)``, ``{**os.environ, ...}``), else the caller's
    #: parameter passed on (the environment when that parameter carries it).
    env_args: tuple[tuple[int | str, str | None], ...] = ()


@dataclass(slots=True)
class _ModuleSites:
    module: Module
    sites: list[_Site] = field(default_factory=list)
    params: dict[str, tuple[list[str], list[str], ast.arguments]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EnvScan:
    reads: dict[str, EnvRead]
    dynamic: int
    helpers: tuple[str, ...]


def scan_env(package: Package) -> EnvScan:
    visited: dict[str, _ModuleSites] = {}
    helpers: dict[_FnKey, Helper] = {}
    carriers: set[tuple[str, str, str]] = set()  # (module, function, param)
    needles = {"environ", "getenv"}
    pending_modules: set[str] = set()
    for _ in range(_MAX_ROUNDS):
        for name, (_rel, text) in package.sources.items():
            if name in visited or not (name in pending_modules
                                       or any(n in text for n in needles)):
                continue
            module = package.module(name)
            if module is not None:
                visited[name] = _collect(package, module, name in STARTUP_MODULES)
        pending_modules.clear()
        grew = _grow(package, visited, helpers, carriers)
        needles.update(fn for _, fn in helpers)
        pending_modules = {m for m, _, _ in carriers if m not in visited}
        if not grew and not pending_modules:
            break
    return _summarise(package, visited, helpers, carriers)


def _grow(package: Package, visited: dict[str, _ModuleSites], helpers: dict[_FnKey, Helper],
          carriers: set[tuple[str, str, str]]) -> bool:
    """Add helpers and environment-carrying parameters until nothing changes."""
    grew_any = False
    while True:
        grew = False
        names = {fn for _, fn in helpers}
        for name, ms in visited.items():
            for site in ms.sites:
                if site.kind == "call" and site.origin is not None and \
                        site.origin not in helpers and site.origin[1] in names:
                    site.origin = _resolve(package, site.origin) or site.origin
                if site.fn is None:
                    continue
                key = (name, site.fn)
                params, kwonly, args = ms.params[site.fn]
                arg = _site_arg(site, helpers)
                if key not in helpers and isinstance(arg, ast.Name) and \
                        arg.id not in site.bindings and arg.id in (*params, *kwonly) and \
                        _is_read(site, helpers, carriers, name):
                    helpers[key] = _helper(arg.id, params, kwonly, args)
                    grew = True
            for site in ms.sites:
                if not site.env_args or site.origin is None:
                    continue
                for position, passed in site.env_args:
                    if passed is not None and (site.fn is None
                                               or (name, site.fn, passed) not in carriers):
                        continue
                    site.origin = _resolve(package, site.origin) or site.origin
                    target = visited.get(site.origin[0])
                    callee = site.origin[1]
                    if target is None:
                        carrier = (site.origin[0], callee, "?")
                    elif callee in target.params:
                        params, kwonly, _ = target.params[callee]
                        param = (params[position] if isinstance(position, int)
                                 and position < len(params) else position)
                        if not isinstance(param, str):
                            continue
                        carrier = (site.origin[0], callee, param)
                    else:
                        continue
                    if carrier not in carriers:
                        carriers.add(carrier)
                        grew = True
        grew_any |= grew
        if not grew:
            return grew_any


def _site_arg(site: _Site, helpers: dict[_FnKey, Helper]) -> ast.expr | None:
    if site.kind != "call":
        return site.arg
    helper = helpers.get(site.origin) if site.origin else None
    if helper is None or site.call is None:
        return None
    return _arg(site.call, helper.index, helper.keyword)


def _is_read(site: _Site, helpers: dict[_FnKey, Helper],
             carriers: set[tuple[str, str, str]], module: str) -> bool:
    if site.kind == "primitive":
        return True
    if site.kind == "call":
        return site.origin in helpers
    return site.origin is not None and (module, *site.origin) in carriers


def _helper(param: str, params: list[str], kwonly: list[str], args: ast.arguments) -> Helper:
    index = params.index(param) if param in params else -1
    defaults = tuple((params.index(p) if p in params else -1, p)
                     for p in (*params, *kwonly) if "default" in p.lower())
    n_required = len(params) - len(args.defaults)
    return Helper(index, param, defaults, any(0 <= i < n_required for i, _ in defaults))


def _summarise(package: Package, visited: dict[str, _ModuleSites],
               helpers: dict[_FnKey, Helper], carriers: set[tuple[str, str, str]]) -> EnvScan:
    reads: dict[str, list[tuple[str, _Site, bool]]] = {}
    dynamic = 0
    for name, ms in visited.items():
        for site in ms.sites:
            if not _is_read(site, helpers, carriers, name):
                continue
            arg = _site_arg(site, helpers)
            has_default = site.has_default
            if site.kind == "call" and site.call is not None and site.origin in helpers:
                helper = helpers[site.origin]
                has_default = helper.always_default or any(
                    _arg(site.call, i, k) is not None for i, k in helper.defaults)
            values = _values(package, ms.module, arg, site.bindings) if arg is not None else ()
            if not values:
                # A helper's own parameter passed on is not a read of a variable.
                if not (isinstance(arg, ast.Name) and site.fn is not None
                        and arg.id in ms.params.get(site.fn, ([], [], None))[0]):
                    dynamic += 1
                continue
            for value in values:
                if value.startswith("os.environ/"):
                    value = value[len("os.environ/"):]
                if not _is_env_name(value) or (site.kind == "call" and not value.isupper()):
                    continue
                reads.setdefault(value, []).append((ms.module.rel, site, has_default))
    summary = {
        var: EnvRead(
            var,
            reads=len(items),
            without_default=any(not d for _, _, d in items),
            required_at_startup=any(s.subscript and s.startup for _, s, _ in items),
            where=min((rel, s.line) for rel, s, _ in items)[0]
            + f":{min((rel, s.line) for rel, s, _ in items)[1]}",
        )
        for var, items in sorted(reads.items())
    }
    return EnvScan(summary, dynamic, tuple(sorted(f"{m}.{f}" for m, f in helpers)))


def _values(package: Package, module: Module, node: ast.expr,
            bindings: _Bindings) -> tuple[str, ...]:
    if isinstance(node, ast.Name) and node.id in bindings:
        return bindings[node.id]
    value = package.constant(module, node)
    return (value,) if value is not None else ()


def _is_env_name(value: str) -> bool:
    return (0 < len(value) <= 200 and not value[0].isdigit()
            and value.replace("_", "a").isascii() and value.replace("_", "a").isalnum())


def _call_args(call: ast.Call) -> Iterable[tuple[int | str, ast.expr]]:
    for i, a in enumerate(call.args):
        if isinstance(a, ast.Starred):
            return
        yield i, a
    for kw in call.keywords:
        if kw.arg is not None:
            yield kw.arg, kw.value


def _arg(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if 0 <= index < len(call.args) and not any(
            isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


# ---------------------------------------------------------------------------
# one walk per module


def _collect(package: Package, module: Module, startup_module: bool) -> _ModuleSites:
    ms = _ModuleSites(module)
    walker = _Walker(package, ms, startup_module)
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
            kwonly = [a.arg for a in stmt.args.kwonlyargs]
            ms.params[stmt.name] = (params, kwonly, stmt.args)
            walker.fn_params = {*params, *kwonly}
            walker.walk_body(stmt.body, fn=stmt.name, guarded=False, bindings={})
        else:
            walker.fn_params = set()
            walker.walk(stmt, fn=None, guarded=False, bindings={})
    return ms


class _Walker:
    def __init__(self, package: Package, ms: _ModuleSites, startup_module: bool) -> None:
        self.package = package
        self.ms = ms
        self.module = ms.module
        self.startup_module = startup_module
        self.fn_params: set[str] = set()

    def walk_body(self, body: list[ast.stmt], *, fn: str | None, guarded: bool,
                  bindings: _Bindings) -> None:
        for stmt in body:
            self.walk(stmt, fn=fn, guarded=guarded, bindings=bindings)

    def walk(self, node: ast.AST, *, fn: str | None, guarded: bool, bindings: _Bindings) -> None:
        if isinstance(node, ast.Try):
            self.walk_body(node.body, fn=fn, guarded=True, bindings=bindings)
            for handler in node.handlers:
                self.walk_body(handler.body, fn=fn, guarded=guarded, bindings=bindings)
            self.walk_body(node.orelse, fn=fn, guarded=guarded, bindings=bindings)
            self.walk_body(node.finalbody, fn=fn, guarded=guarded, bindings=bindings)
            return
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self.walk(node.iter, fn=fn, guarded=guarded, bindings=bindings)
            inner = self._bind(node.target, node.iter, bindings)
            for stmt in (*node.body, *node.orelse):
                self.walk(stmt, fn=fn, guarded=True, bindings=inner)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = bindings
            for gen in node.generators:
                self.walk(gen.iter, fn=fn, guarded=guarded, bindings=inner)
                inner = self._bind(gen.target, gen.iter, inner)
                for cond in gen.ifs:
                    self.walk(cond, fn=fn, guarded=True, bindings=inner)
            parts = ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt])
            for part in parts:
                self.walk(part, fn=fn, guarded=True, bindings=inner)
            return
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            self.walk(node.test, fn=fn, guarded=guarded, bindings=bindings)
            for child in ast.iter_child_nodes(node):
                if child is not node.test:
                    self.walk(child, fn=fn, guarded=True, bindings=bindings)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            # A nested function or class body: its reads belong to the enclosing function;
            # it runs later (or never), so nothing in it is unconditional.
            for child in ast.iter_child_nodes(node):
                self.walk(child, fn=fn, guarded=True, bindings=bindings)
            return
        self._site(node, fn, guarded, bindings)
        for child in ast.iter_child_nodes(node):
            self.walk(child, fn=fn, guarded=guarded, bindings=bindings)

    def _bind(self, target: ast.expr, iterable: ast.expr, bindings: _Bindings) -> _Bindings:
        """Loop variables over a literal sequence of constants: each value they take."""
        found = self.package.sequence(self.module, iterable)
        if found is None:
            return bindings
        home, items = found
        out = dict(bindings)
        if isinstance(target, ast.Name):
            found_values = (self.package.constant(home, i) for i in items)
            out[target.id] = tuple(v for v in found_values if v is not None)
        elif isinstance(target, ast.Tuple):
            for pos, elt in enumerate(target.elts):
                if not isinstance(elt, ast.Name):
                    continue
                values: list[str] = []
                for item in items:
                    if isinstance(item, (ast.Tuple, ast.List)) and pos < len(item.elts):
                        value = self.package.constant(home, item.elts[pos])
                        if value is not None:
                            values.append(value)
                out[elt.id] = tuple(values)
        return out

    def _startup(self, fn: str | None, guarded: bool) -> bool:
        return (self.startup_module and not guarded
                and (fn is None or fn in STARTUP_FUNCTIONS))

    def _add(self, site: _Site) -> None:
        self.ms.sites.append(site)

    def _site(self, node: ast.AST, fn: str | None, guarded: bool, bindings: _Bindings) -> None:
        if isinstance(node, (ast.ImportFrom, ast.Import)):
            note_local_import(self.module, node)
            return
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if self._is_os(node.value, "environ"):
                self._add(_Site("primitive", node.slice, node.lineno, fn, bindings,
                                self._startup(fn, guarded), subscript=True))
            elif fn is not None and isinstance(node.value, ast.Name) and \
                    node.value.id in self.fn_params:
                self._add(_Site("mapping", node.slice, node.lineno, fn, bindings, False,
                                origin=(fn, node.value.id)))
            return
        if isinstance(node, ast.Compare):
            if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) and \
                    self._is_os(node.comparators[0], "environ"):
                self._add(_Site("primitive", node.left, node.lineno, fn, bindings, False,
                                has_default=True))
            return
        if not isinstance(node, ast.Call):
            return
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr in ("get", "setdefault"):
            arg = _arg(node, 0, "key")
            if arg is None:
                return
            has_default = f.attr == "setdefault" or _arg(node, 1, "default") is not None
            if self._is_os(f.value, "environ"):
                self._add(_Site("primitive", arg, node.lineno, fn, bindings, False,
                                has_default=has_default))
            elif fn is not None and isinstance(f.value, ast.Name) and \
                    f.value.id in self.fn_params:
                self._add(_Site("mapping", arg, node.lineno, fn, bindings, False,
                                has_default=has_default, origin=(fn, f.value.id)))
            return
        if self._is_os(f, "getenv"):
            arg = _arg(node, 0, "key")
            if arg is not None:
                self._add(_Site("primitive", arg, node.lineno, fn, bindings, False,
                                has_default=_arg(node, 1, "default") is not None))
            return
        origin = self._origin(f)
        if origin is not None:
            env_args: list[tuple[int | str, str | None]] = []
            for pos, value in _call_args(node):
                if self._is_environ_like(value):
                    env_args.append((pos, None))
                elif isinstance(value, ast.Name) and value.id in self.fn_params:
                    env_args.append((pos, value.id))
            self._add(_Site("call", None, node.lineno, fn, bindings, False, origin=origin,
                            call=node, env_args=tuple(env_args)))

    def _is_environ_like(self, node: ast.expr) -> bool:
        """``os.environ``, a copy of it, or a dict display unpacking it."""
        if self._is_os(node, "environ"):
            return True
        if isinstance(node, ast.Call) and not node.keywords and len(node.args) <= 1:
            f = node.func
            if isinstance(f, ast.Name) and f.id == "dict" and node.args:
                return self._is_environ_like(node.args[0])
            if isinstance(f, ast.Attribute) and f.attr == "copy" and not node.args:
                return self._is_os(f.value, "environ")
        if isinstance(node, ast.Dict):
            return any(k is None and self._is_environ_like(v)
                       for k, v in zip(node.keys, node.values, strict=True))
        return False

    def _is_os(self, node: ast.expr, attr: str) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == attr and \
                isinstance(node.value, ast.Name):
            return self.module.module_aliases.get(node.value.id) == "os"
        if isinstance(node, ast.Name):
            return self.module.from_imports.get(node.id) == ("os", attr)
        return False

    def _origin(self, f: ast.expr) -> tuple[str, str] | None:
        """The function a call names, as imported here (re-exports are followed later)."""
        if isinstance(f, ast.Name):
            return self.module.from_imports.get(f.id, (self.module.name, f.id))
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and \
                f.value.id in self.module.module_aliases:
            return (self.module.module_aliases[f.value.id], f.attr)
        return None


def _resolve(package: Package, origin: tuple[str, str]) -> tuple[str, str] | None:
    """Follow ``from … import`` re-exports to the module that defines the function."""
    for _ in range(6):
        if origin[0].split(".")[0] != package.top:
            return None
        target = package.module(origin[0])
        if target is None:
            return None
        nxt = target.from_imports.get(origin[1])
        if nxt is None:
            return origin
        origin = nxt
    return None
