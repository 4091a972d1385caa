"""Format-preserving edits of a JSON or JSON5 document (comments, quotes, commas kept).

Parsed with ``json-five``'s model loader, which keeps every node's position; an edit
is a text splice at those positions, so every byte outside it stays as it was (the
same idea as ``append_nemoctl_table`` for TOML).  New values are written as JSON (valid
JSON5 too), indented like their neighbours.  :meth:`JsonDocument.apply` parses the
result again and proves it holds exactly the expected data; anything this cannot do
faithfully raises :class:`JsonEditError`, and the caller refuses instead of guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import json5
from json5 import model
from json5.loader import ModelLoader

#: Renovate configs are a few KB; the pure-Python parser takes ~0.3 s per 100 KB.
MAX_CHARS = 256 * 1024


class JsonEditError(Exception):
    """The document cannot be edited faithfully (unparsable, odd shape, too large)."""


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    text: str


def _loads(text: str) -> Any:
    try:
        return json5.loads(text)
    except RecursionError:
        raise JsonEditError("nested too deeply") from None
    except Exception as exc:  # json-five raises its own and ValueError subclasses
        raise JsonEditError(f"not valid JSON5: {exc}") from None


class JsonDocument:
    """One parsed document: its data, its node tree, and text offsets of its nodes."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_CHARS:
            raise JsonEditError(f"larger than {MAX_CHARS // 1024} KB")
        self.text = text
        self.data = _loads(text)
        try:
            tree = json5.loads(text, loader=ModelLoader())
        except RecursionError:
            raise JsonEditError("nested too deeply") from None
        if not isinstance(tree, model.JSONText):
            raise JsonEditError("not a JSON document")
        self.root: model.Value = tree.value
        self.strict = _is_strict_json(text)
        starts = [0]
        for line in text.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        self._starts = starts

    # -- positions ---------------------------------------------------------------

    def start(self, node: model.Node) -> int:
        if node.lineno is None or node.col_offset is None:
            raise JsonEditError("a node without a position")
        return self._starts[node.lineno - 1] + node.col_offset

    def end(self, node: model.Node) -> int:
        if isinstance(node, model.String):
            # json-five's end column is wrong for a string continued over lines.
            return self.start(node) + len(node.raw_value)
        if node.end_lineno is None or node.end_col_offset is None:
            raise JsonEditError("a node without a position")
        return self._starts[node.end_lineno - 1] + node.end_col_offset

    def _line_indent(self, offset: int) -> tuple[str, bool]:
        """The line's leading whitespace, and whether only whitespace precedes ``offset``."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        before = self.text[line_start:offset]
        indent = before[: len(before) - len(before.lstrip(" \t"))]
        return indent, before.strip(" \t\r") == ""

    # -- lookups -----------------------------------------------------------------

    @staticmethod
    def member(obj: model.JSONObject, key: str) -> model.Value | None:
        """The value of ``key`` in ``obj`` (the last one, as JSON parsers do)."""
        found = None
        for k, v in zip(obj.keys, obj.values, strict=True):
            name = k.name if isinstance(k, model.Identifier) else getattr(k, "characters", None)
            if name == key:
                found = v
        return found

    # -- edits -------------------------------------------------------------------

    @staticmethod
    def _render(value: Any, indent: str, unit: str) -> str:
        return dump(value, indent=indent, unit=unit)

    def _layout(self, container: model.Value, items: list[model.Node]) -> tuple[str, str, bool]:
        """(indent of a new item, one indent unit, closing bracket on its own line)."""
        close = self.end(container) - 1
        close_indent, own_line = self._line_indent(close)
        if items:
            item_indent, starts_line = self._line_indent(self.start(items[-1]))
            if starts_line and item_indent.startswith(close_indent) and item_indent != close_indent:
                return item_indent, item_indent[len(close_indent):], own_line
        unit = "\t" if close_indent.startswith("\t") else "  "
        return close_indent + unit, unit, own_line

    def _append(self, container: model.Value, starts: list[model.Node],
                last: model.Node | None, texts: list[str], trailing: bool) -> list[Edit]:
        """Insert ``texts`` as the last items; ``starts``: where each item begins (an
        object member begins at its key), ``last``: the last item's value."""
        close = self.end(container) - 1
        indent, _unit, own_line = self._layout(container, starts)
        if last is None:
            close_indent, _ = self._line_indent(close)
            body = f",\n{indent}".join(texts)
            return [Edit(self.start(container) + 1, close, f"\n{indent}{body}\n{close_indent}")]
        edits = []
        if not trailing:
            # The comma right after the last item, before any comment on its line.
            last_end = self.end(last)
            edits.append(Edit(last_end, last_end, ","))
        tail = "," if trailing else ""
        if own_line:
            line_start = self.text.rfind("\n", 0, close) + 1
            body = "".join(f"{indent}{t}{',' if i < len(texts) - 1 else tail}\n"
                           for i, t in enumerate(texts))
            edits.append(Edit(line_start, line_start, body))
        else:
            edits.append(Edit(close, close, " " + ", ".join(texts) + tail))
        return edits

    def append_members(self, obj: model.JSONObject, members: list[tuple[str, Any]]
                       ) -> list[Edit]:
        indent, unit, _ = self._layout(obj, list(obj.keys))
        texts = [f"{json.dumps(key)}: {self._render(value, indent, unit)}"
                 for key, value in members]
        last = obj.values[-1] if obj.values else None
        return self._append(obj, list(obj.keys), last, texts, obj.trailing_comma is not None)

    def append_element(self, arr: model.JSONArray, value: Any) -> list[Edit]:
        indent, unit, _ = self._layout(arr, list(arr.values))
        last = arr.values[-1] if arr.values else None
        return self._append(arr, list(arr.values), last, [self._render(value, indent, unit)],
                            arr.trailing_comma is not None)

    def replace(self, container: model.Value, node: model.Value, value: Any) -> list[Edit]:
        """Replace ``node`` (an item of ``container``) with ``value``."""
        _indent, unit, _ = self._layout(container, [node])
        indent, _ = self._line_indent(self.start(node))
        return [Edit(self.start(node), self.end(node), self._render(value, indent, unit))]

    def apply(self, edits: list[Edit], expected: Any) -> str:
        """The text with ``edits`` applied; proven to parse back to ``expected``."""
        text = self.text
        # Back to front; of two insertions at one offset, the one listed first goes first.
        order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end, i),
                       reverse=True)
        for edit in (edits[i] for i in order):
            text = text[: edit.start] + edit.text + text[edit.end:]
        if _loads(text) != expected:
            raise JsonEditError("the edited document does not read back as intended")
        if self.strict and not _is_strict_json(text):
            raise JsonEditError("the edit would make a strict JSON file JSON5")
        return text


def dump(value: Any, *, indent: str = "", unit: str = "  ") -> str:
    """JSON text, one member per line; a short list of scalars stays on one line."""
    inner = indent + unit
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: "
                   f"{dump(v, indent=inner, unit=unit)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if not any(isinstance(v, (dict, list)) for v in value):
            flat = "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
            if len(inner) + len(flat) <= 88:
                return flat
        items = [f"{inner}{dump(v, indent=inner, unit=unit)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _is_strict_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
