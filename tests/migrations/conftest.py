"""Real LiteLLM migrations for the migration-gate tests, without the network.

* ``old_set``: the 171 migrations of ``litellm-proxy-extras`` 0.4.97, installed in
  nemoctl's own environment (``litellm[proxy]==1.102.4``);
* ``new_set``: those plus the 42 files 0.4.108 (``litellm[proxy]==1.106.0``) adds,
  extracted byte for byte into ``tests/fixtures/migrations/extras-0.4.108-added``
  (origin and checksum in its README) — exactly the 213 migrations of 0.4.108.

Database fixtures use the machine's PostgreSQL (``tests/db/conftest.py``): it never
skips, an unreachable server is a loud failure.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from nemoctl.db import Migration, MigrationSet, installed_migrations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
ADDED = FIXTURES / "extras-0.4.108-added"
#: SHA-256 over (name, content) of all 213 migrations of litellm-proxy-extras 0.4.108.
EXTRAS_0_4_108_DIGEST = "e1b31d596c236dee068fc1a240e79c5449227c79e73eec9a123a7a3a2df0afdf"


def digest(migrations: MigrationSet) -> str:
    h = hashlib.sha256()
    for m in migrations.migrations:
        h.update(m.name.encode() + b"\0" + m.sql.encode() + b"\0")
    return h.hexdigest()


@pytest.fixture(scope="session")
def old_set() -> MigrationSet:
    found = installed_migrations()
    assert found.extras_version == "0.4.97", "nemoctl's environment pins litellm 1.102.4"
    return found


def added_migrations() -> tuple[Migration, ...]:
    return tuple(Migration(p.parent.name, p.read_text(encoding="utf-8"))
                 for p in sorted(ADDED.glob("*/migration.sql")))


@pytest.fixture(scope="session")
def new_set(old_set: MigrationSet) -> MigrationSet:
    merged = sorted((*old_set.migrations, *added_migrations()), key=lambda m: m.name)
    result = MigrationSet("litellm-proxy-extras 0.4.108", tuple(merged), "0.4.108")
    assert digest(result) == EXTRAS_0_4_108_DIGEST
    return result


def write_dir(root: Path, migrations: MigrationSet) -> Path:
    """A Prisma-style migrations directory (``<name>/migration.sql``)."""
    root.mkdir(parents=True, exist_ok=True)
    for m in migrations.migrations:
        (root / m.name).mkdir()
        (root / m.name / "migration.sql").write_text(m.sql, encoding="utf-8")
    return root


def copy_dir(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
