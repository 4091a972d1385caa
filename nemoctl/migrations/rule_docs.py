"""One-line summaries and examples of the migration rules, for ``nemoctl rules``.

Kept beside the rules (not inside each decorator) so the checks stay short; a test
checks every migration rule has a summary here.
"""

from __future__ import annotations

#: Rule ID → (summary, example).
DOCS: dict[str, tuple[str, str]] = {
    "SQL_TABLE_RENAMED": ("A statement renames a table.",
                          'ALTER TABLE "LiteLLM_Engine" RENAME TO "LiteLLM_Lens";'),
    "SQL_COLUMN_RENAMED": ("A statement renames a column.",
                           'ALTER TABLE "LiteLLM_Lens" RENAME COLUMN "engine_id" TO "lens_id";'),
    "TABLE_DROPPED": ("A statement drops a table.", 'DROP TABLE "LiteLLM_OldCache";'),
    "COLUMN_DROPPED": ("A statement drops a column.",
                       'ALTER TABLE "LiteLLM_SpendLogs" DROP COLUMN "api_base";'),
    "COLUMN_TYPE_CHANGED": ("A statement changes a column's type.",
                            'ALTER TABLE "LiteLLM_SpendLogs" ALTER COLUMN "spend" '
                            "TYPE NUMERIC;"),
    "SET_NOT_NULL": ("A statement makes a column NOT NULL.",
                     'ALTER TABLE "LiteLLM_TeamTable" ALTER COLUMN "team_alias" SET NOT NULL;'),
    "ADD_COLUMN_VOLATILE_DEFAULT": ("A column is added with a volatile default.",
                                    'ALTER TABLE "LiteLLM_SpendLogs" ADD COLUMN "seen_at" '
                                    "TIMESTAMP DEFAULT clock_timestamp();"),
    "ADD_COLUMN_REQUIRED_NO_DEFAULT": ("A NOT NULL column is added without a default.",
                                       'ALTER TABLE "LiteLLM_TeamTable" ADD COLUMN "tier" '
                                       "TEXT NOT NULL;"),
    "INDEX_NOT_CONCURRENT": ("An index is built without CONCURRENTLY.",
                             'CREATE INDEX "SpendLogs_startTime_idx" ON "LiteLLM_SpendLogs" '
                             '("startTime");'),
    "CONSTRAINT_VALIDATION_LOCK": ("A constraint is added and validated in one step.",
                                   'ALTER TABLE "LiteLLM_VerificationToken" ADD CONSTRAINT '
                                   '"fk" FOREIGN KEY ("team_id") REFERENCES "LiteLLM_TeamTable";'),
    "LOCK_ON_LARGE_TABLE": ("A statement takes a write-blocking lock on a large table.",
                            'ALTER TABLE "LiteLLM_SpendLogs" ADD COLUMN "x" TEXT;  '
                            "-- on 48 M rows"),
    "LONG_LOCK_ON_LARGE_TABLE": ("A statement holds a write-blocking lock on a large "
                                 "table for a long time.",
                                 'CREATE INDEX ON "LiteLLM_SpendLogs" ("model_group");'),
    "DATA_DELETED": ("A statement deletes rows.",
                     'DELETE FROM "LiteLLM_SpendLogs" WHERE "spend" = 0;'),
    "DATA_UPDATED": ("A statement rewrites rows.",
                     'UPDATE "LiteLLM_TeamTable" SET "blocked" = false;'),
    "TRIGGER_CHANGED": ("A trigger or trigger function is created, replaced or dropped.",
                        'CREATE OR REPLACE FUNCTION spend_trigger() RETURNS trigger …'),
    "CONCURRENT_INDEX_IN_TRANSACTION": ("CREATE INDEX CONCURRENTLY in a multi-statement "
                                        "migration.",
                                        'CREATE INDEX CONCURRENTLY "i" ON "T" ("c");  '
                                        "-- beside other statements"),
    "DYNAMIC_SQL": ("A PL/pgSQL block runs SQL built at run time.",
                    "DO $$ BEGIN EXECUTE 'ALTER TABLE ' || t || ' …'; END $$;"),
    "UNPARSABLE_SQL": ("PostgreSQL's parser rejects a statement.", "ALTER TABEL \"T\" …;"),
    "WORK_OUTSIDE_MIGRATION": ("A migration is only SELECT 1; its work runs elsewhere.",
                               "-- index built concurrently after deploy\nSELECT 1;"),
    "MIGRATION_EDITED": ("An already-applied migration's content changed in the release.", ""),
    "MIGRATION_MISSING": ("A migration of the old release is gone from the new one.", ""),
    "MIGRATION_OUT_OF_ORDER": ("A new migration sorts before one already applied.", ""),
    "MIGRATION_FAILED": ("The database records a failed migration.", ""),
    "MIGRATION_CHECKSUM_MISMATCH": ("An applied migration differs from the release's file.",
                                    ""),
    "MIGRATION_UNKNOWN": ("The database applied a migration the release does not ship.", ""),
    "SACRED_FIELD_TOUCHED": ("A statement renames, drops, retypes or rewrites a sacred field.",
                             'ALTER TABLE "LiteLLM_SpendLogs" DROP COLUMN "spend";'),
    "USED_OBJECT_CHANGED": ("A statement changes a table or column your code uses.",
                            'ALTER TABLE "LiteLLM_SpendLogs" RENAME COLUMN "model_group" '
                            'TO "group";  -- read in backend/spend.py:14'),
    "REHEARSAL_MIGRATION_FAILED": ("A migration failed on a database with seeded rows.", ""),
    "REHEARSAL_ROWS_LOST": ("Seeded rows are gone after the migrations ran.", ""),
    "REHEARSAL_TABLE_LOST": ("A seeded table is gone after the migrations ran.", ""),
    "REHEARSAL_COLUMN_LOST": ("A seeded column is gone after the migrations ran.", ""),
    "REHEARSAL_VALUES_CHANGED": ("Seeded values read back differently after the "
                                 "migrations.", ""),
    "REHEARSAL_SCHEMA_MISMATCH": ("After the migrations the database differs from the new "
                                  "schema.", ""),
    "REHEARSAL_SEED_SKIPPED": ("A table could not be seeded for the rehearsal.", ""),
}
