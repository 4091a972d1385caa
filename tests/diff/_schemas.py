"""Small hand-written schemas for rule tests: one base, and exact textual mutations of it."""

from __future__ import annotations

BASE = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Org {
  id    String @id @default(uuid())
  name  String
  spend Float  @default(0)
  teams Team[]

  @@map("orgs")
}

model Team {
  id     String   @id
  org_id String?
  alias  String?  @map("team_alias")
  tags   String[] @default([])
  budget Float?
  status Status   @default(ACTIVE)
  count  Int      @default(0)
  org    Org?     @relation(fields: [org_id], references: [id])

  @@unique([alias])
  @@index([budget])
}

model Log {
  id  Int    @id @default(autoincrement())
  msg String
}

enum Status {
  ACTIVE
  PAUSED
  INACTIVE @map("inactive")
}

enum Unused {
  A
}
"""


def mutate(text: str, *edits: tuple[str, str]) -> str:
    """Apply exact replacements; each must match exactly once, so a typo fails loudly."""
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique/present: {old!r}"
        text = text.replace(old, new)
    return text


def mutate_model(text: str, model: str, *edits: tuple[str, str]) -> str:
    """Like :func:`mutate`, but only inside ``model <name> { ... }``."""
    start = text.index(f"model {model} {{")
    end = text.index("\n}", start) + 2
    return text[:start] + mutate(text[start:end], *edits) + text[end:]
