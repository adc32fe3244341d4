"""Forgetting what is no longer needed, by the policy in instance settings: never-used
codenames after a day, closed cases some days after closing (default 365), codenames with no
case left and no activity for some days; a case on hold is never purged. Deleted blobs go
through the deletion queue (core.deletion); the audit log gets counts, never names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from core import settings, sources, unit
from core.audit import Action, record
from core.cases import delete_case
from core.errors import Invalid
from store.blobs import BlobStore
from store.models import Case, CaseStatus, Reviewer, Source

NOTICE_DAYS = 30
MAX_REASON = 500


@dataclass(frozen=True)
class Purged:
    """How many of each were deleted (counts, never names)."""

    pending_sources: int
    closed_cases: int
    inactive_sources: int = 0


@dataclass(frozen=True)
class Upcoming:
    """A closed case and the day retention will delete it (unless put on hold)."""

    case: Case
    deleted_on: dt.date


def _closed_day() -> ColumnElement[dt.date]:
    # Cases closed before migration 0007 have no closing day: their last activity stands in.
    return func.coalesce(Case.closed_on, Case.last_activity_on)


def closed_before(session: Session, day: dt.date) -> list[Case]:
    """Return closed cases, not on hold, closed before a day."""
    query = select(Case).where(
        Case.status == CaseStatus.CLOSED,
        Case.hold_reason.is_(None),
        _closed_day() < day,
    )
    return list(session.scalars(query))


def upcoming(
    session: Session, desk_ids: list[int], rules: settings.Settings, today: dt.date
) -> list[Upcoming]:
    """Return the cases of these desks that retention deletes within NOTICE_DAYS, soonest
    first (none when closed cases are kept)."""
    days = rules.retention_days
    if not days:
        return []
    query = (
        select(Case)
        .where(
            Case.desk_id.in_(desk_ids),
            Case.status == CaseStatus.CLOSED,
            Case.hold_reason.is_(None),
            _closed_day() < today - dt.timedelta(days=days - NOTICE_DAYS),
        )
        .order_by(_closed_day(), Case.id)
    )
    found = []
    for case in session.scalars(query):
        closed = case.closed_on or case.last_activity_on
        found.append(Upcoming(case, max(today, closed + dt.timedelta(days=days))))
    return found


def held(session: Session, desk_ids: list[int]) -> list[Case]:
    """Return the cases of these desks that are on hold."""
    query = select(Case).where(Case.desk_id.in_(desk_ids), Case.hold_reason.is_not(None))
    return list(session.scalars(query.order_by(Case.id)))


def hold(session: Session, case: Case, actor: Reviewer, reason: str, today: dt.date) -> None:
    """Put a case on hold (never purged while held); the reason goes to the audit log."""
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("a hold needs a reason")
    if len(reason) > MAX_REASON:
        raise Invalid("the reason is too long")
    case.hold_reason, case.held_on = reason, today
    record(session, actor, Action.HOLD, case, reason)


def release(session: Session, case: Case, actor: Reviewer) -> None:
    """Take a case off hold; retention applies to it again."""
    case.hold_reason, case.held_on = None, None
    record(session, actor, Action.HOLD_RELEASED, case)


def inactive_sources(session: Session, day: dt.date) -> list[int]:
    """Return codenames with no case left and no activity since before a day."""
    query = select(Source.id).where(
        Source.pending.is_(False), Source.last_activity_on < day, ~Source.cases.any()
    )
    return list(session.scalars(query))


def purge(
    session: Session,
    blobs: BlobStore,
    rules: settings.Settings,
    today: dt.date,
    now: dt.datetime,
) -> Purged:
    """Apply the retention policy: pending sources, expired source sessions, closed cases
    past retention (their blobs queued for shredding), then codenames left with no case;
    once committed, the deleted rows are pushed out of the database files (a WAL checkpoint on
    SQLite, VACUUM on PostgreSQL; core.unit)."""
    unit.forget_after_commit(session, vacuum=True)
    sources.purge_expired_sessions(session, now)
    pending = sources.purge_pending(session, today)
    days = rules.retention_days  # 0: keep closed cases
    old = closed_before(session, today - dt.timedelta(days=days)) if days else []
    for case in old:
        delete_case(session, blobs, None, case, "retention")
    session.flush()
    idle: list[int] = []
    if rules.inactive_source_days:
        idle = inactive_sources(session, today - dt.timedelta(days=rules.inactive_source_days))
        if idle:
            session.execute(delete(Source).where(Source.id.in_(idle)))
    if pending or old or idle:
        detail = f"{pending} pending sources, {len(old)} cases, {len(idle)} inactive sources"
        record(session, None, Action.PURGE, detail=detail)
    return Purged(pending, len(old), len(idle))
