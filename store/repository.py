"""Repository functions: each takes the session first and never commits on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import (
    AuditEvent,
    CaseStatus,
    Desk,
    DeskRecipient,
    Reviewer,
    Source,
    SourceSession,
    Submission,
    SubmissionKind,
)


def today() -> dt.date:
    """Return today's date in UTC: the only precision a source's actions are kept at."""
    return dt.datetime.now(dt.UTC).date()


def add_desk(
    session: Session, slug: str, name_th: str, name_en: str, recipients: Sequence[tuple[str, str]]
) -> Desk:
    """Add a desk with its (recipient, fingerprint) pairs."""
    desk = Desk(slug=slug, name_th=name_th, name_en=name_en, active=True)
    desk.recipients = [DeskRecipient(recipient=r, fingerprint=f, label="") for r, f in recipients]
    session.add(desk)
    session.flush()
    return desk


def desks(session: Session, active_only: bool = True) -> Sequence[Desk]:
    """Return desks ordered by slug."""
    query = select(Desk).order_by(Desk.slug)
    if active_only:
        query = query.where(Desk.active.is_(True))
    return session.scalars(query).all()


def desk_by_slug(session: Session, slug: str) -> Desk | None:
    """Return the desk with this slug, if any."""
    return session.scalar(select(Desk).where(Desk.slug == slug))


def add_source(session: Session, lookup_id: str, reply_recipient: str, designation: str) -> Source:
    """Add a pending source (it becomes visible with its first submission)."""
    day = today()
    source = Source(
        lookup_id=lookup_id,
        reply_recipient=reply_recipient,
        designation=designation,
        pending=True,
        created_on=day,
        last_activity_on=day,
    )
    session.add(source)
    session.flush()
    return source


def source_by_lookup_id(session: Session, lookup_id: str) -> Source | None:
    """Return the source with this lookup id, if any."""
    return session.scalar(select(Source).where(Source.lookup_id == lookup_id))


def designation_taken(session: Session, designation: str) -> bool:
    """Say whether a designation is already in use."""
    return session.scalar(select(Source.id).where(Source.designation == designation)) is not None


def add_submission(
    session: Session,
    source: Source,
    desk: Desk,
    kind: SubmissionKind,
    blob_name: str,
    ciphertext_size: int,
) -> Submission:
    """Record a stored ciphertext; the first one makes the source a case of that desk."""
    day = today()
    if source.pending:
        source.pending = False
        source.desk_id = desk.id
        source.received_on = day
        source.acknowledge_due_on = day + dt.timedelta(days=7)
    source.last_activity_on = day
    submission = Submission(
        source=source,
        desk_id=desk.id,
        kind=kind,
        blob_name=blob_name,
        ciphertext_size=ciphertext_size,
        created_on=day,
    )
    session.add(submission)
    session.flush()
    return submission


def stale_pending_sources(session: Session, before: dt.date) -> Sequence[Source]:
    """Return pending sources created before a day (to purge: they never submitted)."""
    query = select(Source).where(Source.pending.is_(True), Source.created_on < before)
    return session.scalars(query).all()


def delete_sources(session: Session, ids: Sequence[int]) -> None:
    """Delete sources by id (their submissions and replies cascade; blobs are the caller's)."""
    session.execute(delete(Source).where(Source.id.in_(ids)))


def add_reviewer(
    session: Session,
    username: str,
    passphrase_hash: str,
    totp_secret: str,
    is_admin: bool,
    desks: Sequence[Desk],
) -> Reviewer:
    """Add a reviewer belonging to some desks."""
    reviewer = Reviewer(
        username=username,
        passphrase_hash=passphrase_hash,
        totp_secret=totp_secret,
        is_admin=is_admin,
        active=True,
        failed_logins=0,
        created_at=dt.datetime.now(dt.UTC),
        desks=list(desks),
    )
    session.add(reviewer)
    session.flush()
    return reviewer


def reviewer_by_username(session: Session, username: str) -> Reviewer | None:
    """Return the reviewer with this username, if any."""
    return session.scalar(select(Reviewer).where(Reviewer.username == username))


def purge_expired_source_sessions(session: Session, now: dt.datetime) -> None:
    """Delete source sessions whose idle deadline has passed."""
    session.execute(delete(SourceSession).where(SourceSession.expires_at <= now))


def purge_pending_sources(session: Session, today_: dt.date) -> int:
    """Delete sources that never submitted and were created before yesterday; return count."""
    stale = [s.id for s in stale_pending_sources(session, today_ - dt.timedelta(days=1))]
    delete_sources(session, stale)
    return len(stale)


def audit(
    session: Session,
    reviewer: Reviewer | None,
    action: str,
    case_designation: str | None = None,
    detail: str = "",
) -> None:
    """Append an audit event: who, what, which case, when; never content, never codes."""
    session.add(
        AuditEvent(
            at=dt.datetime.now(dt.UTC),
            reviewer_id=reviewer.id if reviewer else None,
            action=action,
            case_designation=case_designation,
            detail=detail,
        )
    )


def closed_cases_before(session: Session, day: dt.date) -> Sequence[Source]:
    """Return closed cases whose last activity was before a day (retention)."""
    query = select(Source).where(Source.status == CaseStatus.CLOSED, Source.last_activity_on < day)
    return session.scalars(query).all()
