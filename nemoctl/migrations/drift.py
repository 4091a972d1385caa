"""Drift Prisma Migrate itself would trip on: edited, missing and out-of-order migrations.

Prisma records a SHA-256 checksum per applied migration in ``_prisma_migrations``;
a migration whose file changed after it was applied, or vanished from the release,
leaves upgraded databases different from new ones.  Between two releases the old
release's files stand for "applied"; against a live database its own history does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from nemoctl.db.migrations import MigrationSet
from nemoctl.diff.report import Severity
from nemoctl.migrations.report import Finding, LiveState
from nemoctl.migrations.rules import make_finding


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_drift(old: MigrationSet, new: MigrationSet,
                  severities: dict[str, Severity]) -> Iterator[Finding]:
    """Old-release migrations edited or missing in the new release."""
    after = {m.name: m.sql for m in new.migrations}
    for m in old.migrations:
        if m.name not in after:
            yield make_finding("MIGRATION_MISSING", severities, m.name, 0,
                               f"{m.name} (in {old.origin}) is missing from {new.origin}",
                               detail=_sha(m.sql))
        elif _sha(after[m.name]) != _sha(m.sql):
            yield make_finding(
                "MIGRATION_EDITED", severities, m.name, 0,
                f"{m.name} differs between {old.origin} (sha256 {_sha(m.sql)[:12]}) and "
                f"{new.origin} (sha256 {_sha(after[m.name])[:12]})",
                detail=f"{_sha(m.sql)}:{_sha(after[m.name])}")


def out_of_order(applied: Sequence[str], pending: Sequence[str],
                 severities: dict[str, Severity]) -> Iterator[Finding]:
    """Pending migrations whose names sort before the newest applied one."""
    if not applied:
        return
    newest = max(applied)
    for name in pending:
        if name < newest:
            yield make_finding(
                "MIGRATION_OUT_OF_ORDER", severities, name, 0,
                f"{name} sorts before {newest}, which is already applied: upgraded "
                "databases run it last, new ones in between", detail=newest)


def live_drift(live: LiveState, new: MigrationSet,
               severities: dict[str, Severity]) -> Iterator[Finding]:
    """What the database's ``_prisma_migrations`` says against the new release's files."""
    files = {m.name: _sha(m.sql) for m in new.migrations}
    for name in live.failed:
        yield make_finding("MIGRATION_FAILED", severities, name, 0,
                           f"{name} is recorded as failed in {live.database}; Prisma will "
                           "not deploy until it is resolved", detail="failed")
    for name, checksum in live.checksums:
        if name in files and checksum and checksum != files[name]:
            yield make_finding(
                "MIGRATION_CHECKSUM_MISMATCH", severities, name, 0,
                f"{name} was applied with checksum {checksum[:12]}, the release's file has "
                f"{files[name][:12]}", detail=f"{checksum}:{files[name]}")
    for name in live.applied:
        if name not in files:
            yield make_finding("MIGRATION_UNKNOWN", severities, name, 0,
                               f"{name} is applied in {live.database} but not shipped by "
                               f"{new.origin}", detail="unknown")
