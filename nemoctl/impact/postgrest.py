"""supabase (PostgREST) query builders: ``from("T").select("a, b, rel(c)").eq("d", x)``.

Both scanners (Python ``ast`` for supabase-py, the TypeScript compiler API for
supabase-js) hand over the chain of calls that follows ``.from("T")`` / ``.table("T")``
as language-neutral :class:`Step` values; this module resolves it to columns.

The select string is parsed with PostgREST's own grammar (``docs.postgrest.org``,
"Vertical filtering"): ``alias:column::cast``, JSON paths ``col->a->>b``, embedded
resources ``rel(...)`` / ``alias:rel!hint(...)`` / ``...rel(...)``, aggregates
``col.sum()``, ``count()`` and ``*``.  Rows a query returns carry only the columns its
select string names, so the select string alone decides which columns rows can reach.

Soundness: ``*``, ``select()`` with no argument, a select or a filter column that is not
a string literal, or a write whose row is not an object literal makes the table
"possibly used" (a ``possible`` use), never unused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from nemoctl.impact.names import Names
from nemoctl.impact.raw import RawUse

#: Filter / modifier methods whose first argument is a column name.
_COLUMN_FIRST = frozenset({
    "eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "is", "is_", "in", "in_",
    "contains", "containedBy", "contained_by", "rangeGt", "rangeGte", "rangeLt", "rangeLte",
    "rangeAdjacent", "range_gt", "range_gte", "range_lt", "range_lte", "range_adjacent",
    "overlaps", "textSearch", "text_search", "filter", "not", "not_", "order", "likeAllOf",
    "likeAnyOf", "ilikeAllOf", "ilikeAnyOf", "like_all_of", "like_any_of", "ilike_all_of",
    "ilike_any_of", "fts", "plfts", "phfts", "wfts",
})
#: Methods whose first argument is a row (or rows) written.
_WRITES = frozenset({"insert", "update", "upsert"})
#: Methods with no column in their arguments.
_NEUTRAL = frozenset({"delete", "limit", "range", "single", "maybeSingle", "maybe_single",
                      "execute", "then", "csv", "geojson", "explain", "abortSignal",
                      "returns", "throwOnError", "overrideTypes", "count", "head", "rollback",
                      "options", "schema"})


@dataclass(frozen=True, slots=True)
class Arg:
    """One call argument: a string literal (``value`` at ``line``/``col``, the column of
    its first character inside the quotes), an object literal (``keys``), or anything
    else (``kind = "other"``)."""

    kind: str  # "str" | "obj" | "other"
    value: str = ""
    line: int = 0
    col: int = 0
    #: object literal keys: (key, line, col, its value when that is a string literal)
    keys: tuple[tuple[str, int, int, Arg | None], ...] = ()
    #: the literal spans lines (positions inside it are then found line by line)
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    method: str
    args: tuple[Arg, ...] = ()
    #: Python keyword arguments (``on_conflict="a,b"``)
    keywords: tuple[tuple[str, Arg], ...] = ()


@dataclass
class _Out:
    names: Names
    found: list[RawUse] = field(default_factory=list)

    def column(self, model: str | None, column: str, line: int, col: int) -> None:
        column = column.strip().strip('"')
        if not column or column == "*":
            return
        if model is None:
            for m, f in self.names.columns_named(column):
                self.found.append(RawUse(m, f, "field", line, col, "column"))
            return
        field_name = self.names.field_of_column(model, column)
        if field_name is not None:
            self.found.append(RawUse(model, field_name, "field", line, col, "column"))

    def possible(self, model: str | None, line: int, col: int, kind: str) -> None:
        if model is not None:
            self.found.append(RawUse(model, "", "possible", line, col, kind))


def resolve_chain(model: str, table_line: int, table_col: int, steps: list[Step],
                  names: Names) -> list[RawUse]:
    """The uses of one builder chain on ``model``'s table (the ``from`` literal at
    ``table_line``/``table_col``)."""
    out = _Out(names)
    out.found.append(RawUse(model, "", "model", table_line, table_col, "table"))
    for step in steps:
        method = step.method
        first = step.args[0] if step.args else None
        if method == "select":
            if first is None:
                if not any(s.method in _WRITES for s in steps):
                    out.possible(model, table_line, table_col, "select-star")
                else:
                    # insert(...).select() returns every column of the written rows.
                    out.possible(model, table_line, table_col, "select-star")
            elif first.kind == "str":
                _select(model, first, out)
            else:
                out.possible(model, table_line, table_col, "unresolved-sql")
        elif method in _COLUMN_FIRST:
            if first is None:
                continue
            if first.kind == "str":
                name = _column_part(first.value)
                out.column(model, name, first.line, first.col)
            else:
                out.possible(model, table_line, table_col, "dynamic")
        elif method in ("or", "or_", "and", "and_"):
            if first is not None and first.kind == "str":
                for name, offset in _logic_columns(first.value):
                    line, col = _at(first, offset)
                    out.column(model, name, line, col)
            elif first is not None:
                out.possible(model, table_line, table_col, "dynamic")
        elif method == "match":
            if first is not None and first.kind == "obj":
                for key, line, col, _value in first.keys:
                    out.column(model, key, line, col)
            elif first is not None:
                out.possible(model, table_line, table_col, "dynamic")
        elif method in _WRITES:
            if first is not None and first.kind == "obj":
                for key, line, col, _value in first.keys:
                    out.column(model, key, line, col)
            elif first is not None:
                out.possible(model, table_line, table_col, "dynamic")
            for opt in (*step.args[1:], *(a for _, a in step.keywords)):
                _conflict_option(model, opt, step.keywords, out)
        elif method not in _NEUTRAL:
            # A builder method this module does not know: it may name any column.
            out.possible(model, table_line, table_col, "dynamic")
    return out.found


def _conflict_option(model: str, opt: Arg, keywords: tuple[tuple[str, Arg], ...],
                     out: _Out) -> None:
    targets: list[Arg] = []
    if opt.kind == "obj":
        targets = [v for k, _l, _c, v in opt.keys if k in ("onConflict", "on_conflict")
                   and v is not None]
    else:
        targets = [a for k, a in keywords if k == "on_conflict" and a is opt]
    for arg in targets:
        if arg.kind != "str":
            continue
        offset = 0
        for part in arg.value.split(","):
            start = offset + len(part) - len(part.lstrip())
            line, col = _at(arg, start)
            out.column(model, part.strip(), line, col)
            offset += len(part) + 1


def _at(arg: Arg, offset: int) -> tuple[int, int]:
    """The source position of ``offset`` inside a string literal."""
    text = arg.value[:offset]
    newlines = text.count("\n")
    if newlines:
        return arg.line + newlines, len(text) - text.rfind("\n")
    return arg.line, arg.col + offset


def _column_part(text: str) -> str:
    """The column of a filter / order argument: ``col``, ``col->>path``, ``rel.col``
    (a foreign table's column: the part after the dot)."""
    base = text.split("->", 1)[0]
    return base.rsplit(".", 1)[-1]


def _logic_columns(text: str) -> Iterator[tuple[str, int]]:
    """Columns of a PostgREST logic filter ``a.eq.1,and(b.gt.2,c.is.null)``."""
    pos = 0
    depth_starts = [0]
    while pos <= len(text):
        ch = text[pos] if pos < len(text) else ","
        if ch == "(":
            depth_starts.append(pos + 1)
            pos += 1
            continue
        if ch in ",)":
            start = depth_starts[-1]
            item = text[start:pos]
            if item and "." in item and not item.startswith(("and", "or", "not.and",
                                                              "not.or")):
                name = item.split(".", 1)[0].strip()
                yield name, start + len(item) - len(item.lstrip())
            if ch == ")" and len(depth_starts) > 1:
                depth_starts.pop()
            depth_starts[-1] = pos + 1
        pos += 1


def parse_select(text: str) -> list[tuple[str, int, list[str]]]:
    """The columns a select string names: (column, offset, embedding path of resource
    names), plus ``("*", offset, path)`` for every star."""
    out: list[tuple[str, int, list[str]]] = []
    _items(text, 0, len(text), [], out)
    return out


def _items(text: str, start: int, end: int, path: list[str],
           out: list[tuple[str, int, list[str]]]) -> None:
    depth = 0
    item_start = start
    i = start
    while i <= end:
        ch = text[i] if i < end else ","
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == '"':
            close = text.find('"', i + 1)
            i = close if close != -1 else end
        elif ch == "," and depth == 0:
            _item(text, item_start, i, path, out)
            item_start = i + 1
        i += 1


def _item(text: str, start: int, end: int, path: list[str],
          out: list[tuple[str, int, list[str]]]) -> None:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    start += lead
    raw = raw.strip()
    if not raw:
        return
    if raw.startswith("..."):
        raw, start = raw[3:], start + 3
    paren = raw.find("(")
    head = raw if paren == -1 else raw[:paren]
    # ``alias:name`` (the alias only renames the output key)
    colon = _alias_colon(head)
    if colon != -1:
        start += colon + 1
        head = head[colon + 1:]
        raw = raw[colon + 1:]
        paren = raw.find("(")
    name = head.split("::", 1)[0].split("->", 1)[0].split("!", 1)[0]
    if "." in name and paren != -1:
        # an aggregate ``col.sum()``: the column before the dot
        out.append((name.split(".", 1)[0], start, path))
        return
    if paren != -1 and not raw[:paren].endswith((".count", ".sum", ".avg", ".min", ".max")):
        if name in ("count",):
            return
        inner_start = start + paren + 1
        inner_end = start + len(raw) - (1 if raw.endswith(")") else 0)
        # An embedded resource: a table (or a foreign-key column / relation name).
        out.append((name, start, [*path, "@"]))
        _items(text, inner_start, inner_end, [*path, name], out)
        return
    out.append((name.strip('"'), start, path))


def _alias_colon(head: str) -> int:
    pos = head.find(":")
    while pos != -1 and head[pos + 1:pos + 2] == ":":
        pos = head.find(":", pos + 2)
    return pos


def _select(model: str, arg: Arg, out: _Out) -> None:
    names = out.names
    for name, offset, path in parse_select(arg.value):
        line, col = _at(arg, offset)
        if path and path[-1] == "@":
            # The embedded resource's own name: a foreign-key column of this table (a
            # use of it), else a table name (reached through the embedding).
            owner = _owner(model, path[:-1], names)
            if owner is not None and names.field_of_column(owner, name) is not None:
                out.column(owner, name, line, col)
            embedded = names.model_of_table(name)
            if embedded is not None:
                out.found.append(RawUse(embedded, "", "model", line, col, "table"))
            continue
        owner = _owner(model, path, names)
        if name == "*":
            if owner is not None:
                out.possible(owner, line, col, "select-star")
            elif path:
                # ``rel(*)`` through a relation name nemoctl cannot map: every table
                # could be it; the base table at least is reached.
                out.possible(model, line, col, "select-star")
            continue
        if owner is None and path:
            out.column(None, name, line, col)  # any table with that column
        else:
            out.column(owner, name, line, col)


def _owner(model: str, path: list[str], names: Names) -> str | None:
    """The model an embedding path ends at: the base table, or the last embedded name
    when it is a table; ``None`` when a resource name is not a table."""
    if not path:
        return model
    return names.model_of_table(path[-1])
