"""The keys each config section is read for, found with ``ast`` in the unpacked package.

* ``general_settings``: the fields of ``ConfigGeneralSettings`` (``litellm/proxy/_types.py``)
  and every literal key the code reads from a mapping named ``general_settings``
  (``general_settings.get("k")``, ``general_settings["k"]``, ``"k" in general_settings``,
  ``.pop``/``.setdefault``; also ``self.general_settings`` / ``proxy_server.general_settings``);
* ``litellm_settings``: ``load_config`` does ``setattr(litellm, key, value)`` for every
  key, so a key does something only when it is a ``litellm`` module attribute: the
  module-level assignments of ``litellm/__init__.py`` (with their defaults, also names it
  imports from a module that assigns them), plus literal keys read from a mapping named
  ``litellm_settings``;
* ``router_settings``: the parameters of the ``Router`` constructor (``Router.__init__``,
  or the module function whose signature it takes) with their defaults;
* ``model_list[].litellm_params``: the fields of ``LiteLLM_Params`` and its bases, the
  parameters of ``completion``/``acompletion``/``embedding``/``aembedding`` (the rest of a
  deployment's params is passed to the call), and literal keys read from a mapping named
  ``litellm_params`` (``order``, ``weight``…);
* ``guardrails[].litellm_params``: the fields of the guardrail ``LitellmParams`` model
  and its bases.

Defaults are LiteLLM's source text (``ast.unparse``); ``Field(x, ...)`` gives ``x``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from nemoctl.configsurface.model import SettingKey
from nemoctl.configsurface.modules import Module, Package, top_level

_MAPPING_METHODS = frozenset({"get", "pop", "setdefault"})
_MAX_DEFAULT = 120


def scan_sections(package: Package) -> dict[str, dict[str, SettingKey]]:
    top = package.top
    general: dict[str, SettingKey] = {}
    litellm: dict[str, SettingKey] = {}
    for key in _model_fields(package, f"{top}.proxy._types", "ConfigGeneralSettings"):
        general.setdefault(key.name, key)
    for key in _module_globals(package, top):
        litellm.setdefault(key.name, key)
    params = {k.name: k for k in _model_fields(package, f"{top}.types.router", "LiteLLM_Params")}
    # A deployment's litellm_params beyond the model are passed to the call as keyword
    # arguments: completion()/embedding()'s parameters are read there too.
    for key in _function_params(package, f"{top}.main", ("completion", "acompletion",
                                                         "embedding", "aembedding")):
        params.setdefault(key.name, key)
    targets = {"general_settings": general, "litellm_settings": litellm,
               "litellm_params": params}
    for name, (_rel, text) in package.sources.items():
        wanted = [s for s in targets if s in text]
        if not wanted:
            continue
        module = package.module(name)
        if module is None:
            continue
        for section, key in _mapping_reads(module, wanted):
            target = targets[section]
            known = target.get(key.name)
            if known is None:
                target[key.name] = key
            elif known.origin == "read" and known.default != key.default:
                # Readers disagree on the default: the scan cannot name one.
                target[key.name] = SettingKey(key.name, None, "read", known.where)
    router = dict((k.name, k) for k in _router_params(package, top))
    guardrail = {k.name: k for k in _model_fields(package, f"{top}.types.guardrails",
                                                  "LitellmParams")}
    return {
        "general_settings": general,
        "litellm_settings": litellm,
        "router_settings": router,
        "model_list[].litellm_params": params,
        "guardrails[].litellm_params": guardrail,
    }


def _default_text(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Field":
        if node.args:
            node = node.args[0]
        else:
            kw = {k.arg: k.value for k in node.keywords}
            if "default" in kw:
                node = kw["default"]
            elif "default_factory" in kw:
                return ast.unparse(kw["default_factory"]) + "()"
            else:
                return None
    text = ast.unparse(node)
    return text if len(text) <= _MAX_DEFAULT else text[: _MAX_DEFAULT - 1] + "…"


def _find_class(package: Package, module_name: str, cls: str,
                depth: int = 0) -> tuple[Module, ast.ClassDef] | None:
    if depth > 6:
        return None
    module = package.module(module_name)
    if module is None:
        return None
    for stmt in top_level(module.tree.body):
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls:
            return module, stmt
    origin = module.from_imports.get(cls)
    if origin and origin[0].split(".")[0] == package.top:
        return _find_class(package, origin[0], origin[1], depth + 1)
    return None


def _model_fields(package: Package, module_name: str, cls: str,
                  seen: set[str] | None = None) -> Iterator[SettingKey]:
    """Annotated fields of a pydantic model / TypedDict, its package bases first."""
    seen = set() if seen is None else seen
    found = _find_class(package, module_name, cls)
    if found is None or f"{found[0].name}.{cls}" in seen:
        return
    module, node = found
    seen.add(f"{module.name}.{cls}")
    for base in node.bases:
        if isinstance(base, ast.Name):
            yield from _model_fields(package, module.name, base.id, seen)
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if name.startswith("_") or name == "model_config":
                continue
            yield SettingKey(name, _default_text(stmt.value), "field",
                             f"{module.rel}:{stmt.lineno}")


def _module_globals(package: Package, name: str) -> Iterator[SettingKey]:
    module = package.module(name)
    if module is None:
        return
    for stmt in top_level(module.tree.body):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            targets, value = list(stmt.targets), stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                local = alias.asname or alias.name
                origin = module.from_imports.get(local)
                if origin is None or local.startswith("_") or local.isupper():
                    continue
                other = package.module(origin[0]) if origin[0].startswith(package.top) else None
                assigned = _assignment(other, origin[1]) if other else None
                if assigned is not None:
                    yield SettingKey(local, _default_text(assigned[1]), "global",
                                     f"{other.rel}:{assigned[0]}" if other else "")
            continue
        for target in targets:
            # Upper-case names are constants (``DEFAULT_MAX_RETRIES``, type aliases) the
            # code imports from their module: setting them on ``litellm`` changes nothing.
            if isinstance(target, ast.Name) and not target.id.startswith("_") and \
                    not target.id.isupper():
                yield SettingKey(target.id, _default_text(value), "global",
                                 f"{module.rel}:{stmt.lineno}")


def _assignment(module: Module, name: str) -> tuple[int, ast.expr | None] | None:
    for stmt in top_level(module.tree.body):
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            return stmt.lineno, stmt.value
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                stmt.target.id == name:
            return stmt.lineno, stmt.value
    return None


def _mapping_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _mapping_reads(module: Module, sections: list[str]) -> Iterator[tuple[str, SettingKey]]:
    wanted = set(sections)
    for node in ast.walk(module.tree):
        key: ast.expr | None = None
        default: ast.expr | None = None
        section: str | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in _MAPPING_METHODS:
            section = _mapping_name(node.func.value)
            if section in wanted and node.args:
                key = node.args[0]
                default = node.args[1] if len(node.args) > 1 else None
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            section = _mapping_name(node.value)
            if section in wanted:
                key = node.slice
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and \
                isinstance(node.ops[0], (ast.In, ast.NotIn)):
            section = _mapping_name(node.comparators[0])
            if section in wanted:
                key = node.left
        if section in wanted and isinstance(key, ast.Constant) and isinstance(key.value, str):
            line = getattr(node, "lineno", 0)
            yield str(section), SettingKey(key.value, _default_text(default), "read",
                                           f"{module.rel}:{line}")


def _function_params(package: Package, module_name: str,
                     names: tuple[str, ...]) -> Iterator[SettingKey]:
    """The parameters of module-level functions (every overload), with defaults."""
    module = package.module(module_name)
    if module is None:
        return
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in names:
            yield from _signature(module, stmt)


def _signature(module: Module, fn: ast.FunctionDef | ast.AsyncFunctionDef
               ) -> Iterator[SettingKey]:
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    pos_defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    pos_defaults += list(args.defaults)
    pairs = [*zip(positional, pos_defaults, strict=True),
             *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    for arg, default in pairs:
        if arg.arg in ("self", "cls"):
            continue
        yield SettingKey(arg.arg, _default_text(default), "param",
                         f"{module.rel}:{arg.lineno}")


def _router_params(package: Package, top: str) -> Iterator[SettingKey]:
    """The Router constructor's parameters: the ``__init__`` (or module function) with
    the most parameters in ``litellm/router.py`` among ``Router.__init__`` and the
    function it takes its signature from."""
    module = package.module(f"{top}.router")
    if module is None:
        return
    candidates: list[ast.FunctionDef] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ClassDef) and node.name == "Router":
            candidates += [f for f in node.body
                           if isinstance(f, ast.FunctionDef) and f.name == "__init__"]
        elif isinstance(node, ast.FunctionDef) and node.name == "_router_init":
            candidates.append(node)
    if not candidates:
        return
    best = max(candidates, key=lambda f: len(f.args.args) + len(f.args.kwonlyargs))
    yield from _signature(module, best)
