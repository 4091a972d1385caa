"""Drift Prisma would trip on: a hand-edited old migration, a missing one, out-of-order names."""

from __future__ import annotations

from pathlib import Path

from nemoctl.db import MigrationSet, migrations_from_dir
from nemoctl.migrations import plan, sha256
from tests.migrations.conftest import write_dir

EDITED = "20250326162113_baseline"


def _dirs(tmp_path: Path, old_set: MigrationSet, new_set: MigrationSet) -> tuple[Path, Path]:
    return write_dir(tmp_path / "old", old_set), write_dir(tmp_path / "new", new_set)


def test_hand_edited_old_migration_trips_migration_edited(
        tmp_path: Path, old_set: MigrationSet, new_set: MigrationSet) -> None:
    old_dir, new_dir = _dirs(tmp_path, old_set, new_set)
    target = sorted(new_dir.glob("*/migration.sql"))[0]
    original = target.read_text()
    target.write_text(original.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))

    report = plan(migrations_from_dir(old_dir), migrations_from_dir(new_dir))

    (edited,) = report.rules_fired("MIGRATION_EDITED")
    assert edited.migration == target.parent.name
    assert edited.severity == "ERR" and report.blocking and report.exit_code() == 4
    assert sha256(original)[:12] in edited.message
    assert sha256(target.read_text())[:12] in edited.message
    assert not report.rules_fired("MIGRATION_MISSING")
    assert len(report.pending) == 42  # an edited file is not re-applied by Prisma


def test_missing_old_migration_trips_migration_missing(
        tmp_path: Path, old_set: MigrationSet, new_set: MigrationSet) -> None:
    old_dir, new_dir = _dirs(tmp_path, old_set, new_set)
    gone = sorted(p.parent for p in new_dir.glob("*/migration.sql"))[100]
    (gone / "migration.sql").unlink()
    gone.rmdir()

    report = plan(migrations_from_dir(old_dir), migrations_from_dir(new_dir))

    (missing,) = report.rules_fired("MIGRATION_MISSING")
    assert missing.migration == gone.name and missing.blocking
    assert not report.rules_fired("MIGRATION_EDITED")


def test_unchanged_release_pair_has_no_drift(old_set: MigrationSet, new_set: MigrationSet) -> None:
    report = plan(old_set, new_set)
    assert not report.rules_fired("MIGRATION_EDITED")
    assert not report.rules_fired("MIGRATION_MISSING")


def test_same_release_has_nothing_pending(old_set: MigrationSet) -> None:
    report = plan(old_set, old_set)
    assert report.pending == () and report.findings == () and report.exit_code() == 0
