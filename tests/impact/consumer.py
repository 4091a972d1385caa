"""An example consumer repository: Next.js-style TS frontend, FastAPI-style backend,
Supabase migrations with a view, an RLS policy, a trigger function and a DO block.

Everything it uses of LiteLLM is written against real releases' schemas (the fixtures
under tests/fixtures/schemas): the frontend's admin page reads
``LiteLLM_ShadowEvalJob.api_key_id``, which 1.102.4 removes; the SQL view reads
``LiteLLM_DailyUserSpend``, whose unique key 1.100.0 replaces.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

FILES: dict[str, str] = {
    "pyproject.toml": """\
[project]
name = "gateway"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["litellm[proxy]==1.100.0", "fastapi"]

[tool.nemoctl]
schemas-dir = "schemas"
generated-dir = "generated"

[tool.nemoctl.impact]
unused = "INFO"
""",
    "README.md": """\
# Gateway

Billing reads `LiteLLM_SpendLogs.spend` per request (see backend/app/billing.py).
""",
    "frontend/tsconfig.json": """\
{
  "compilerOptions": {
    "strict": true, "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
    "jsx": "preserve", "noEmit": true, "skipLibCheck": true, "types": [],
    "baseUrl": ".", "paths": { "@litellm/*": ["../generated/typescript/*"] }
  },
  "include": ["src"]
}
""",
    "frontend/src/lib/types.ts": """\
// Re-exported under the app's own names: uses must be found through the alias.
import type { LiteLLM_SpendLogs, LiteLLM_ShadowEvalJob } from "@litellm/index";

export type SpendRow = LiteLLM_SpendLogs;
export type ShadowJob = LiteLLM_ShadowEvalJob;
""",
    "frontend/src/app/billing/page.tsx": """\
import type { SpendRow } from "../../lib/types";
import type { LiteLLM_TeamTable as Team } from "../../../../generated/typescript/index";

export function total(rows: SpendRow[]): number {
  return rows.reduce((sum, r) => sum + r.spend, 0);
}

export function Row({ row }: { row: SpendRow }) {
  const { model_group, api_key: key } = row;
  return <td>{model_group}{key}{row["request_id"]}</td>;
}

export const draft: Partial<Team> = { team_alias: "billing" };

// Unrelated objects with the same property names are not uses.
const local = { spend: 1, api_key_id: "x" };
export const unrelated = local.spend + local.api_key_id.length;
""",
    "frontend/src/app/admin/shadow-evals.tsx": """\
import type { ShadowJob } from "../../lib/types";

export function JobRow({ job }: { job: ShadowJob }) {
  return (
    <tr>
      <td>{job.router_name}</td>
      <td>{job.api_key_id}</td>
    </tr>
  );
}
""",
    "backend/app/__init__.py": "",
    "backend/app/billing.py": '''\
"""FastAPI-style billing service over LiteLLM's spend logs."""

from fastapi import APIRouter
from nemoctl_models import LiteLLM_SpendLogs, LiteLLM_BudgetTable

router = APIRouter()
TABLE = "LiteLLM_SpendLogs"


def recent() -> list[LiteLLM_SpendLogs]:
    return []


@router.get("/spend")
def spend_total() -> float:
    rows = recent()
    return sum(row.spend for row in rows)


@router.get("/groups")
def groups() -> list[str]:
    first = recent()[0]
    data = first.model_dump()
    return [data["model_group"]]


def budget(limit: float) -> LiteLLM_BudgetTable:
    return LiteLLM_BudgetTable(budget_id="b", max_budget=limit, created_by="x", updated_by="x")


DAILY = """
SELECT user_id, spend
FROM "LiteLLM_DailyUserSpend"
WHERE date = %s
"""
''',
    "supabase/migrations/20250101000000_billing.sql": """\
-- Billing views over LiteLLM's tables (same database as the gateway).
CREATE VIEW billing_daily AS
SELECT d.user_id, d.date, d."spend", d.api_requests
FROM "LiteLLM_DailyUserSpend" d;

CREATE VIEW billing_requests AS
SELECT s.request_id, s."spend", s.model_group
FROM "LiteLLM_SpendLogs" s;

ALTER TABLE "LiteLLM_TeamTable" ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_by_org ON "LiteLLM_TeamTable"
  USING (organization_id = current_setting('app.org_id'));
""",
    "supabase/migrations/20250102000000_triggers.sql": """\
CREATE FUNCTION billing_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "LiteLLM_BudgetTable" SET budget_reset_at = now()
  WHERE budget_id = NEW.budget_id;
  RETURN NEW;
END
$$;

DO $$
BEGIN
  PERFORM 1 FROM "LiteLLM_VerificationToken" WHERE "key_alias" IS NULL;
END
$$;
""",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


def write_consumer(root: Path, generated: dict[str, bytes], *, commit: bool = True) -> Path:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel, data in generated.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if commit:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "consumer")
    return root


def line_of(rel: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line containing ``needle`` in a consumer file."""
    hits = [i for i, line in enumerate(FILES[rel].splitlines(), start=1) if needle in line]
    return hits[nth - 1]
