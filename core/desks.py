"""Desks (receiving organisations) and their age recipients."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import Action, record
from core.errors import Conflict, Invalid, NotFound
from crypto.errors import CryptoError
from crypto.fingerprint import fingerprint
from crypto.keys import Recipient
from store.models import Desk, DeskRecipient, Reviewer


def parse_recipients(lines: Sequence[str]) -> list[Recipient]:
    """Parse age recipients (one per line, blanks ignored); Invalid if any is bad or none."""
    try:
        parsed = [Recipient.parse(line.strip()) for line in lines if line.strip()]
    except CryptoError as exc:
        raise Invalid(f"bad recipient: {exc}") from None
    if not parsed:
        raise Invalid("a desk needs at least one recipient")
    return parsed


def listed(session: Session, active_only: bool = True) -> list[Desk]:
    """Return desks ordered by slug."""
    query = select(Desk).order_by(Desk.slug)
    if active_only:
        query = query.where(Desk.active.is_(True))
    return list(session.scalars(query))


def receiving(session: Session) -> list[Desk]:
    """Return the desks a source can choose: active and with at least one recipient."""
    return [d for d in listed(session) if d.recipients]


def by_slug(session: Session, slug: str) -> Desk:
    """Return the desk with this slug, or raise NotFound."""
    desk = session.scalar(select(Desk).where(Desk.slug == slug))
    if desk is None:
        raise NotFound(f"no desk {slug!r} (see list-desks)")
    return desk


def _rows(recipients: Sequence[Recipient]) -> list[DeskRecipient]:
    return [
        DeskRecipient(recipient=str(r), fingerprint=fingerprint(r), label="") for r in recipients
    ]


def add(
    session: Session,
    actor: Reviewer | None,
    slug: str,
    name_th: str,
    name_en: str,
    recipients: Sequence[str],
) -> Desk:
    """Add a desk with its age recipients (each checked, stored with its fingerprint)."""
    parsed = parse_recipients(recipients)
    if session.scalar(select(Desk.id).where(Desk.slug == slug)) is not None:
        raise Conflict(f"desk {slug!r} already exists")
    desk = Desk(slug=slug, name_th=name_th, name_en=name_en, active=True)
    desk.recipients = _rows(parsed)
    session.add(desk)
    record(session, actor, Action.DESK_SAVED, detail=slug)
    session.flush()
    return desk


def save(
    session: Session,
    actor: Reviewer | None,
    slug: str,
    name_th: str,
    name_en: str,
    recipients: Sequence[str],
) -> Desk:
    """Add a desk, or update its names and replace its recipients."""
    try:
        desk = by_slug(session, slug)
    except NotFound:
        return add(session, actor, slug, name_th, name_en, recipients)
    parsed = parse_recipients(recipients)
    desk.name_th, desk.name_en = name_th, name_en
    desk.recipients = _rows(parsed)
    record(session, actor, Action.DESK_SAVED, detail=slug)
    return desk
