"""Repository functions: small queries shared by the use cases; each takes the session first
and never commits on its own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Reviewer


def reviewer_by_username(session: Session, username: str) -> Reviewer | None:
    """Return the reviewer with this username, if any."""
    return session.scalar(select(Reviewer).where(Reviewer.username == username))
