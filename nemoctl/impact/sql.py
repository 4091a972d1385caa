"""Uses of LiteLLM tables and columns in the project's SQL, parsed by PostgreSQL's own parser.

``pglast`` wraps libpg_query (the server's grammar), so quoted identifiers, views,
policies, triggers and functions parse as the server would.  Function bodies and
``DO`` blocks in PL/pgSQL are parsed too (``parse_plpgsql``), and each statement
inside them is parsed again as SQL; ``LANGUAGE sql`` bodies are parsed as SQL.

Columns are resolved per statement: ``alias.column`` through the statement's
``FROM`` aliases; a bare column against the LiteLLM tables the statement names (a
policy's table counts); ``NEW.x`` / ``OLD.x`` against the tables the function's
triggers are on (in the same file; else every table with that column);
``%ROWTYPE`` variables against their table; ``JOIN … USING (c)``, trigger
``UPDATE OF c`` / ``WHEN`` clauses, ``ON CONFLICT (c)`` and ``ON CONFLICT ON
CONSTRAINT name`` (the constraint's columns).  Positions are the identifier's own token.

Soundness: a statement that reaches a table without naming its columns — ``SELECT *``,
``t.*``, a whole-row reference, ``INSERT`` / ``COPY`` without a column list, an
identifier the caller could not resolve (an f-string placeholder) — yields a
``possible`` row for that table (docs/impact.md, "Soundness").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nemoctl.impact.names import Names
from nemoctl.impact.raw import RawUse, ScanError, line_col, line_starts

#: Identifiers the Python scanner substitutes for interpolations it cannot resolve.
PLACEHOLDER = "nemoctl_p"
#: Any table that has the column (a trigger function whose trigger is elsewhere).
_ANY = "*"


@dataclass
class _Ctx:
    data: bytes
    starts: list[int]
    names: Names
    out: list[RawUse]
    #: function name → models its triggers (in this text) are on
    triggers: dict[str, set[str]] = field(default_factory=dict)
    #: extra qualifiers (NEW / OLD / %ROWTYPE variables) → models
    qualifiers: dict[str, set[str]] = field(default_factory=dict)
    #: offset of the current top-level statement
    stmt_start: int = 0


def scan_sql(data: bytes, names: Names) -> list[RawUse]:
    """Every use in one SQL file; ScanError when the parser rejects it."""
    from pglast.parser import ParseError, parse_sql_json

    text = data.decode("utf-8", "replace")
    try:
        tree = json.loads(parse_sql_json(text))
    except ParseError as exc:
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        line = text[: max(location, 0)].count("\n") + 1
        raise ScanError(f"line {line}: {exc.args[0]}") from None
    ctx = _Ctx(data, line_starts(data), names, [])
    stmts = [s["stmt"] for s in tree.get("stmts", [])]
    ctx.triggers = _triggers(stmts, names)
    for item in tree.get("stmts", []):
        # libpg_query's locations are offsets into the whole text, not the statement.
        ctx.stmt_start = item.get("stmt_location", 0)
        _statement(item["stmt"], 0, ctx)
    return ctx.out


#: Driver placeholders (psycopg ``%s`` / ``%(name)s``, SQLAlchemy ``:name``) are not SQL;
#: each is replaced by a same-length ``$1`` parameter so offsets stay exact.
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)s|%s|(?<![:\w]):[A-Za-z_][A-Za-z0-9_]*")


def _parameters(sql: str) -> str:
    return _PLACEHOLDER.sub(lambda m: "$1".ljust(len(m.group(0))), sql)


def scan_sql_fragment(sql: str, names: Names, *,
                      qualifiers: dict[str, set[str]] | None = None,
                      ) -> list[tuple[str, str, str, int, str]] | None:
    """Uses in an SQL string embedded in other code: (model, member, target, char offset,
    kind), or ``None`` when the string does not parse as SQL."""
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
    ctx = _Ctx(data, line_starts(data), names, [], qualifiers=dict(qualifiers or {}))
    stmts = [s["stmt"] for s in tree.get("stmts", [])]
    ctx.triggers = _triggers(stmts, names)
    for item in tree.get("stmts", []):
        ctx.stmt_start = item.get("stmt_location", 0)
        _statement(item["stmt"], 0, ctx)
    out = []
    starts = ctx.starts
    for r in ctx.out:
        # Back to a character offset inside the fragment (the caller maps it to its file).
        offset = starts[r.line - 1] + len(
            data[starts[r.line - 1]:].decode("utf-8", "replace")[: r.column - 1].encode())
        out.append((r.model, r.member, r.target, len(data[:offset].decode("utf-8", "replace")),
                    r.kind))
    return out


def _triggers(stmts: list[dict[str, Any]], names: Names) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for stmt in stmts:
        trig = stmt.get("CreateTrigStmt")
        if not trig:
            continue
        model = names.model_of_table(trig.get("relation", {}).get("relname", ""))
        func = [f["String"]["sval"] for f in trig.get("funcname", []) if "String" in f]
        if model and func:
            found.setdefault(func[-1], set()).add(model)
    return found


def _strings(items: list[Any]) -> list[str]:
    return [i["String"]["sval"] for i in items if isinstance(i, dict) and "String" in i]


def _statement(node: dict[str, Any], base: int, ctx: _Ctx) -> None:
    names = ctx.names
    relations: list[tuple[str, str | None, int]] = []  # (relname, alias, location)
    # (parts, location, kind): kind "column", "star" (a * or t.*), "using"/"elem" (a bare
    # name without a location of its own: found in the text from ``location``)
    columns: list[tuple[list[str], int, str]] = []
    stars: list[tuple[str | None, int]] = []  # (qualifier or None, location)
    wholes: list[tuple[str, int]] = []  # INSERT/COPY without a column list
    bodies: list[tuple[str, int, str, str]] = []  # (body, location, language, function name)
    default_tables: list[str] = []
    local_qualifiers: dict[str, set[str]] = {}
    unresolved = False
    for key, value in _walk(node):
        if key == "RangeVar":
            alias = value.get("alias", {}).get("aliasname")
            relname = value["relname"]
            if relname.startswith(PLACEHOLDER):
                unresolved = True
            relations.append((relname, alias, value.get("location", -1)))
        elif key == "ColumnRef":
            fields = value.get("fields", [])
            location = value.get("location", -1)
            parts = _strings(fields)
            if any("A_Star" in f for f in fields if isinstance(f, dict)):
                stars.append((parts[-1] if parts else None, location))
            elif len(parts) == len(fields):
                if any(p.startswith(PLACEHOLDER) for p in parts):
                    unresolved = True
                columns.append((parts, location, "column"))
        elif key == "ResTarget" and "name" in value and "val" not in value:
            # INSERT column lists and UPDATE ... SET targets.
            columns.append(([value["name"]], value.get("location", -1), "column"))
        elif key == "UpdateStmt":
            for item in value.get("targetList", []):
                target = item.get("ResTarget", {})
                if "name" in target:
                    columns.append(([target["name"]], target.get("location", -1), "column"))
        elif key == "InferClause":
            location = value.get("location", -1)
            for elem in value.get("indexElems", []):
                name = elem.get("IndexElem", {}).get("name")
                if name:
                    columns.append(([name], location, "elem"))
            if value.get("conname"):
                _constraint(value["conname"], base + location, ctx)
        elif key == "IndexStmt":
            location = value.get("relation", {}).get("location", -1)
            for elem in value.get("indexParams", []):
                name = elem.get("IndexElem", {}).get("name")
                if name:
                    columns.append(([name], location, "elem"))
        elif key == "JoinExpr" and value.get("usingClause"):
            rarg = value.get("rarg", {})
            location = next(iter(rarg.values())).get("location", -1) if rarg else -1
            for name in _strings(value["usingClause"]):
                columns.append(([name], location, "elem"))
        elif key == "CreateTrigStmt":
            relname = value.get("relation", {}).get("relname", "")
            trig_model = names.model_of_table(relname)
            if trig_model:
                # The WHEN clause's NEW.x / OLD.x are the trigger table's columns.
                local_qualifiers.update({"new": {trig_model}, "old": {trig_model}})
            for name in _strings(value.get("columns", [])):
                # ``UPDATE OF col`` carries no location: the name's token in the statement.
                columns.append(([relname, name], _find(ctx.data, name, base, ctx.stmt_start),
                                "found"))
        elif key == "InsertStmt":
            if not value.get("cols"):
                rel = value.get("relation", {})
                wholes.append((rel.get("relname", ""), rel.get("location", -1)))
        elif key == "CopyStmt":
            rel = value.get("relation", {})
            if rel and not value.get("attlist"):
                wholes.append((rel.get("relname", ""), rel.get("location", -1)))
        elif key == "CreatePolicyStmt":
            default_tables.append(value["table"]["relname"])
        elif key in ("CreateFunctionStmt", "DoStmt"):
            bodies.extend(_bodies(value, key))
    tables: dict[str, str] = {}
    for relname, alias, location in relations:
        model = names.model_of_table(relname)
        if model is None:
            continue
        tables[relname] = model
        if alias:
            tables[alias] = model
        ctx.out.append(_use(model, "", "model", base + location, ctx, "table"))
    named = [names.model_of_table(r) for r, _, _ in relations] + [
        names.model_of_table(t) for t in default_tables]
    in_scope = sorted({m for m in named if m is not None})
    fallback = next((loc for _, _, loc in relations if loc >= 0), 0)
    for qualifier, location in stars:
        where = base + (location if location >= 0 else fallback)
        targets = [tables[qualifier]] if qualifier in tables else (
            in_scope if qualifier is None else [])
        for model in targets:
            ctx.out.append(_use(model, "", "possible", where, ctx, "select-star"))
    for relname, location in wholes:
        model = names.model_of_table(relname)
        if model is not None:
            ctx.out.append(_use(model, "", "possible", base + location, ctx, "select-star"))
    if unresolved:
        for model in in_scope:
            ctx.out.append(_use(model, "", "possible", base + fallback, ctx, "unresolved-sql"))
    for parts, location, kind in columns:
        column = parts[-1]
        if kind == "elem":
            where = _find(ctx.data, column, base, location if location >= 0 else fallback)
        elif kind == "found":
            where = location
        else:
            where = base + (location if location >= 0 else fallback)
            if len(parts) >= 2 and location >= 0:
                # ``d.user_id`` starts at ``d``: point at the column's own token.
                where = _find(ctx.data, column, base, location)
        if len(parts) >= 2:
            qualifier = parts[-2]
            if qualifier in tables:
                candidates = [tables[qualifier]]
            elif qualifier in local_qualifiers or qualifier in ctx.qualifiers:
                candidates = sorted(local_qualifiers.get(qualifier) or ctx.qualifiers[qualifier])
            else:
                candidates = [m for m in [names.model_of_table(qualifier)] if m]
        else:
            if column in tables and column in {r for r, _, _ in relations} | {
                    a for _, a, _ in relations if a}:
                # A whole-row reference (``row_to_json(t)``): every column.
                ctx.out.append(_use(tables[column], "", "possible", where, ctx, "select-star"))
                continue
            candidates = in_scope
        if candidates == [_ANY]:
            for model, field_name in names.columns_named(column):
                ctx.out.append(_use(model, field_name, "field", where, ctx, "column"))
            continue
        for model in candidates:
            resolved = names.field_of_column(model, column)
            if resolved is not None:
                ctx.out.append(_use(model, resolved, "field", where, ctx, "column"))
    for body, location, language, function in bodies:
        _body(body, base + location, language, function, ctx)


def _constraint(name: str, offset: int, ctx: _Ctx) -> None:
    """``ON CONFLICT ON CONSTRAINT name``: a use of each of the constraint's columns (so
    the unique / index finding on it is used)."""
    found = ctx.names.constraints.get(name)
    if found is None:
        return
    model, fields = found
    where = _find(ctx.data, name, 0, offset)
    for field_name in fields:
        ctx.out.append(_use(model, field_name, "field", where, ctx, "column"))


def _find(data: bytes, name: str, base: int, location: int) -> int:
    """Offset of the identifier ``name`` (bare or double-quoted) at or after ``location``;
    ``location`` itself when it is not found."""
    start = base + max(location, 0)
    token = name.encode("utf-8")
    pos = start
    while True:
        pos = data.find(token, pos)
        if pos == -1:
            return start
        before = data[pos - 1:pos]
        after = data[pos + len(token):pos + len(token) + 1]
        if not (before.isalnum() or before == b"_") and not (after.isalnum() or after == b"_"):
            return pos - 1 if before == b'"' else pos
        pos += len(token)


def _use(model: str, member: str, target: str, offset: int, ctx: _Ctx, kind: str) -> RawUse:
    line, col = line_col(ctx.data, max(offset, 0), ctx.starts)
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
                    elif key == "infer":
                        yield "InferClause", value
                    stack.append(value)
                elif isinstance(value, list):
                    stack.extend(value)
        elif isinstance(item, list):
            stack.extend(item)


def _bodies(stmt: dict[str, Any], kind: str) -> Iterator[tuple[str, int, str, str]]:
    options = stmt.get("options" if kind == "CreateFunctionStmt" else "args", [])
    language = "plpgsql" if kind == "DoStmt" else "sql"
    function = (_strings(stmt.get("funcname", [])) or [""])[-1]
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
        yield body[0], body[1], language, function


def _body_start(data: bytes, location: int) -> int:
    """Byte offset where a function body's text starts (after ``$tag$`` or ``'``)."""
    if location < 0 or location >= len(data):
        return max(location, 0)
    if data[location:location + 1] == b"$":
        end = data.find(b"$", location + 1)
        return end + 1 if end != -1 else location
    return location + 1


def _body(body: str, location: int, language: str, function: str, ctx: _Ctx) -> None:
    start = _body_start(ctx.data, location)
    names = ctx.names
    if language == "sql":
        for model, member, target, offset, kind in scan_sql_fragment(body, names) or ():
            ctx.out.append(_use(model, member, target, start + len(body[:offset].encode()),
                                ctx, kind))
        return
    tree = _parse_plpgsql(body)
    if tree is None:
        return  # the mention sweep (scan.py) makes the tables it names possibly used
    # NEW / OLD: the tables this function's triggers are on; when its trigger is not in
    # this text, any table with the column (a use too many is safe, one too few is not).
    qualifiers: dict[str, set[str]] = {q: ctx.triggers.get(function) or {_ANY}
                                       for q in ("new", "old")}
    qualifiers.update(_rowtypes(tree, names))
    line_offsets = [0]
    for line in body.split("\n")[:-1]:
        line_offsets.append(line_offsets[-1] + len(line) + 1)
    for lineno, query, mode in _plpgsql_queries(tree):
        sql, shift = _as_select(query, mode)
        # Find the query's own text in the body, from its statement's line, so positions
        # are the tokens' own.  PERFORM is handed back as SELECT: match the rest.
        from_char = line_offsets[min(max(lineno - 1, 0), len(line_offsets) - 1)]
        found = body.find(query, from_char)
        if found == -1 and query.startswith("SELECT "):
            found = body.find(query[len("SELECT "):], from_char)
            if found != -1:
                shift -= len("SELECT ")
        uses = scan_sql_fragment(sql, names, qualifiers=qualifiers)
        for model, member, target, offset, kind in uses or ():
            if found != -1:
                at = found + offset + shift
            else:
                # PL/pgSQL hands some statements back rewritten (``SELECT … INTO r``
                # loses its INTO): find the identifier itself from the statement's line.
                token = _token_at(sql, offset)
                hit = body.find(token, from_char) if token else -1
                at = hit if hit != -1 else from_char
            ctx.out.append(_use(model, member, target,
                                start + len(body[:max(at, 0)].encode()), ctx, kind))


def _token_at(sql: str, offset: int) -> str:
    """The identifier (bare or double-quoted) or ``*`` starting at ``offset``."""
    if sql[offset:offset + 1] == '"':
        end = sql.find('"', offset + 1)
        return sql[offset:end + 1] if end != -1 else ""
    end = offset
    while end < len(sql) and (sql[end].isalnum() or sql[end] in "_$"):
        end += 1
    return sql[offset:end] or sql[offset:offset + 1]


def _as_select(query: str, mode: int) -> tuple[str, int]:
    """A PL/pgSQL expression as a statement pglast parses, and the offset shift back.

    Parse modes (libpg_query RawParseMode): 0 a statement, 2 an expression, 3-5 an
    assignment ``target := expr`` (only the expression is SQL)."""
    if mode == 0:
        return query, 0
    if mode in (3, 4, 5):
        for sep in (":=", "="):
            cut = query.find(sep)
            if cut != -1:
                rhs = cut + len(sep)
                return "SELECT " + query[rhs:], rhs - len("SELECT ")
    return "SELECT " + query, -len("SELECT ")


def _rowtypes(tree: Any, names: Names) -> dict[str, set[str]]:
    """``r "LiteLLM_X"%ROWTYPE`` variables → {model}."""
    out: dict[str, set[str]] = {}
    for key, value in _walk(tree):
        if key != "PLpgSQL_var":
            continue
        typname = value.get("datatype", {}).get("PLpgSQL_type", {}).get("typname", "")
        if typname.lower().endswith("%rowtype"):
            table = typname[: -len("%rowtype")].split(".")[-1].strip('"')
            model = names.model_of_table(table)
            if model and value.get("refname"):
                out[value["refname"]] = {model}
    return out


def _parse_plpgsql(body: str) -> Any:
    from pglast.parser import ParseError, parse_plpgsql_json

    # Wrapped as a trigger first (NEW/OLD resolve there), else as a void function.
    # RETURN QUERY needs a set-returning function, RETURN expr a value-returning one.
    for returns in ("trigger", "void", "SETOF record", "record"):
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
