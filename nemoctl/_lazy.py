"""Package namespaces whose names load on first use (PEP 562).

A package's ``__init__`` re-exports its public API (the httpx pattern), but importing
every submodule eagerly means that ``import nemoctl.migrations.config`` (a few
dataclasses) also loads the SQL parser, the database driver and the report renderer.
``nemoctl check`` runs on every commit, so a package ``__init__`` instead maps each
public name to the submodule that defines it::

    _WHERE = {"plan": "plan", "Policy": "config", ...}
    __getattr__, __dir__ = exports(__name__, _WHERE, globals())

and the submodule is loaded when the name is first asked for.  Type checkers see the
same names through an ``if TYPE_CHECKING:`` import block beside the map.

Some packages export a function named like one of their submodules
(``nemoctl.migrations.plan``, the function, lives in ``migrations/plan.py``).
Python's import system binds a submodule as a package attribute when it is first
imported, which would let the module shadow the function.  The package's
module object is therefore given a class that refuses exactly that binding, so the
exported object wins whichever is imported first — as with an eager ``__init__``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


class _Package(ModuleType):
    _lazy_where: Mapping[str, str]

    def __setattr__(self, name: str, value: Any) -> None:
        shadowing = (
            isinstance(value, ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
            and name in self._lazy_where
        )
        if not shadowing:
            super().__setattr__(name, value)


def exports(package: str, where: Mapping[str, str],
            namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps name → submodule."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = importlib.import_module(f"{package}.{module}")
        for public, defined_in in where.items():
            if defined_in == module:
                namespace[public] = getattr(loaded, public)
        return namespace[name]

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    module_object = sys.modules[package]
    module_object.__class__ = _Package
    object.__setattr__(module_object, "_lazy_where", where)
    return __getattr__, __dir__
