"""Desks (receiving organisations) and their age recipients.

Whoever replaces a desk's recipients decides who can read its next tips, so the change needs
the admin's passphrase and a fresh TOTP code (checked by the caller just before: the web
interface holds the secrets), is audited with both sets of fingerprints, and leaves a notice
for every member of the desk until they acknowledge it (docs/decisions/037-desk-recipients.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import Action, record
from core.errors import Conflict, Invalid, NotFound, ReauthenticationNeeded
from crypto.errors import CryptoError
from crypto.fingerprint import fingerprint
from crypto.keys import Recipient
from store.models import Desk, DeskKeyNotice, DeskRecipient, Reviewer


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
    session.flush()
    record(session, actor, Action.DESK_SAVED, detail=slug, desk_id=desk.id)
    return desk


def changes_recipients(session: Session, slug: str, recipients: Sequence[str]) -> bool:
    """Return whether saving these recipients would replace an existing desk's (Invalid if
    one is bad): the case that needs re-authentication."""
    parsed = {str(r) for r in parse_recipients(recipients)}
    desk = session.scalar(select(Desk).where(Desk.slug == slug))
    return desk is not None and parsed != {r.recipient for r in desk.recipients}


def save(
    session: Session,
    actor: Reviewer | None,
    slug: str,
    name_th: str,
    name_en: str,
    recipients: Sequence[str],
    reauthenticated: bool = False,
) -> Desk:
    """Add a desk, or update its names and replace its recipients.

    An admin replacing an existing desk's recipients must have been re-authenticated
    (ReauthenticationNeeded otherwise); the operator's command line (`actor` None) runs as
    the server's own user, who could change the database anyway."""
    try:
        desk = by_slug(session, slug)
    except NotFound:
        return add(session, actor, slug, name_th, name_en, recipients)
    parsed = parse_recipients(recipients)
    desk.name_th, desk.name_en = name_th, name_en
    if changes_recipients(session, slug, recipients):
        if actor is not None and not reauthenticated:
            raise ReauthenticationNeeded("changing a desk's recipients needs re-authentication")
        old = [r.fingerprint for r in desk.recipients]
        desk.recipients = _rows(parsed)
        _notify(session, actor, desk, old, [r.fingerprint for r in desk.recipients])
    record(session, actor, Action.DESK_SAVED, detail=slug, desk_id=desk.id)
    return desk


def _notify(
    session: Session, actor: Reviewer | None, desk: Desk, old: list[str], new: list[str]
) -> None:
    """Audit a recipients change and leave a notice for every member of the desk."""
    record(
        session,
        actor,
        Action.DESK_RECIPIENTS_CHANGED,
        detail=f"{desk.slug}: {', '.join(old)} -> {', '.join(new)}",
        desk_id=desk.id,
    )
    leave_notices(session, actor, desk, desk.reviewers, old=old, new=new)


def leave_notices(
    session: Session,
    actor: Reviewer | None,
    desk: Desk,
    members: Sequence[Reviewer],
    *,
    old: Sequence[str] = (),
    new: Sequence[str] = (),
    member_change: str = "",
) -> None:
    """Leave each member a notice to acknowledge: a recipients change (old -> new
    fingerprints) or a change of the desk's members."""
    now = dt.datetime.now(dt.UTC)
    for member in members:
        session.add(
            DeskKeyNotice(
                reviewer_id=member.id,
                desk_id=desk.id,
                changed_at=now,
                changed_by=actor.username if actor else None,
                old_fingerprints="\n".join(old),
                new_fingerprints="\n".join(new),
                member_change=member_change,
            )
        )


def notices_for(session: Session, reviewer: Reviewer) -> list[DeskKeyNotice]:
    """Return the recipients changes a reviewer has not acknowledged yet, oldest first."""
    query = select(DeskKeyNotice).where(DeskKeyNotice.reviewer_id == reviewer.id)
    return list(session.scalars(query.order_by(DeskKeyNotice.id)))


def has_notices(session: Session, reviewer: Reviewer) -> bool:
    """Return whether a reviewer has a recipients change to acknowledge."""
    query = select(DeskKeyNotice.id).where(DeskKeyNotice.reviewer_id == reviewer.id)
    return session.scalar(query.limit(1)) is not None


def acknowledge(session: Session, reviewer: Reviewer, notice_id: int) -> None:
    """Record that a reviewer saw (and compared) a recipients change; NotFound if not theirs."""
    notice = session.get(DeskKeyNotice, notice_id)
    if notice is None or notice.reviewer_id != reviewer.id:
        raise NotFound()
    record(
        session,
        reviewer,
        Action.DESK_NOTICE_ACKNOWLEDGED,
        detail=notice.desk.slug,
        desk_id=notice.desk_id,
    )
    session.delete(notice)
