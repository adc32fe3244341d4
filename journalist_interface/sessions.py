"""Reviewer sessions: revocable rows found by the hash of a cookie (or API) token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from config import ReviewerConfig
from crypto import session_seal
from store.models import Reviewer, ReviewerSession


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def start(
    db: Session, config: ReviewerConfig, reviewer: Reviewer, now: dt.datetime, kind: str
) -> str:
    """Create a session; return its token (cookie value or API bearer token)."""
    token = session_seal.new_token()
    db.add(
        ReviewerSession(
            token_hash=session_seal.token_hash(token),
            reviewer_id=reviewer.id,
            kind=kind,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=config.session_absolute_hours),
        )
    )
    return session_seal.encode_token(token)


def find(
    db: Session, config: ReviewerConfig, value: str | None, now: dt.datetime, kind: str
) -> ReviewerSession | None:
    """Return the live session for a token, touching its idle clock; expired ones are deleted."""
    token = session_seal.decode_token(value)
    if token is None:
        return None
    row = db.scalar(
        select(ReviewerSession).where(
            ReviewerSession.token_hash == session_seal.token_hash(token),
            ReviewerSession.kind == kind,
        )
    )
    if row is None:
        return None
    idle = dt.timedelta(minutes=config.session_idle_minutes)
    if (
        _utc(row.expires_at) <= now
        or _utc(row.last_seen_at) + idle <= now
        or not (row.reviewer.active)
    ):
        db.delete(row)
        return None
    if now - _utc(row.last_seen_at) > dt.timedelta(seconds=30):
        row.last_seen_at = now  # at most one write a half-minute per session
    return row


def end(db: Session, value: str | None) -> None:
    """Delete the session for a token."""
    token = session_seal.decode_token(value)
    if token is not None:
        db.execute(
            delete(ReviewerSession).where(
                ReviewerSession.token_hash == session_seal.token_hash(token)
            )
        )
