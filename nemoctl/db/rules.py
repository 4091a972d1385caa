"""``db verify``'s rules, registered in the findings kernel (surface ``db``).

``nemoctl/db/verify.py`` emits findings under these IDs; a test checks that every ID it
uses is registered here with the severity it emits by default.
"""

from __future__ import annotations

from nemoctl.findings.severity import Severity
from nemoctl.findings.spec import RuleSpec, register


def _db(rule_id: str, severity: Severity, summary: str, rationale: str, fix: str,
        group: str) -> None:
    register(RuleSpec(rule_id, "db", severity, summary, rationale, fix, group=group))


_db("DB_TABLE_MISSING", "ERR", "A model's table does not exist in the database.",
    "LiteLLM reads and writes the table; every query of it fails (its sacred fields are "
    "named).", "Run the release's migrations (prisma migrate deploy), or point at the "
    "right database and schema.", "table")
_db("DB_TABLE_EXTRA", "INFO", "A table exists in the database but not in the schema.",
    "Your own tables, or a table a newer LiteLLM created; Prisma ignores it.",
    "Nothing to do unless it is LiteLLM's and the database was migrated by another "
    "version.", "table")
_db("DB_COLUMN_MISSING", "ERR", "A field's column does not exist.",
    "Prisma selects every scalar column: reads of the model fail, not only of the field.",
    "Apply the migration that adds it, or check the database was migrated by this "
    "version.", "column")
_db("DB_COLUMN_TYPE", "ERR", "A column's type is incompatible with its field.",
    "Values do not round-trip: Prisma fails to read or write them.",
    "Migrate the column to the schema's type (see the release's migrations).", "column")
_db("DB_COLUMN_TYPE_VARIANT", "WARN",
    "A column has a compatible type other than Prisma's default.",
    "Values round-trip, but a later migration written for the default type may fail.",
    "Align the column with Prisma's type when convenient.", "column")
_db("DB_COLUMN_NULLABILITY", "ERR", "A column's nullability disagrees with its field.",
    "A NULL read into a required field fails; a null written into a NOT NULL column "
    "fails.", "Align the column with the schema (a migration of yours or LiteLLM's).",
    "column")
_db("DB_COLUMN_EXTRA_REQUIRED", "WARN",
    "A column not in the schema is NOT NULL without a default.",
    "Prisma's inserts do not set it, so every insert into the table fails.",
    "Give the column a default or make it nullable.", "column")
_db("DB_COLUMN_EXTRA", "INFO", "A column exists in the database but not in the schema.",
    "Prisma ignores it; it may be yours or left by another version.",
    "Nothing to do unless you expected LiteLLM to manage it.", "column")
_db("DB_ENUM_MISSING", "ERR", "An enum type of the schema does not exist.",
    "Columns of that type cannot exist and writes of it fail.",
    "Run the release's migrations.", "enum")
_db("DB_ENUM_VALUE_MISSING", "ERR", "An enum value of the schema is absent.",
    "Writing that value fails with an invalid input value error.",
    "Run the release's migrations (ALTER TYPE … ADD VALUE).", "enum")
_db("DB_ENUM_VALUE_EXTRA", "INFO", "An enum value exists only in the database.",
    "Rows holding it cannot be read by Prisma's client of this version.",
    "Check no row holds it, or upgrade to the version that added it.", "enum")
_db("DB_SACRED_NOT_IN_SCHEMA", "ERR", "A sacred field is not in the schema compared.",
    "The field your product depends on does not exist in this LiteLLM's schema.",
    "Fix sacred_fields.toml with the field's owner, or stay on the pin.", "sacred")
_db("DB_SACRED_TYPE_CHANGED", "ERR",
    "The schema declares another type for a sacred field than sacred_fields.toml.",
    "Readers of the sacred field expect the recorded type.",
    "Review the change with the field's owner; update sacred_fields.toml only with them.",
    "sacred")
