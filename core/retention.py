"""Forgetting what is no longer needed: never-used sources, expired sessions, and closed
cases past the retention period an admin set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import settings, sources, unit
from core.audit import Action, record
from core.cases import delete_case
from store.blobs import BlobStore
from store.models import Case, CaseStatus


@dataclass(frozen=True)
class Purged:
    """How many of each were deleted (counts, never names)."""

    pending_sources: int
    closed_cases: int
    orphaned_sources: int = 0


def closed_before(session: Session, day: dt.date) -> list[Case]:
    """Return closed cases whose last activity was before a day."""
    query = select(Case).where(Case.status == CaseStatus.CLOSED, Case.last_activity_on < day)
    return list(session.scalars(query))


def purge(
    session: Session,
    blobs: BlobStore,
    rules: settings.Settings,
    today: dt.date,
    now: dt.datetime,
) -> Purged:
    """Purge pending sources, expired source sessions, closed cases past retention (their
    blobs are shredded once the transaction commits) and then sources left without any case
    for as long; afterwards the deleted rows are pushed out of the database files (a WAL
    checkpoint on SQLite, VACUUM on PostgreSQL)."""
    unit.forget_after_commit(session, vacuum=True)
    sources.purge_expired_sessions(session, now)
    pending = sources.purge_pending(session, today)
    days = rules.retention_days  # 0: keep closed cases
    cutoff = today - dt.timedelta(days=days)
    old = closed_before(session, cutoff) if days else []
    for case in old:
        delete_case(session, blobs, None, case, "retention")
    orphans = sources.purge_orphans(session, cutoff) if days else 0
    if pending or old or orphans:
        record(
            session,
            None,
            Action.PURGE,
            detail=f"{pending} pending sources, {len(old)} cases, {orphans} sources without cases",
        )
    return Purged(pending, len(old), orphans)
