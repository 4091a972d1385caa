"""YAML read safely, with line numbers: the only way nemoctl reads a YAML file.

ruamel.yaml composes the file into its node graph (a linear pass over the text that
expands nothing), and this module builds plain Python values from that graph itself,
so what a hostile file can cost is decided here, before any value is copied:

* **size**: a file larger than :data:`MAX_BYTES` is refused unread;
* **tags**: only YAML's core types (null, bool, int, float, str, timestamp, mapping,
  sequence, and the ``<<`` merge key) are accepted; ``!!python/object`` or any other
  tag is refused, never constructed;
* **aliases**: an alias is a reference in the graph, and building values copies it.
  The size of the expanded tree is computed on the graph first (memoised per node, so
  "a billion laughs" costs a few hundred steps), and a document expanding past
  :data:`MAX_NODES` values or :data:`MAX_DEPTH` levels, or with a recursive alias, is
  refused before anything is built;
* **shape**: not YAML, or not a mapping where one is required, is a
  :class:`~nemoctl.errors.BadInputError` (exit 2) naming the file and the line.

Every mapping key keeps its 1-based line and column in :attr:`YamlDocument.positions`,
keyed by the path of keys and list indexes that leads to it, so findings can point at
the consumer's own line.  Duplicate keys keep the last value (as PyYAML's
``safe_load``, which LiteLLM uses, does); merged keys never override explicit ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemoctl.errors import BadInputError

MAX_BYTES = 4 * 1024 * 1024
#: Values in one document after aliases are expanded (a large real proxy config with a
#: few hundred deployments has ~20 000).
MAX_NODES = 250_000
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _CORE + t for t in ("null", "bool", "int", "float", "str", "timestamp")
)
_MAP = _CORE + "map"
_SEQ = _CORE + "seq"
_MERGE = _CORE + "merge"

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One YAML document as plain Python values, with where each mapping key is."""

    path: Path
    data: Any = field(repr=False)
    #: (key path) -> (line, column), both 1-based, of the key (of the item, for lists).
    positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)

    def line(self, *keys: str | int) -> int:
        """The line of ``keys`` (or of its nearest ancestor that has one; 1 if none)."""
        path: PathKey = tuple(keys)
        while path:
            where = self.positions.get(path)
            if where is not None:
                return where[0]
            path = path[:-1]
        return 1

    def column(self, *keys: str | int) -> int:
        where = self.positions.get(tuple(keys))
        return where[1] if where else 0


def load(path: Path, *, what: str = "YAML file", require_mapping: bool = True) -> YamlDocument:
    """The single document in ``path``; an empty file is an empty mapping."""
    docs = list(_documents(path, what, single=True))
    if not docs:
        return YamlDocument(path, {} if require_mapping else None, {})
    doc = docs[0]
    if require_mapping and not isinstance(doc.data, dict):
        if doc.data is None:
            return YamlDocument(path, {}, {})
        raise BadInputError(f"{what} {path} must be a mapping at the top level")
    return doc


def load_all(path: Path, *, what: str = "YAML file") -> tuple[YamlDocument, ...]:
    """Every document of a multi-document stream (Kubernetes manifests)."""
    return tuple(_documents(path, what, single=False))


def loads(text: str, *, name: str = "<text>", what: str = "YAML") -> YamlDocument:
    """``text`` parsed as one document (used by tests and in-memory callers)."""
    docs = list(_parse(text, Path(name), what, single=True))
    return docs[0] if docs else YamlDocument(Path(name), None, {})


def _documents(path: Path, what: str, *, single: bool) -> Iterator[YamlDocument]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadInputError(
                f"{what} {path} is {size} bytes; larger than the {MAX_BYTES}-byte limit"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # grew between stat and read
        raise BadInputError(f"{what} {path} is larger than the {MAX_BYTES}-byte limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError(f"{what} {path} is not UTF-8 text") from None
    yield from _parse(text, path, what, single=single)


def _parse(text: str, path: Path, what: str, *, single: bool) -> Iterator[YamlDocument]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        if single:
            node = yaml.compose(text)
            nodes = [] if node is None else [node]
        else:
            nodes = [n for n in yaml.compose_all(text) if n is not None]
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        detail = f": {problem}" if isinstance(problem, str) else ""
        raise BadInputError(f"{what} {path} is not valid YAML{where}{detail}") from None
    except RecursionError:
        raise BadInputError(f"{what} {path} nests deeper than YAML can be read") from None
    for node in nodes:
        builder = _Builder(path, what, yaml.constructor)
        builder.measure(node)
        data = builder.build(node, ())
        yield YamlDocument(path, data, builder.positions)


class _Builder:
    def __init__(self, path: Path, what: str, constructor: Any) -> None:
        self.path = path
        self.what = what
        self.constructor = constructor
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self._sizes: dict[int, int] = {}

    def _refuse(self, node: Any, problem: str) -> BadInputError:
        line = node.start_mark.line + 1 if getattr(node, "start_mark", None) else 0
        return BadInputError(f"{self.what} {self.path} line {line}: {problem}")

    # -- the expanded size, on the graph, before anything is built ----------------

    def measure(self, root: Any) -> None:
        total = self._size(root, 0, set())
        if total > MAX_NODES:
            raise self._refuse(
                root, f"expands to more than {MAX_NODES} values (aliases); refused unread"
            )

    def _size(self, node: Any, depth: int, active: set[int]) -> int:
        key = id(node)
        known = self._sizes.get(key)
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            raise self._refuse(node, f"nests deeper than {MAX_DEPTH} levels")
        if key in active:
            raise self._refuse(node, "a recursive alias (an anchor used inside itself)")
        tag = node.tag
        if tag == _MAP:
            active.add(key)
            total = 1
            for k, v in node.value:
                if k.tag == _MERGE:
                    pass  # a merge key itself is no value; what it merges is counted
                elif k.tag not in _SCALAR_TAGS:
                    raise self._refuse(k, "a mapping key must be a plain scalar")
                total += 1 + self._size(v, depth + 1, active)
                if total > MAX_NODES:
                    break
            active.discard(key)
        elif tag == _SEQ:
            active.add(key)
            total = 1
            for item in node.value:
                total += self._size(item, depth + 1, active)
                if total > MAX_NODES:
                    break
            active.discard(key)
        elif tag in _SCALAR_TAGS:
            total = 1
        else:
            raise self._refuse(node, f"tag {tag!r} is not allowed (only YAML's core types)")
        self._sizes[key] = total
        if total > MAX_NODES:
            raise self._refuse(
                node, f"expands to more than {MAX_NODES} values (aliases); refused unread"
            )
        return total

    # -- plain values ---------------------------------------------------------------

    def build(self, node: Any, path: PathKey) -> Any:
        if node.tag == _MAP:
            return self._mapping(node, path)
        if node.tag == _SEQ:
            out = []
            for i, item in enumerate(node.value):
                self.positions.setdefault((*path, i), _mark(item))
                out.append(self.build(item, (*path, i)))
            return out
        return self._scalar(node)

    def _scalar(self, node: Any) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # a malformed int/timestamp literal, in ruamel's words
            raise self._refuse(node, f"cannot read the value ({type(exc).__name__})") from None

    def _mapping(self, node: Any, path: PathKey) -> dict[Any, Any]:
        explicit: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        where: dict[PathKey, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if value_node.tag == _SEQ else [value_node]
                for source in sources:
                    if source.tag != _MAP:
                        raise self._refuse(source, "a merge key (<<) needs a mapping")
                    for k, v in self._mapping(source, path).items():
                        merged.setdefault(k, v)
                continue
            key = self._scalar(key_node)
            if isinstance(key, (list, dict)):
                raise self._refuse(key_node, "a mapping key must be a plain scalar")
            child = (*path, key)
            where[child] = _mark(key_node)
            explicit[key] = self.build(value_node, child)
        self.positions.update(where)  # after merges: an explicit key is where it is written
        return {**merged, **explicit}


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
