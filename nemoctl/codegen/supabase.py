"""``generated/typescript/database.d.ts``: a supabase-js ``Database`` type for the schema.

The shape is the one ``supabase gen types typescript`` emits, so a frontend can write
``createClient<Database>(url, key)`` and get typed ``from(...).select(...)``:

    Database[<schema>]["Tables"][<table>]["Row" | "Insert" | "Update" | "Relationships"]
    Database[<schema>]["Views" | "Functions" | "Enums" | "CompositeTypes"]

supabase reads the live database, so every name and every type here is the
database's, not Prisma's: tables and columns by their ``@@map``/``@map`` names, enum
values as stored, and nullability as PostgreSQL has it.  Two consequences differ
from the Prisma-level interfaces in ``index.d.ts``, on purpose:

- a scalar list (``String[]``) is a nullable array column in PostgreSQL (Prisma
  creates ``TEXT[]`` without ``NOT NULL``), so its ``Row`` type includes ``null``;
- defaults that Prisma's client computes (``uuid()``, ``cuid()``, ``nanoid()``,
  ``ulid()``) and ``@updatedAt`` are not database defaults, so an ``Insert`` through
  PostgREST must supply those columns.

Like supabase, tables, columns and enums are sorted by name and relationships by
constraint name; numeric columns are ``number``; ``BigInt`` follows the project's
``bigint`` option.  Names are emitted as JSON string literals, so no schema text is
ever read as TypeScript syntax.
"""

from __future__ import annotations

import json

from nemoctl.config.codegen import CodegenOptions
from nemoctl.schema.model import Field, Model, Schema

DATABASE_PATH = "generated/typescript/database.d.ts"

#: Prisma defaults computed by the Prisma client, not by the database.
CLIENT_DEFAULTS = frozenset({"uuid", "cuid", "nanoid", "ulid"})

_SCALAR_TS = {
    "String": "string",
    "Boolean": "boolean",
    "Int": "number",
    "Float": "number",
    "Decimal": "number",
    "DateTime": "string",
    "Json": "Json",
    "Bytes": "string",
}

_EMPTY = "{\n      [_ in never]: never\n    }"


def _q(text: str) -> str:
    # JSON string syntax is valid TypeScript string syntax; ASCII-only output keeps
    # line separators and control characters escaped.
    return json.dumps(text, ensure_ascii=True)


def _sort_key(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def column_type(field: Field, schema: Schema, options: CodegenOptions) -> str:
    """The TypeScript type of one column's value (without ``| null``)."""
    if field.kind == "enum":
        enum = schema.enum(field.type)
        db_name = (enum.db_name or enum.name) if enum is not None else field.type
        base = f"Database[{_q(options.supabase_schema)}]['Enums'][{_q(db_name)}]"
    elif field.type == "BigInt":
        base = options.bigint
    else:
        base = _SCALAR_TS[field.type]
    return f"({base})[]" if field.is_list and field.kind == "enum" else (
        f"{base}[]" if field.is_list else base
    )


def column_nullable(field: Field) -> bool:
    """Nullable in PostgreSQL: optional fields, and every scalar list (see module doc)."""
    return field.is_list or not field.is_required


def has_database_default(field: Field) -> bool:
    default = field.default
    if default is None:
        return False
    return not (default.is_function and default.function in CLIENT_DEFAULTS)


def render_database(schema: Schema, options: CodegenOptions, *, header: str) -> str:
    """The whole ``database.d.ts``: ``Json``, ``Database`` and the lookup helpers."""
    models = sorted(schema.models, key=lambda m: _sort_key(m.table))
    tables = ",\n".join(_table(m, schema, options) for m in models)
    enums = sorted(schema.enums, key=lambda e: _sort_key(e.db_name or e.name))
    enum_lines = ",\n".join(
        f"      {_q(e.db_name or e.name)}: " + " | ".join(_q(v.stored) for v in e.values)
        for e in enums
    )
    key = _q(options.supabase_schema)
    parts = [
        header,
        "export type Json =\n  | string\n  | number\n  | boolean\n  | null\n"
        "  | { [key: string]: Json | undefined }\n  | Json[]\n",
        "export type Database = {",
        f"  {key}: {{",
        "    Tables: " + (f"{{\n{tables}\n    }}" if models else _EMPTY),
        f"    Views: {_EMPTY}",
        f"    Functions: {_EMPTY}",
        "    Enums: " + (f"{{\n{enum_lines}\n    }}" if enums else _EMPTY),
        f"    CompositeTypes: {_EMPTY}",
        "  }",
        "}\n",
        _HELPERS.replace("__SCHEMA__", key),
    ]
    return "\n".join(parts)


def _table(model: Model, schema: Schema, options: CodegenOptions) -> str:
    columns = sorted(model.scalar_fields, key=lambda f: _sort_key(f.column))

    def member(f: Field, optional: bool) -> str:
        null = " | null" if column_nullable(f) else ""
        mark = "?" if optional else ""
        return f"          {_q(f.column)}{mark}: {column_type(f, schema, options)}{null}"

    row = "\n".join(member(f, False) for f in columns)
    insert = "\n".join(
        member(f, column_nullable(f) or has_database_default(f)) for f in columns
    )
    update = "\n".join(member(f, True) for f in columns)
    rels = _relationships(model, schema)
    relationships = "[]" if not rels else "[\n" + ",\n".join(rels) + "\n        ]"
    return (
        f"      {_q(model.table)}: {{\n"
        f"        Row: {{\n{row}\n        }}\n"
        f"        Insert: {{\n{insert}\n        }}\n"
        f"        Update: {{\n{update}\n        }}\n"
        f"        Relationships: {relationships}\n"
        "      }"
    )


def _relationships(model: Model, schema: Schema) -> list[str]:
    """One entry per foreign key this table owns (the relation side with ``fields:``)."""
    entries: list[tuple[str, str]] = []
    for f in model.relation_fields:
        rel = f.relation
        target = schema.model(f.type)
        if rel is None or not rel.from_fields or target is None:
            continue
        columns = [_column(model, name) for name in rel.from_fields]
        referenced = [_column(target, name) for name in rel.to_fields]
        # Prisma's default constraint name (an explicit `map:` is not in the DMMF).
        fk = f"{model.table}_{'_'.join(columns)}_fkey"
        one_to_one = _is_unique(model, rel.from_fields)
        entries.append((fk, (
            "          {\n"
            f"            foreignKeyName: {_q(fk)}\n"
            f"            columns: [{', '.join(map(_q, columns))}]\n"
            f"            isOneToOne: {'true' if one_to_one else 'false'}\n"
            f"            referencedRelation: {_q(target.table)}\n"
            f"            referencedColumns: [{', '.join(map(_q, referenced))}]\n"
            "          }"
        )))
    return [text for _, text in sorted(entries, key=lambda e: _sort_key(e[0]))]


def _column(model: Model, field_name: str) -> str:
    f = model.field(field_name)
    return f.column if f is not None else field_name


def _is_unique(model: Model, fields: tuple[str, ...]) -> bool:
    if len(fields) == 1:
        f = model.field(fields[0])
        if f is not None and (f.is_unique or f.is_id):
            return True
    wanted = set(fields)
    return any(
        index.kind in ("id", "unique") and {c.split(" ")[0] for c in index.fields} == wanted
        for index in model.indexes
    )


# Lookup helpers in the spirit of supabase's (`Tables<"x">`, `TablesInsert<"x">`,
# `TablesUpdate<"x">`, `Enums<"x">`), for the one schema this file describes.
_HELPERS = """\
type DefaultSchema = Database[__SCHEMA__]

/** The row type of a table: `Tables<"LiteLLM_SpendLogs">`. */
export type Tables<T extends keyof DefaultSchema["Tables"]> = DefaultSchema["Tables"][T]["Row"]

/** The insert type of a table. */
export type TablesInsert<T extends keyof DefaultSchema["Tables"]> =
  DefaultSchema["Tables"][T]["Insert"]

/** The update type of a table. */
export type TablesUpdate<T extends keyof DefaultSchema["Tables"]> =
  DefaultSchema["Tables"][T]["Update"]

/** The values of an enum, as stored. */
export type Enums<T extends keyof DefaultSchema["Enums"]> = DefaultSchema["Enums"][T]
"""
