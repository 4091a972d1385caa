"""LiteLLM's Python API of one release, read statically from its wheel with griffe.

    inv = build_inventory(tree)          # tree: an unpacked wheel (read-only); ~20 s CPU
    inv.resolve("litellm.proxy._types.UserAPIKeyAuth")   # -> Resolved (aliases followed)

griffe loads the package without importing it (``allow_inspection=False``).  griffe
skips directories without an ``__init__.py``, but Python imports them as namespace
packages, and LiteLLM keeps most of its code in such directories (``litellm.types``,
``litellm.litellm_core_utils``, ``litellm.router_utils``: 1,774 of 2,769 files in
1.106.0).  So the tree is staged first: a mirror of symlinks to the ``.py``/``.pyi``
files, with an empty ``__init__.py`` where Python would see a namespace package; a
namespace package's module has no members but its submodules, as in Python.

The inventory keeps only what the judge needs, one compact record per object path:

    ("m",)                                   module ("n": namespace package)
    ("c", bases, labels)                     class; bases as canonical paths
    ("f", labels, params)                    function; params: (name, kind, default,
                                             annotation, admitted) each
    ("a", value, labels)                     attribute; value: source text or None
    ("=", target)                            alias (an import / re-export)

Files griffe could not load (a syntax error, a name Python cannot import) are listed
in ``unloaded`` by module path: a use inside them cannot be checked.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

#: Parameter kinds, one letter each (griffe's ParameterKind values, shortened).
KIND_CODES = {
    "positional-only": "p",
    "positional or keyword": "pk",
    "variadic positional": "*",
    "keyword-only": "k",
    "variadic keyword": "**",
}

ObjKind = Literal["module", "namespace", "class", "function", "attribute", "alias"]
_KIND_OF = {"m": "module", "n": "namespace", "c": "class", "f": "function",
            "a": "attribute", "=": "alias"}
#: Labels that change how a method binds (others — property setters, dataclass… — are
#: kept only when they matter to a rule).
_KEPT_LABELS = frozenset({"async", "classmethod", "staticmethod", "property",
                          "module-attribute", "class-attribute", "instance-attribute",
                          "dataclass"})


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # one of KIND_CODES' values
    default: str | None  # source text of the default, None when required
    annotation: str | None
    #: The values a Literal annotation admits (source text), None: not a Literal.
    admitted: tuple[str, ...] | None = None
    #: The canonical path of a class annotation (an Enum is checked through it).
    annotation_path: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None and self.kind not in ("*", "**")

    def to_list(self) -> list[Any]:
        return [self.name, self.kind, self.default, self.annotation,
                list(self.admitted) if self.admitted is not None else None,
                self.annotation_path]

    @classmethod
    def from_list(cls, data: list[Any]) -> Param:
        name, kind, default, annotation, admitted, apath = data
        return cls(name, kind, default, annotation,
                   tuple(admitted) if admitted is not None else None, apath)


@dataclass(frozen=True, slots=True)
class Obj:
    path: str
    kind: ObjKind
    labels: frozenset[str] = frozenset()
    bases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    value: str | None = None
    target: str | None = None  # alias target path


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a dotted path names in one release."""

    #: "found", "missing" (nothing there), "external" (an alias out of the package:
    #: present, not checked further), "dynamic" (past a function/attribute: an
    #: instance's member, which static reading cannot follow), "unloaded" (in a
    #: module griffe could not read), "lazy" (not defined statically, but the module or
    #: class answers unknown names at run time through ``__getattr__``: cannot tell).
    state: Literal["found", "missing", "external", "dynamic", "unloaded", "lazy"]
    obj: Obj | None = None
    #: The prefix that resolved (for "dynamic": the object the rest is read from).
    why: str = ""


class Records(Protocol):
    """Where an inventory's records live: a dict while building, SQLite when cached."""

    def get(self, path: str) -> list[Any] | None: ...

    def children(self, prefix: str) -> Iterator[tuple[str, list[Any]]]: ...

    def items(self) -> Iterator[tuple[str, list[Any]]]: ...

    def named(self, name: str) -> Iterator[tuple[str, list[Any]]]:
        """Every record whose last path segment is ``name``."""
        ...


class DictRecords:
    def __init__(self, data: dict[str, list[Any]]) -> None:
        self.data = data

    def get(self, path: str) -> list[Any] | None:
        return self.data.get(path)

    def children(self, prefix: str) -> Iterator[tuple[str, list[Any]]]:
        for path, rec in self.data.items():
            if path.startswith(prefix) and "." not in path[len(prefix):]:
                yield path, rec

    def items(self) -> Iterator[tuple[str, list[Any]]]:
        return iter(sorted(self.data.items()))

    def named(self, name: str) -> Iterator[tuple[str, list[Any]]]:
        return ((p, r) for p, r in sorted(self.data.items()) if p.rpartition(".")[2] == name)


@dataclass
class Inventory:
    package: str
    version: str
    records: Records
    unloaded: dict[str, str] = field(default_factory=dict)  # module path -> reason
    #: The wheel it was read from (set when cached; the pair's changes are cached by it).
    wheel_sha256: str = ""
    _memo: dict[str, Resolved] = field(default_factory=dict, repr=False)
    _objs: dict[str, Obj | None] = field(default_factory=dict, repr=False)

    # -- lookups -------------------------------------------------------------------
    def get(self, path: str) -> Obj | None:
        if path in self._objs:
            return self._objs[path]
        obj = self._get(path)
        self._objs[path] = obj
        return obj

    def _get(self, path: str) -> Obj | None:
        rec = self.records.get(path)
        if rec is None:
            return None
        code = rec[0]
        kind: ObjKind = _KIND_OF[code]  # type: ignore[assignment]
        if code == "c":
            return Obj(path, kind, frozenset(rec[2]), tuple(rec[1]))
        if code == "f":
            return Obj(path, kind, frozenset(rec[1]),
                       params=tuple(Param.from_list(p) for p in rec[2]))
        if code == "a":
            return Obj(path, kind, frozenset(rec[2]), value=rec[1])
        if code == "=":
            return Obj(path, kind, target=rec[1])
        return Obj(path, kind)

    def resolve(self, path: str) -> Resolved:
        """The object a dotted path names, following aliases and inherited members."""
        hit = self._memo.get(path)
        if hit is None:
            hit = self._resolve(path, 0)
            self._memo[path] = hit
        return hit

    def _resolve(self, path: str, depth: int) -> Resolved:
        if depth > 40:
            return Resolved("missing", why="alias cycle")
        parts = path.split(".")
        if parts[0] != self.package:
            return Resolved("external", why=path)
        current = self.get(parts[0])
        if current is None:
            unloaded = self._unloaded_under(path)
            return Resolved("unloaded", why=unloaded) if unloaded else Resolved("missing")
        for part in parts[1:]:
            assert current is not None
            if current.kind in ("function", "attribute"):
                return Resolved("dynamic", current, why=current.path)
            child = self._member(current, part, depth)
            if child.state != "found":
                if child.state == "missing":
                    unloaded = self._unloaded_under(current.path + "." + part)
                    if unloaded is not None:
                        return Resolved("unloaded", why=unloaded)
                return child
            current = child.obj
        assert current is not None
        return Resolved("found", current)

    def _member(self, owner: Obj, name: str, depth: int) -> Resolved:
        """``owner.name``: own member (aliases followed), else a base class's."""
        direct = self.get(f"{owner.path}.{name}")
        if direct is not None:
            if direct.kind == "alias":
                assert direct.target is not None
                return self._resolve(direct.target, depth + 1)
            return Resolved("found", direct)
        if owner.kind == "class":
            for base in self.mro(owner)[1:]:
                own = self.get(f"{base.path}.{name}")
                if own is not None:
                    if own.kind == "alias":
                        assert own.target is not None
                        return self._resolve(own.target, depth + 1)
                    return Resolved("found", own)
            for c in self.mro(owner):
                if self.get(f"{c.path}.__getattr__") or self.get(f"{c.path}.__getattribute__"):
                    return Resolved("lazy", owner, why=f"{c.path} answers unknown "
                                    "attributes at run time (__getattr__)")
            if any(self.resolve(b).state != "found" for b in owner.bases):
                # A base out of the package (pydantic's BaseModel…): its members exist
                # but are not in this inventory.
                return Resolved("external", why=f"{owner.path}.{name}")
        if owner.kind in ("module", "namespace") and self.get(f"{owner.path}.__getattr__"):
            return Resolved("lazy", owner, why=f"module {owner.path} answers unknown "
                            "names at run time (__getattr__)")
        return Resolved("missing")

    def mro(self, cls: Obj) -> list[Obj]:
        """The class and its in-package bases, depth-first (enough to find a member)."""
        out: list[Obj] = []
        seen: set[str] = set()
        stack = [cls]
        while stack:
            c = stack.pop(0)
            if c.path in seen:
                continue
            seen.add(c.path)
            out.append(c)
            for base in c.bases:
                r = self.resolve(base) if base != c.path else Resolved("missing")
                if r.state == "found" and r.obj is not None and r.obj.kind == "class":
                    stack.append(r.obj)
        return out

    def _unloaded_under(self, path: str) -> str | None:
        for module, reason in self.unloaded.items():
            if path == module or path.startswith(module + ".") or module.startswith(path + "."):
                return f"{module}: {reason}"
        return None

    def admitted(self, param: Param) -> tuple[str, ...] | None:
        """What a Literal or Enum annotation admits (source text of each value)."""
        if param.admitted is not None:
            return param.admitted
        if param.annotation_path is None:
            return None
        r = self.resolve(param.annotation_path)
        if r.state != "found" or r.obj is None or r.obj.kind != "class":
            return None
        if not any(b.rsplit(".", 1)[-1] in ("Enum", "StrEnum", "IntEnum") for b in r.obj.bases):
            return None
        values = [rec[1] for _, rec in self.records.children(r.obj.path + ".")
                  if rec[0] == "a" and rec[1] is not None]
        return tuple(sorted(values))


# -- building ----------------------------------------------------------------------

def stage(tree: Path, package: str, into: Path) -> list[str]:
    """A mirror of ``tree/package`` griffe can load completely (see the module doc).

    Returns the module paths of every ``.py``/``.pyi`` file staged, so the caller can
    tell which ones griffe did not load.
    """
    modules: list[str] = []
    top = tree / package
    for root, dirs, files in os.walk(top, followlinks=False):
        # A directory whose name is not an identifier cannot be imported as a package.
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and d.isidentifier())
        rel = Path(root).relative_to(tree)
        (into / rel).mkdir(parents=True, exist_ok=True)
        dotted = ".".join(rel.parts)
        has_init = False
        for name in sorted(files):
            stem, _, ext = name.rpartition(".")
            if ext not in ("py", "pyi") or not stem.isidentifier():
                continue
            os.symlink(Path(root) / name, into / rel / name)
            if stem == "__init__":
                has_init = True
                modules.append(dotted)
            else:
                modules.append(f"{dotted}.{stem}")
        if not has_init:
            (into / rel / "__init__.py").write_bytes(b"")
            modules.append(dotted)
    return sorted(set(modules))


def build_inventory(tree: Path, package: str, version: str) -> Inventory:
    """Load ``package`` from an unpacked wheel with griffe; never imports it."""
    import griffe

    if not (tree / package).is_dir():
        return Inventory(package, version, DictRecords({}),
                         {package: f"the wheel has no {package}/ package directory"})
    with tempfile.TemporaryDirectory(prefix="nemoctl-api-") as tmp:
        staged = stage(tree, package, Path(tmp))
        try:
            root = griffe.load(package, search_paths=[tmp], allow_inspection=False,
                               store_source=False, resolve_aliases=False)
        except (griffe.GriffeError, ImportError, SyntaxError, ValueError, RecursionError) as exc:
            # The package itself cannot be read (its __init__ does not parse…): every
            # use of it is then "cannot be read", never "unchanged".
            return Inventory(package, version, DictRecords({}),
                             {package: f"griffe could not load it ({type(exc).__name__})"})
        records: dict[str, list[Any]] = {}
        assert isinstance(root, griffe.Module)
        _walk(root, records)
    unloaded = {module: _reason(tree, module) for module in staged if module not in records}
    return Inventory(package, version, DictRecords(records), unloaded)


def _reason(tree: Path, module: str) -> str:
    """Why griffe did not load a module: its own parse error, when there is one."""
    import ast

    base = tree.joinpath(*module.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py"), base.with_suffix(".pyi")):
        if not path.is_file():
            continue
        try:
            ast.parse(path.read_bytes(), filename=path.name)
        except SyntaxError as exc:
            return f"syntax error at line {exc.lineno}: {exc.msg}"
        except (ValueError, MemoryError, RecursionError) as exc:
            return f"cannot parse: {type(exc).__name__}"
        return "griffe could not load it"
    return "griffe could not load it"


def _walk(module: Any, records: dict[str, list[Any]]) -> None:
    import griffe

    stack = [module]
    while stack:
        obj = stack.pop()
        if obj.is_module:
            is_ns = obj.filepath is not None and not isinstance(obj.filepath, list) \
                and obj.filepath.name == "__init__.py" and obj.filepath.stat().st_size == 0 \
                and not obj.filepath.is_symlink()
            records[obj.path] = ["n" if is_ns else "m"]
        elif obj.is_class:
            records[obj.path] = ["c", [_expr_path(b) for b in obj.bases],
                                 sorted(obj.labels & _KEPT_LABELS)]
        for name, member in obj.members.items():
            path = f"{obj.path}.{name}"
            if member.is_alias:
                records[path] = ["=", member.target_path]
            elif member.is_module or member.is_class:
                stack.append(member)
            elif member.is_function:
                records[path] = ["f", sorted(member.labels & _KEPT_LABELS),
                                 [_param(p).to_list() for p in member.parameters]]
            elif member.is_attribute:
                value = member.value
                records[path] = ["a", None if value is None else _text(value),
                                 sorted(member.labels & _KEPT_LABELS)]
            elif isinstance(member, griffe.TypeAlias):
                records[path] = ["a", _text(member.value), []]


def _text(value: Any, limit: int = 200) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _expr_path(expr: Any) -> str:
    import griffe

    if isinstance(expr, griffe.ExprSubscript):
        expr = expr.left
    if isinstance(expr, (griffe.ExprName, griffe.ExprAttribute)):
        return str(expr.canonical_path)
    return str(expr)


def _param(p: Any) -> Param:
    kind = KIND_CODES[p.kind.value] if p.kind is not None else "pk"
    default = None if p.default is None else _text(p.default)
    annotation = None if p.annotation is None else _text(p.annotation)
    admitted, apath = _admitted(p.annotation)
    return Param(p.name, kind, default, annotation, admitted, apath)


def _admitted(annotation: Any) -> tuple[tuple[str, ...] | None, str | None]:
    """(Literal values, None) for ``Literal[...]`` / ``Optional[Literal[...]]`` /
    ``Literal[...] | None``; (None, class path) for a plain name (maybe an Enum)."""
    import griffe

    if annotation is None or isinstance(annotation, str):
        return None, None
    values: list[str] = []
    if _literal_values(annotation, values):
        return tuple(sorted(set(values))), None
    if isinstance(annotation, (griffe.ExprName, griffe.ExprAttribute)):
        path = str(annotation.canonical_path)
        return None, path if "." in path else None
    return None, None


def _literal_values(expr: Any, out: list[str]) -> bool:
    """Collect a Literal annotation's values; False when any part is not a Literal
    (or None): then anything of that other type is admitted, and no rule applies."""
    import griffe

    if isinstance(expr, griffe.ExprConstant) and expr.value == "None":
        out.append("None")
        return True
    if isinstance(expr, griffe.ExprName) and expr.name == "None":
        out.append("None")
        return True
    if isinstance(expr, griffe.ExprBinOp) and expr.operator == "|":
        return _literal_values(expr.left, out) and _literal_values(expr.right, out)
    if isinstance(expr, griffe.ExprSubscript):
        head = str(expr.left.canonical_path) if hasattr(expr.left, "canonical_path") \
            else str(expr.left)
        name = head.rsplit(".", 1)[-1]
        items = expr.slice.elements if isinstance(expr.slice, griffe.ExprTuple) \
            else [expr.slice]
        if name == "Literal":
            out.extend(str(i) for i in items)
            return True
        if name in ("Optional", "Union"):
            ok = all(_literal_values(i, out) for i in items)
            if name == "Optional":
                out.append("None")
            return ok
    return False
