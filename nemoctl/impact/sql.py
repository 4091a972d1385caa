"""Uses of LiteLLM tables and columns in the project's SQL, parsed by PostgreSQL's own parser.

``pglast`` wraps libpg_query (the server's grammar), so quoted identifiers, views,
policies, triggers and functions parse as the server would.  Function bodies and
``DO`` blocks in PL/pgSQL are parsed too (``parse_plpgsql``), and each statement
inside them is parsed again as SQL; ``LANGUAGE sql`` bodies are parsed as SQL.

Columns are resolved per statement: ``alias.column`` through the statement's
``FROM`` aliases; a bare column against the LiteLLM tables the statement names (a
policy's table counts).  Positions are the column's own token in the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from nemoctl.impact.names import Names
from nemoctl.impact.raw import RawUse, ScanError, line_col, line_starts


def scan_sql(data: bytes, names: Names) -> list[RawUse]:
    """Every use in one SQL file; ScanError when the parser rejects it."""
    from pglast.parser import ParseError, parse_sql_json

    text = data.decode("utf-8", "replace")
    if "\x00" in text:  # libpg_query stops at a NUL: the rest would go unseen
        raise ScanError("contains a NUL byte: not SQL text")
    try:
        tree = json.loads(parse_sql_json(text))
    except ParseError as exc:
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        line = text[: max(location, 0)].count("\n") + 1
        raise ScanError(f"line {line}: {exc.args[0]}") from None
    starts = line_starts(data)
    found: list[RawUse] = []
    for stmt in tree.get("stmts", []):
        # libpg_query's locations are offsets into the whole text, not the statement.
        _statement(stmt["stmt"], 0, data, starts, names, found)
    return found


#: Driver placeholders (psycopg ``%s`` / ``%(name)s``, SQLAlchemy ``:name``) are not SQL;
#: each is replaced by a same-length ``$1`` parameter so offsets stay exact.
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)s|%s|(?<![:\w]):[A-Za-z_][A-Za-z0-9_]*")


def _parameters(sql: str) -> str:
    return _PLACEHOLDER.sub(lambda m: "$1".ljust(len(m.group(0))), sql)


def scan_sql_fragment(sql: str, names: Names) -> list[tuple[str, str, str, int, str]] | None:
    """Uses in an SQL string embedded in other code: (model, member, target, char offset,
    kind), or ``None`` when the string is not SQL."""
    from pglast.parser import ParseError, parse_sql_json

    try:
        tree = json.loads(parse_sql_json(sql))
    except (ParseError, ValueError):
        try:
            sql = _parameters(sql)
            tree = json.loads(parse_sql_json(sql))
        except (ParseError, ValueError):
            return None
    data = sql.encode("utf-8")
    starts = line_starts(data)
    raw: list[RawUse] = []
    for stmt in tree.get("stmts", []):
        _statement(stmt["stmt"], 0, data, starts, names, raw)
    out = []
    for r in raw:
        # Back to a character offset inside the fragment (the caller maps it to its file).
        offset = starts[r.line - 1] + len(
            data[starts[r.line - 1]:].decode("utf-8", "replace")[: r.column - 1].encode())
        out.append((r.model, r.member, r.target, len(data[:offset].decode("utf-8", "replace")),
                    r.kind))
    return out


def _statement(node: dict[str, Any], base: int, data: bytes, starts: list[int], names: Names,
               out: list[RawUse]) -> None:
    relations: list[tuple[str, str | None, int]] = []  # (relname, alias, location)
    columns: list[tuple[list[str], int]] = []
    bodies: list[tuple[str, int, str]] = []  # (body, location of the AS string, language)
    default_tables: list[str] = []
    for key, value in _walk(node):
        if key == "RangeVar":
            alias = value.get("alias", {}).get("aliasname")
            relations.append((value["relname"], alias, value.get("location", -1)))
        elif key == "ColumnRef":
            parts = [f["String"]["sval"] for f in value.get("fields", []) if "String" in f]
            if len(parts) == len(value.get("fields", [])):
                columns.append((parts, value.get("location", -1)))
        elif key == "ResTarget" and "name" in value and "val" not in value:
            # INSERT column lists and UPDATE ... SET targets.
            columns.append(([value["name"]], value.get("location", -1)))
        elif key == "IndexElem" and "name" in value:
            columns.append(([value["name"]], -1))
        elif key == "UpdateStmt":
            for item in value.get("targetList", []):
                target = item.get("ResTarget", {})
                if "name" in target:
                    columns.append(([target["name"]], target.get("location", -1)))
        elif key == "CreatePolicyStmt":
            default_tables.append(value["table"]["relname"])
        elif key in ("CreateFunctionStmt", "DoStmt"):
            bodies.extend(_bodies(value, key))
    tables = {}
    for relname, alias, location in relations:
        model = names.model_of_table(relname)
        if model is None:
            continue
        tables[relname] = model
        if alias:
            tables[alias] = model
        out.append(_use(model, "", "model", base + location, data, starts, "table"))
    named = [names.model_of_table(r) for r, _, _ in relations] + [
        names.model_of_table(t) for t in default_tables]
    in_scope = sorted({m for m in named if m is not None})
    fallback = next((loc for _, _, loc in relations if loc >= 0), 0)
    for parts, location in columns:
        where = base + (location if location >= 0 else fallback)
        column = parts[-1]
        if len(parts) >= 2:
            model = tables.get(parts[-2])
            candidates = [model] if model else []
        else:
            candidates = in_scope
        for model in candidates:
            field_name = names.field_of_column(model, column)
            if field_name is not None:
                out.append(_use(model, field_name, "field", where, data, starts, "column"))
    for body, location, language in bodies:
        _body(body, base + location, language, data, starts, names, out)


def _use(model: str, member: str, target: str, offset: int, data: bytes, starts: list[int],
         kind: str) -> RawUse:
    line, col = line_col(data, max(offset, 0), starts)
    return RawUse(model, member, target, line, col, kind)


def _walk(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, dict):
                    if key[:1].isupper():
                        yield key, value
                    elif "relname" in value:
                        # A RangeVar in a typed slot (``relation``, ``table``) comes unwrapped.
                        yield "RangeVar", value
                    stack.append(value)
                elif isinstance(value, list):
                    stack.extend(value)
        elif isinstance(item, list):
            stack.extend(item)


def _bodies(stmt: dict[str, Any], kind: str) -> Iterator[tuple[str, int, str]]:
    options = stmt.get("options" if kind == "CreateFunctionStmt" else "args", [])
    language = "plpgsql" if kind == "DoStmt" else "sql"
    body: tuple[str, int] | None = None
    for option in options:
        elem = option.get("DefElem", {})
        arg = elem.get("arg", {})
        if elem.get("defname") == "language" and "String" in arg:
            language = arg["String"]["sval"].lower()
        elif elem.get("defname") == "as":
            if "String" in arg:
                body = (arg["String"]["sval"], elem.get("arg_location", -1))
            elif "List" in arg and arg["List"]["items"]:
                first = arg["List"]["items"][0]
                if "String" in first:
                    body = (first["String"]["sval"], elem.get("arg_location", -1))
    if body is not None and language in ("plpgsql", "sql"):
        yield body[0], body[1], language


def _body_start(data: bytes, location: int) -> int:
    """Byte offset where a function body's text starts (after ``$tag$`` or ``'``)."""
    if location < 0 or location >= len(data):
        return max(location, 0)
    if data[location:location + 1] == b"$":
        end = data.find(b"$", location + 1)
        return end + 1 if end != -1 else location
    return location + 1


def _body(body: str, location: int, language: str, data: bytes, starts: list[int],
          names: Names, out: list[RawUse]) -> None:
    start = _body_start(data, location)
    if language == "sql":
        for model, member, target, offset, kind in scan_sql_fragment(body, names) or ():
            out.append(_use(model, member, target, start + len(body[:offset].encode()),
                            data, starts, kind))
        return
    tree = _parse_plpgsql(body)
    if tree is None:
        return
    line_offsets = [0]
    for line in body.split("\n")[:-1]:
        line_offsets.append(line_offsets[-1] + len(line) + 1)
    for lineno, query, mode in _plpgsql_queries(tree):
        sql = query if mode == 0 else f"SELECT {query}"
        shift = 0 if mode == 0 else -len("SELECT ")
        # Find the query's own text in the body, from its statement's line, so positions
        # are the tokens' own.  PERFORM is handed back as SELECT: match the rest.
        from_char = line_offsets[min(max(lineno - 1, 0), len(line_offsets) - 1)]
        found = body.find(query, from_char)
        if found == -1 and query.startswith("SELECT "):
            found = body.find(query[len("SELECT "):], from_char)
            if found != -1:
                shift -= len("SELECT ")
        for model, member, target, offset, kind in scan_sql_fragment(sql, names) or ():
            at = found + offset + shift if found != -1 else from_char
            out.append(_use(model, member, target, start + len(body[:max(at, 0)].encode()),
                            data, starts, kind))


def _parse_plpgsql(body: str) -> Any:
    from pglast.parser import ParseError, parse_plpgsql_json

    # Wrapped as a trigger first (NEW/OLD resolve there), else as a void function.
    for returns in ("trigger", "void"):
        wrapped = (f"CREATE FUNCTION nemoctl_scan() RETURNS {returns} AS $nemoctl$"
                   f"{body}$nemoctl$ LANGUAGE plpgsql;")
        try:
            return json.loads(parse_plpgsql_json(wrapped))
        except (ParseError, ValueError):
            continue
    return None


def _plpgsql_queries(tree: Any) -> Iterator[tuple[int, str, int]]:
    """(statement line, query text, parse mode) of every PLpgSQL_expr in a function."""
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        item, lineno = stack.pop()
        if isinstance(item, dict):
            lineno = item.get("lineno", lineno)
            expr = item.get("PLpgSQL_expr")
            if isinstance(expr, dict) and "query" in expr:
                yield lineno, expr["query"], expr.get("parseMode", 0)
            stack.extend((v, lineno) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, lineno) for v in item)
