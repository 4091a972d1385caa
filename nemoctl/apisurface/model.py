"""What the consumer's code uses of LiteLLM's Python API: one :class:`ApiUse` per use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

UseKind = Literal[
    "import",    # import litellm.x / from litellm.x import y [as z]
    "star",      # from litellm.x import *  (path: the module)
    "read",      # litellm.x.y read (an attribute chain, a module global)
    "call",      # litellm.x.f(...) / Router(...) / router.acompletion(...)
    "subclass",  # class Mine(litellm.X): path is the base
    "override",  # a method of such a subclass: path is base + "." + method
    "write",     # litellm.x = value / setattr(litellm, "x", value)
    "delete",    # del litellm.x / delattr(litellm, "x")
    "patch",     # mock.patch("litellm.x.f") / monkeypatch.setattr(litellm.x, "f", …)
    "dynamic",   # getattr(litellm, name) with a name only known at run time
]
#: How a written value looks: a setting (constant, list, dict…) or code (a function).
ValueKind = Literal["literal", "container", "function", "other", ""]

Sig = tuple[tuple[str, str, bool], ...]  # (name, kind code, has default) per parameter


#: What a trimmed cache row's missing fields stand for.
_ROW_DEFAULTS: list[Any] = [None, None, None, None, False, "", "", [], [], 0, False, False,
                            "", [], []]


class ApiUse(NamedTuple):
    """One use.  A named tuple rather than a frozen dataclass: a warm scan of a large
    project rebuilds tens of thousands of these from the cache, and a tuple is built in
    one C call (``ApiUse._make(row)``) instead of one ``__setattr__`` per field."""

    kind: UseKind
    path: str
    file: str
    line: int
    column: int
    snippet: str = ""
    #: call: keyword names passed, (keyword, literal source) for constants, positional count.
    keywords: tuple[str, ...] = ()
    literals: tuple[tuple[str, str], ...] = ()
    positional: int = 0
    #: call: ``*args``/``**kwargs`` passed (which names arrive is unknown).
    spread: bool = False
    #: call on an instance (``router.acompletion`` where ``router = Router(...)``).
    via_instance: bool = False
    #: override: the consumer's class, the method's parameters and binding labels.
    owner: str = ""
    signature: Sig = ()
    labels: tuple[str, ...] = ()
    #: write/patch: what is written.
    value: ValueKind = ""
    #: import: the alias the code binds (``as z``), for the map.
    alias: str = ""
    #: The file is a test (patches there are how tests isolate code, not findings).
    in_tests: bool = False

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def to_row(self) -> list[Any]:
        """The cached form: no file (the cache is keyed by content), no snippet (made
        from the file's text when printed), and no trailing default fields — most uses
        are imports and reads, and a warm scan's cost is parsing these rows."""
        row: list[Any] = [self.kind, self.path, self.line, self.column, self.in_tests,
                          self.alias, self.value, list(self.keywords),
                          [list(x) for x in self.literals], self.positional, self.spread,
                          self.via_instance, self.owner, [list(x) for x in self.signature],
                          list(self.labels)]
        while len(row) > 4 and not row[-1]:
            row.pop()
        return row

    @classmethod
    def from_row(cls, file: str, row: list[Any], snippet: str = "") -> ApiUse:
        if len(row) <= 5:  # an import or a read: the common case, kept cheap
            return tuple.__new__(cls, (row[0], row[1], file, row[2], row[3], snippet, (), (),
                                       0, False, False, "", (), (), "", "",
                                       len(row) == 5 and row[4]))
        row = row + _ROW_DEFAULTS[len(row):]
        (kind, path, line, column, in_tests, alias, value, keywords, literals, positional,
         spread, via_instance, owner, signature, labels) = row
        return tuple.__new__(cls, (kind, path, file, line, column, snippet, tuple(keywords),
                                   tuple(map(tuple, literals)), positional, spread,
                                   via_instance, owner, tuple(map(tuple, signature)),
                                   tuple(labels), value, alias, in_tests))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "path": self.path, "file": self.file,
                                "line": self.line, "column": self.column}
        if self.keywords:
            data["keywords"] = list(self.keywords)
        if self.alias:
            data["alias"] = self.alias
        if self.owner:
            data["owner"] = self.owner
        if self.signature:
            data["signature"] = [p[0] for p in self.signature]
        if self.labels:
            data["labels"] = list(self.labels)
        if self.value:
            data["value"] = self.value
        if self.via_instance:
            data["via_instance"] = True
        return data


@dataclass(frozen=True, slots=True)
class Unparseable:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ApiUsage:
    """Every use in the project, in file then line order."""

    uses: tuple[ApiUse, ...]
    files_scanned: int
    unparseable: tuple[Unparseable, ...] = ()
    cache_hits: int = 0
    #: The text of each file with uses (snippets are made from it on demand).
    sources: Mapping[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def snippet(self, use: ApiUse) -> str:
        from nemoctl.apisurface.consumer import snippet_for

        if use.snippet or use.file not in self.sources:
            return use.snippet
        return snippet_for(use, self.sources[use.file].decode("utf-8", "replace")
                           .splitlines())

    def to_dict(self) -> dict[str, Any]:
        return {"files_scanned": self.files_scanned,
                "uses": [u.to_dict() for u in self.uses],
                "unparseable": [{"path": u.path, "reason": u.reason}
                                for u in self.unparseable]}
