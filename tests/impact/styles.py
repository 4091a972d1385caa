"""A consumer written in every style the usage scan must follow (issue 24), and the
schema edits that break the columns it uses.

Each style is one file; ``EXPECT`` names, per style, the column it uses and the exact
``(path, line)`` of the use — or, for the styles that stay imprecise, the "possibly
used" verdict with its reason (the use kind).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.impact.consumer import git


@dataclass(frozen=True)
class Expect:
    style: str
    path: str
    model: str
    field: str
    #: the line of the use; None: the column is possibly used, with ``reason`` as the kind
    needle: str | None
    reason: str = ""
    #: column of the use (1-based) on its line, when the test pins it
    column_of: str | None = None


SUPABASE_TS = """\
import type { Database } from "../../generated/typescript/database";
declare const supabase: any;
declare const prisma: any;
type TeamRow = Database["public"]["Tables"]["LiteLLM_TeamTable"]["Row"];
export type TeamName = Pick<TeamRow, "team_alias">;
export function pluck<T, K extends keyof T>(rows: T[], key: K): T[K][] {
  return rows.map((r) => r[key]);
}

export async function sessions(id: string) {
  const { data } = await supabase
    .from("LiteLLM_SpendLogs")
    .select("request_id, session_id")
    .eq("request_id", id);
  const providers = pluck(data, "custom_llm_provider");
  const tokens = await prisma.liteLLM_SpendLogs.findMany({ select: { completion_tokens: true } });
  return [data, providers, tokens];
}

export async function keys(alias: string) {
  await supabase.from("LiteLLM_VerificationToken")
    .update({ blocked: true })
    .eq("key_alias", alias)
    .order("max_budget");
  return supabase.from("LiteLLM_UserTable").select("*");
}
"""

SQLALCHEMY_PY = '''\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

md = sa.MetaData()
teams = sa.Table(
    "LiteLLM_TeamTable", md,
    sa.Column("team_id", sa.String, primary_key=True),
    sa.Column("max_budget", sa.Float),
)


class Base(DeclarativeBase):
    pass


class Budget(Base):
    __tablename__ = "LiteLLM_BudgetTable"
    budget_id: Mapped[str] = mapped_column(primary_key=True)
    tpm_limit: Mapped[int]


def blocked(conn: sa.Connection) -> list[str]:
    return list(conn.execute(sa.select(teams.c.team_id).where(teams.c.blocked)))
'''

RAW_SQL_PY = '''\
TABLE = "LiteLLM_SpendLogs"


def cost(conn, rid):
    row = conn.execute(f'SELECT "api_base" FROM "{TABLE}" WHERE request_id = %(rid)s',
                       {"rid": rid}).fetchone()
    return getattr(row, "total_tokens", None)


def dump(conn):
    for row in conn.execute('SELECT * FROM "LiteLLM_SpendLogs"'):
        print(row["cache_hit"])


def orgs(conn, column):
    return conn.execute(f'SELECT {column} FROM "LiteLLM_OrganizationTable"').fetchall()


ADJACENT = ("SELECT key_name "
            'FROM "LiteLLM_VerificationToken" '
            "WHERE tpm_limit > 0")


def errors(conn, name):
    err = conn.execute('SELECT request_id FROM "LiteLLM_ErrorLogs"').fetchone()
    return getattr(err, name)
'''

PLPGSQL_SQL = """\
CREATE FUNCTION team_limits() RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT t.tpm_limit
    FROM "LiteLLM_TeamTable" t;
END
$$;

CREATE FUNCTION key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last "LiteLLM_SpendLogs"%ROWTYPE;
  groups text;
BEGIN
  groups := (SELECT string_agg(model_group, ',')
             FROM "LiteLLM_SpendLogs");
  SELECT * INTO last FROM "LiteLLM_SpendLogs" LIMIT 1;
  IF NEW.expires < now() AND last.spend > 0 THEN
    RAISE NOTICE 'expired %', NEW.token;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER key_spend
  AFTER UPDATE OF spend ON "LiteLLM_VerificationToken"
  FOR EACH ROW WHEN (OLD.budget_reset_at IS DISTINCT FROM NEW.budget_reset_at)
  EXECUTE FUNCTION key_changed();

CREATE VIEW named_teams AS
SELECT a.owner, t.team_id
FROM team_aliases a JOIN "LiteLLM_TeamTable" t USING (team_alias);
"""

FILES: dict[str, str] = {
    "pyproject.toml": '[project]\nname = "styles"\nversion = "0"\n\n'
                      '[tool.nemoctl.impact]\nunused = "INFO"\n',
    "frontend/src/queries.ts": SUPABASE_TS,
    "backend/orm.py": SQLALCHEMY_PY,
    "backend/raw.py": RAW_SQL_PY,
    "backend/broken.py": 'def broken(:\n    return "LiteLLM_AuditLog"\n',
    "scripts/vacuum.sh": "#!/bin/sh\npsql -c 'VACUUM \"LiteLLM_DailyUserSpend\"'\n",
    "db/functions.sql": PLPGSQL_SQL,
}

TS, ORM, RAW, SQL = ("frontend/src/queries.ts", "backend/orm.py", "backend/raw.py",
                     "db/functions.sql")

EXPECT: tuple[Expect, ...] = (
    Expect("supabase-js select string", TS, "LiteLLM_SpendLogs", "session_id",
           '.select("request_id, session_id")', column_of="session_id"),
    Expect("supabase-js .eq", TS, "LiteLLM_VerificationToken", "key_alias",
           '.eq("key_alias"', column_of="key_alias"),
    Expect("supabase-js .order", TS, "LiteLLM_VerificationToken", "max_budget",
           '.order("max_budget")'),
    Expect("supabase-js .update", TS, "LiteLLM_VerificationToken", "blocked",
           ".update({ blocked: true })", column_of="blocked"),
    Expect("supabase-js select('*')", TS, "LiteLLM_UserTable", "user_email", None,
           reason="select-star"),
    Expect("TS Pick<T, literal>", TS, "LiteLLM_TeamTable", "team_alias",
           'Pick<TeamRow, "team_alias">'),
    Expect("pluck(rows, literal)", TS, "LiteLLM_SpendLogs", "custom_llm_provider",
           'pluck(data, "custom_llm_provider")'),
    Expect("Prisma TS select", TS, "LiteLLM_SpendLogs", "completion_tokens",
           "completion_tokens: true"),
    Expect("SQLAlchemy Column in Table", ORM, "LiteLLM_TeamTable", "max_budget",
           'sa.Column("max_budget"'),
    Expect("SQLAlchemy declarative Mapped", ORM, "LiteLLM_BudgetTable", "tpm_limit",
           "tpm_limit: Mapped[int]"),
    Expect("SQLAlchemy t.c.x", ORM, "LiteLLM_TeamTable", "blocked", "teams.c.blocked",
           column_of="blocked"),
    Expect("f-string SQL with a resolved placeholder", RAW, "LiteLLM_SpendLogs", "api_base",
           'SELECT "api_base"', column_of="api_base"),
    Expect("getattr with a literal", RAW, "LiteLLM_SpendLogs", "total_tokens",
           'getattr(row, "total_tokens"', column_of="total_tokens"),
    Expect('row["col"] after SELECT *', RAW, "LiteLLM_SpendLogs", "cache_hit",
           'row["cache_hit"]', column_of="cache_hit"),
    Expect("f-string SQL with an unresolved column", RAW, "LiteLLM_OrganizationTable",
           "organization_alias", None, reason="unresolved-sql"),
    Expect("adjacent string literals (first)", RAW, "LiteLLM_VerificationToken", "key_name",
           '("SELECT key_name "', column_of="key_name"),
    Expect("adjacent string literals (third)", RAW, "LiteLLM_VerificationToken", "tpm_limit",
           '"WHERE tpm_limit > 0"', column_of="tpm_limit"),
    Expect("dynamic getattr", RAW, "LiteLLM_ErrorLogs", "exception_type", None,
           reason="dynamic"),
    Expect("PL/pgSQL RETURN QUERY", SQL, "LiteLLM_TeamTable", "tpm_limit",
           "RETURN QUERY SELECT t.tpm_limit", column_of="tpm_limit"),
    Expect("PL/pgSQL assignment from a subquery", SQL, "LiteLLM_SpendLogs", "model_group",
           "string_agg(model_group", column_of="model_group"),
    Expect("PL/pgSQL %ROWTYPE variable", SQL, "LiteLLM_SpendLogs", "spend", "last.spend",
           column_of="spend"),
    Expect("trigger body NEW.x", SQL, "LiteLLM_VerificationToken", "expires", "NEW.expires",
           column_of="expires"),
    Expect("trigger UPDATE OF", SQL, "LiteLLM_VerificationToken", "spend",
           "AFTER UPDATE OF spend", column_of="spend"),
    Expect("trigger WHEN clause", SQL, "LiteLLM_VerificationToken", "budget_reset_at",
           "WHEN (OLD.budget_reset_at", column_of="budget_reset_at"),
    Expect("JOIN USING", SQL, "LiteLLM_TeamTable", "team_alias",
           "USING (team_alias)", column_of="team_alias"),
    Expect("a file that does not parse", "backend/broken.py", "LiteLLM_AuditLog", "action",
           None, reason="unparsed-file"),
    Expect("a plain text mention", "scripts/vacuum.sh", "LiteLLM_DailyUserSpend", "endpoint",
           None, reason="text"),
)

#: A column nothing reaches: its breaking change is the one re-levelled.
CONTROL = ("LiteLLM_ModelTable", "model_aliases")


def line_of(rel: str, needle: str) -> int:
    hits = [i for i, line in enumerate(FILES[rel].splitlines(), 1) if needle in line]
    assert hits, (rel, needle)
    return hits[0]


def column_in(rel: str, needle: str, token: str) -> int:
    line = FILES[rel].splitlines()[line_of(rel, needle) - 1]
    return line.index(token, line.index(needle) if token in needle else 0) + 1


def write(root: Path, generated: dict[str, bytes], files: dict[str, str] | None = None) -> Path:
    for rel, text in (FILES if files is None else files).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel, data in generated.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "styles")
    return root


def retyped(schema_text: str, columns: list[tuple[str, str]]) -> str:
    """The schema with each (model, field)'s type changed (FIELD_TYPE_CHANGED, ERR)."""
    lines = schema_text.splitlines()
    current = None
    wanted = set(columns)
    done = set()
    for i, line in enumerate(lines):
        stripped = line.strip()
        head = re.match(r"model (\w+) \{", stripped)
        if head:
            current = head.group(1)
            continue
        if stripped == "}":
            current = None
            continue
        parts = stripped.split()
        if current and len(parts) >= 2 and (current, parts[0]) in wanted:
            old = parts[1]
            base = old.rstrip("?[]")
            new = ("Int" if base == "String" else "String") + old[len(base):]
            # Attributes go (a default of the old type would not parse), except @map.
            keep = re.search(r"@map\([^)]*\)", stripped)
            lines[i] = f"  {parts[0]} {new}" + (f" {keep.group(0)}" if keep else "")
            done.add((current, parts[0]))
    assert done == wanted, wanted - done
    return "\n".join(lines) + "\n"
