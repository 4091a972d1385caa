"""The supabase-js ``Database`` type: its shape, and real supabase-js compiling against it.

The expected shape below is written by hand from supabase's conventions for
``supabase gen types typescript`` (postgres-meta's TypeScript template and the
supabase docs), not from nemoctl's output: tables, columns and enums under their
*database* names; ``Row`` with ``| null`` for nullable columns; ``Insert`` optional
where the column is nullable or has a database default; ``Update`` all optional;
``Relationships`` one entry per foreign key the table owns, sorted by constraint
name; numeric types as ``number``, timestamps and bytea as ``string``, json as
``Json``, arrays as ``T[]``; enums referenced through ``Database[schema]["Enums"]``;
empty sections as ``{ [_ in never]: never }``.  Type equality is checked by ``tsc``,
so formatting and member order do not matter but every optional mark does.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from nemoctl import _node
from nemoctl.codegen.supabase import render_database
from nemoctl.config.codegen import CodegenOptions
from nemoctl.schema.parser import parse_text
from tests.codegen.conftest import HEAD, REPO

SCHEMA = HEAD + """
enum Role {
  ADMIN  @map("admin")
  MEMBER @map("member")

  @@map("user_role")
}

model Team {
  id        String   @id @default(uuid())
  name      String
  spend     Float    @default(0.0)
  budget    Decimal?
  tokens    BigInt   @default(0)
  meta      Json     @default("{}")
  tags      String[]
  createdAt DateTime @default(now()) @map("created_at")
  updatedAt DateTime @updatedAt @map("updated_at")
  members   Member[]

  @@map("teams")
}

model Member {
  id      Int      @id @default(autoincrement())
  teamId  String   @map("team_id")
  role    Role     @default(MEMBER)
  roles   Role[]
  blob    Bytes?
  team    Team     @relation(fields: [teamId], references: [id])
  profile Profile?

  @@map("team_members")
}

model Profile {
  memberId Int     @id @map("member_id")
  bio      String?
  member   Member  @relation(fields: [memberId], references: [id])

  @@map("profiles")
}
"""

EXPECTED = """
type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]
type Role = "admin" | "member"

export type Expected<BigIntType> = {
  public: {
    Tables: {
      profiles: {
        Row: { bio: string | null; member_id: number }
        Insert: { bio?: string | null; member_id: number }
        Update: { bio?: string | null; member_id?: number }
        Relationships: [
          {
            foreignKeyName: "profiles_member_id_fkey"
            columns: ["member_id"]
            isOneToOne: true
            referencedRelation: "team_members"
            referencedColumns: ["id"]
          },
        ]
      }
      team_members: {
        Row: { blob: string | null; id: number; role: Role; roles: Role[] | null; team_id: string }
        Insert: {
          blob?: string | null; id?: number; role?: Role; roles?: Role[] | null; team_id: string
        }
        Update: {
          blob?: string | null; id?: number; role?: Role; roles?: Role[] | null; team_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "team_members_team_id_fkey"
            columns: ["team_id"]
            isOneToOne: false
            referencedRelation: "teams"
            referencedColumns: ["id"]
          },
        ]
      }
      teams: {
        Row: {
          budget: number | null; created_at: string; id: string; meta: Json; name: string
          spend: number; tags: string[] | null; tokens: BigIntType; updated_at: string
        }
        Insert: {
          budget?: number | null; created_at?: string; id: string; meta?: Json; name: string
          spend?: number; tags?: string[] | null; tokens?: BigIntType; updated_at: string
        }
        Update: {
          budget?: number | null; created_at?: string; id?: string; meta?: Json; name?: string
          spend?: number; tags?: string[] | null; tokens?: BigIntType; updated_at?: string
        }
        Relationships: []
      }
    }
    Views: { [_ in never]: never }
    Functions: { [_ in never]: never }
    Enums: { user_role: Role }
    CompositeTypes: { [_ in never]: never }
  }
}
"""

# Exact type equality (distinguishes optional from `| undefined`, and readonly).
EQUALS = (
    "export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends "
    "(<T>() => T extends B ? 1 : 2) ? true : false\n"
)


def _tsc(root: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(_node.bin_path("tsc")), "--noEmit", "--strict", "--target", "es2020",
         "--module", "commonjs", "--moduleResolution", "node", "--lib", "es2020,dom",
         "--skipLibCheck", *files],
        capture_output=True, text=True, check=False, cwd=root,
    )


HOSTILE = HEAD + 'model A {\n  id String @id @map("we\\"ird */ col")\n  @@map("t`${x}")\n}\n'


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """Every shape check written out and compiled in one tsc run: errors per file."""
    root = tmp_path_factory.mktemp("supabase-shape")
    schema = parse_text(SCHEMA)
    checks = [EQUALS, EXPECTED.replace("type Json", "export type Json", 1)]
    for mapping in ("number", "string", "bigint"):
        # As `.ts`, not `.d.ts`: skipLibCheck (for the lib files) must not skip it.
        text = render_database(schema, CodegenOptions(bigint=mapping), header="// test")
        (root / f"db_{mapping}.ts").write_text(text)
        checks.append(
            f'import type {{ Database as DB_{mapping} }} from "./db_{mapping}"\n'
            f"const same_{mapping}: Equals<DB_{mapping}, Expected<{mapping}>> = true\n"
            f"export {{ same_{mapping} }}\n"
        )
    (root / "expected.ts").write_text("\n".join(checks))
    # The equality can fail: one optional mark differs from the generated type.
    wrong = EXPECTED.replace("updated_at: string\n        }\n        Update",
                             "updated_at?: string\n        }\n        Update")
    assert wrong != EXPECTED
    (root / "wrong.ts").write_text(
        EQUALS + wrong + 'import type { Database } from "./db_number"\n'
        "const same: Equals<Database, Expected<number>> = true\nexport { same }\n"
    )
    text = render_database(parse_text(HOSTILE), CodegenOptions(supabase_schema="api"), header="")
    (root / "db_hostile.ts").write_text(text)
    (root / "use.ts").write_text(
        'import type { Database } from "./db_hostile"\n'
        'type Row = Database["api"]["Tables"]["t`${x}"]["Row"]\n'
        'const r: Row = { "we\\"ird */ col": "x" }\nexport { r }\n'
    )
    proc = _tsc(root, "expected.ts", "wrong.ts", "use.ts")
    errors: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        if "error TS" in line:
            errors.setdefault(line.split("(", 1)[0], []).append(line)
    return root, errors


def test_database_shape_follows_supabase_conventions(
    compiled: tuple[Path, dict[str, list[str]]],
) -> None:
    root, errors = compiled
    assert set(errors) <= {"wrong.ts"}, errors
    number = (root / "db_number.ts").read_text()
    # Sorted like supabase: tables and columns by name, whatever the schema's order.
    tables = re.findall(r'^      "([^"]+)": \{$', number, flags=re.M)
    assert tables == ["profiles", "team_members", "teams"]
    columns = re.findall(r'^          "([^"]+)": ', number.split("Row: {")[3].split("Insert")[0],
                         flags=re.M)
    assert columns == sorted(columns) and "created_at" in columns


def test_a_wrong_expectation_fails_the_equality(
    compiled: tuple[Path, dict[str, list[str]]],
) -> None:
    _root, errors = compiled
    assert errors.get("wrong.ts") and "not assignable" in errors["wrong.ts"][0]


def test_schema_key_and_names_are_string_literals(
    compiled: tuple[Path, dict[str, list[str]]],
) -> None:
    root, errors = compiled
    text = (root / "db_hostile.ts").read_text()
    assert '"api": {' in text and '"we\\"ird */ col"' in text and '"t`${x}"' in text
    assert "use.ts" not in errors


FRONTEND = """\
import { createClient } from "@supabase/supabase-js"
import type { Database, Tables } from "./database"

const supabase = createClient<Database>("http://127.0.0.1:54321", "anon-key")

export async function spendFor(id: string): Promise<number> {
  const { data, error } = await supabase
    .from("LiteLLM_SpendLogs")
    .select("spend, model_group")
    .eq("organization_id", id)
  if (error) throw error
  let total = 0
  for (const row of data) {
    const spend: number = row.spend
    const group: string | null = row.model_group
    total += group === null ? 0 : spend
  }
  return total
}

export type SpendRow = Tables<"LiteLLM_SpendLogs">
"""

NEGATIVE = """\
import { createClient } from "@supabase/supabase-js"
import type { Database } from "./database"

const supabase = createClient<Database>("http://127.0.0.1:54321", "anon-key")

export async function broken(id: string): Promise<number> {
  const { data } = await supabase
    .from("LiteLLM_SpendLogs")
    .select("spend, no_such_column")
    .eq("organization_id", id)
  return data === null ? 0 : data[0].spend
}
"""


@pytest.fixture(scope="module")
def frontend(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A frontend directory with the real pinned supabase-js and the committed Database."""
    root = tmp_path_factory.mktemp("frontend")
    os.symlink(_node.node_modules(), root / "node_modules")
    # The repository's committed output for the pinned LiteLLM, as a frontend keeps it.
    committed = (REPO / "generated" / "typescript" / "database.d.ts").read_text()
    (root / "database.ts").write_text(committed)
    (root / "app.ts").write_text(FRONTEND)
    (root / "bad.ts").write_text(NEGATIVE)
    return root


def test_supabase_js_compiles_a_typed_query_and_refuses_an_unknown_column(frontend: Path) -> None:
    assert (frontend / "node_modules" / "@supabase" / "supabase-js" / "package.json").is_file()
    # One tsc run for both files: errors are reported per file.
    proc = _tsc(frontend, "app.ts", "bad.ts")
    errors = [line for line in proc.stdout.splitlines() if "error TS" in line]
    assert not [e for e in errors if e.startswith("app.ts")], proc.stdout[-3000:]
    assert any(
        e.startswith("bad.ts") and "no_such_column" in e and "does not exist" in e
        for e in errors
    ), proc.stdout[-3000:]
