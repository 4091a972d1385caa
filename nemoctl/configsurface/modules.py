"""An unpacked package's modules, parsed with ``ast`` on demand (never imported).

:class:`Package` maps dotted module names to files under the unpacked root, parses a
module at most once, and answers the questions both scans ask: a module's string
constants, what its ``import``/``from … import`` statements bind, and the value of a
name a call passes (a literal, a module-level constant here, or one imported from
another module of the package).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Module:
    name: str  # dotted: litellm.proxy.proxy_server
    rel: str  # litellm/proxy/proxy_server.py
    tree: ast.Module
    #: Module-level ``NAME = "text"`` (also annotated, also ``Final``).
    constants: dict[str, str] = field(default_factory=dict)
    #: local name -> (module, name) for ``from module import name [as local]``.
    from_imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: local name -> module for ``import a.b as local`` / ``from a import b`` (a module).
    module_aliases: dict[str, str] = field(default_factory=dict)
    #: Module-level ``NAME = (a, b, ...)`` (tuple, list or set displays).
    sequences: dict[str, list[ast.expr]] = field(default_factory=dict)


class Package:
    """The package's modules: ``sources`` maps dotted names to (relative path, text)."""

    def __init__(self, top: str, sources: dict[str, tuple[str, str]]) -> None:
        self.top = top
        self.sources = sources
        self._modules: dict[str, Module | None] = {}
        self.unparsable: list[str] = []

    @classmethod
    def from_directory(cls, root: Path, top: str) -> Package:
        sources = {}
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root)
            sources[module_name(rel.as_posix())] = (
                rel.as_posix(), path.read_text(encoding="utf-8", errors="replace"))
        return cls(top, sources)

    def module(self, name: str) -> Module | None:
        if name in self._modules:
            return self._modules[name]
        self._modules[name] = None
        source = self.sources.get(name)
        if source is None:
            return None
        rel, text = source
        try:
            tree = ast.parse(text, filename=rel)
        except (SyntaxError, ValueError):
            self.unparsable.append(rel)
            return None
        module = Module(name, rel, tree)
        _index(module, is_package=rel.endswith("/__init__.py"))
        self._modules[name] = module
        return module

    def sequence(self, module: Module, node: ast.expr
                 ) -> tuple[Module, list[ast.expr]] | None:
        """A literal tuple/list/set ``node`` is, or names (here or imported from the
        package), with the module its elements are to be read in."""
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return module, list(node.elts)
        if isinstance(node, ast.Name):
            if node.id in module.sequences:
                return module, module.sequences[node.id]
            origin = module.from_imports.get(node.id)
            if origin and origin[0].split(".")[0] == self.top:
                other = self.module(origin[0])
                if other is not None and origin[1] in other.sequences:
                    return other, other.sequences[origin[1]]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = module.module_aliases.get(node.value.id)
            if target and target.split(".")[0] == self.top:
                other = self.module(target)
                if other is not None and node.attr in other.sequences:
                    return other, other.sequences[node.attr]
        return None

    def constant(self, module: Module, node: ast.expr, depth: int = 0) -> str | None:
        """The string ``node`` evaluates to, when the scan can prove it; else None."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if depth > 4:
            return None
        if isinstance(node, ast.Name):
            if node.id in module.constants:
                return module.constants[node.id]
            origin = module.from_imports.get(node.id)
            if origin and origin[0].split(".")[0] == self.top:
                other = self.module(origin[0])
                if other is not None:
                    return self.constant(other, ast.Name(origin[1]), depth + 1)
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = module.module_aliases.get(node.value.id)
            if target and target.split(".")[0] == self.top:
                other = self.module(target)
                if other is not None:
                    return self.constant(other, ast.Name(node.attr), depth + 1)
        return None


def module_name(rel: str) -> str:
    """``litellm/proxy/__init__.py`` -> ``litellm.proxy``."""
    parts = rel.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _index(module: Module, *, is_package: bool) -> None:
    package = module.name if is_package else module.name.rpartition(".")[0]
    for stmt in _top_level(module.tree.body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        elif isinstance(stmt, ast.ImportFrom):
            source = _absolute(stmt, package)
            for alias in stmt.names:
                local = alias.asname or alias.name
                module.from_imports[local] = (source, alias.name)
                # ``from litellm import constants``: the name may be a module.
                module.module_aliases.setdefault(local, f"{source}.{alias.name}")
            continue
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    module.module_aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    module.module_aliases.setdefault(top, top)
            continue
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            module.constants[target.id] = value.value
        elif isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            module.sequences[target.id] = list(value.elts)


def note_local_import(module: Module, stmt: ast.ImportFrom | ast.Import) -> None:
    """A function-level import (LiteLLM imports lazily inside functions): its names are
    added unless a module-level binding of the same name exists."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname:
                module.module_aliases.setdefault(alias.asname, alias.name)
            else:
                module.module_aliases.setdefault(alias.name.split(".")[0],
                                                 alias.name.split(".")[0])
        return
    is_package = module.rel.endswith("/__init__.py")
    package = module.name if is_package else module.name.rpartition(".")[0]
    source = _absolute(stmt, package)
    for alias in stmt.names:
        local = alias.asname or alias.name
        module.from_imports.setdefault(local, (source, alias.name))
        module.module_aliases.setdefault(local, f"{source}.{alias.name}")


def _absolute(stmt: ast.ImportFrom, package: str) -> str:
    if not stmt.level:
        return stmt.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (stmt.level - 1)] if stmt.level > 1 else parts
    return ".".join([*base, *([stmt.module] if stmt.module else [])])


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, also inside top-level ``if``/``try`` blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _top_level(stmt.body)
            yield from _top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _top_level(stmt.body)
            for handler in stmt.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(stmt.orelse)
            yield from _top_level(stmt.finalbody)


def top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    return _top_level(body)
