"""A source's identity and what they see of their cases; never the codename itself."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import authorship, deletion, unit
from core.errors import Conflict, NotFound
from core.tips import today
from crypto import age
from crypto.errors import CryptoError
from crypto.inner import open_inner
from crypto.keys import Identity
from crypto.source_identity import SourceIdentity, case_reply_identity
from store.blobs import BlobStore
from store.errors import StoreError
from store.models import Case, Reply, Source, SourceSession

log = logging.getLogger(__name__)


def create(session: Session, identity: SourceIdentity) -> Source:
    """Add a pending source (it has no case until its first tip)."""
    if find(session, identity) is not None:
        raise Conflict("a fresh codename collided")  # 90 bits: practically impossible
    day = today()
    source = Source(
        lookup_id=identity.lookup_id,
        reply_recipient=str(identity.reply_identity.recipient),
        pending=True,
        created_on=day,
        last_activity_on=day,
    )
    session.add(source)
    session.flush()
    return source


def find(session: Session, identity: SourceIdentity) -> Source | None:
    """Return the source of a derived identity, if it exists."""
    return session.scalar(select(Source).where(Source.lookup_id == identity.lookup_id))


def sign_in(session: Session, identity: SourceIdentity) -> Source:
    """Return the source for a codename's identity (NotFound: no such codename), and note
    the day of activity."""
    source = find(session, identity)
    if source is None:
        raise NotFound()
    source.last_activity_on = today()
    # A case opened before proof of authorship existed gets its key now (decision 095).
    authorship.key_old_cases(source, identity.reply_identity)
    return source


@dataclass(frozen=True)
class ShownReply:
    """A reply as the source sees it: the text, or None when it could not be opened."""

    reply: Reply
    text: str | None


@dataclass(frozen=True)
class CaseView:
    """One of the source's cases: its desk, status and dates, and the replies they keep."""

    case: Case
    replies: list[ShownReply]


def _read_text(blobs: BlobStore, name: str, identity: Identity) -> str:
    with blobs.open(name) as f:
        _header, content = open_inner(age.decrypt_chunks(f, [identity]))
        return b"".join(content).decode("utf-8", "replace")


def case_identity(case: Case, reply_identity: Identity) -> Identity:
    """Return the key that opens the source's replies in a case: the case's own, derived
    from the session's reply secret (decision 067), or the source's for an older case."""
    if case.reply_salt is None:
        return reply_identity
    return case_reply_identity(reply_identity, case.reply_salt)


def _open_reply(blobs: BlobStore, reply: Reply, identity: Identity) -> ShownReply:
    name = reply.source_blob_name or reply.blob_name  # an old reply: one blob for both
    try:
        return ShownReply(reply, _read_text(blobs, name, identity))
    except (CryptoError, StoreError, OSError) as exc:
        # One bad reply must not take the whole page down. The desk is told through a flag on
        # the reply's row (it shows on the case page and in the API); the log names no
        # content and no case.
        log.warning("a reply could not be opened: %s", type(exc).__name__)
        if not reply.source_could_not_open:
            reply.source_could_not_open = True
        return ShownReply(reply, None)


def cases_of(source: Source, blobs: BlobStore, identity: Identity) -> list[CaseView]:
    """Return each of the source's cases with the replies they have not deleted; flag (on
    the row, committed with the request) every reply that could not be opened."""
    return [
        CaseView(
            case,
            [
                _open_reply(blobs, r, case_identity(case, identity))
                for r in case.replies
                if not r.deleted_by_source
            ],
        )
        for case in source.cases
    ]


def hide_reply(session: Session, blobs: BlobStore, source: Source, reply_id: int) -> None:
    """Delete the source's copy of one of their replies, queueing its blob for shredding; the
    desk keeps its own copy (decision 067). A reply made before copies were separate has one
    blob, which the desk needs: it is only hidden (NotFound if the reply is not theirs)."""
    reply = session.scalar(
        select(Reply).join(Case).where(Reply.id == reply_id, Case.source_id == source.id)
    )
    if reply is None:
        raise NotFound()
    reply.deleted_by_source = True
    if reply.source_blob_name is not None:
        # Queued in this transaction, shredded by the scheduled job (core.deletion).
        deletion.enqueue(session, [reply.source_blob_name], today())
        reply.source_blob_name = None
        reply.source_ciphertext_size = reply.source_ciphertext_sha256 = None


def purge_pending(session: Session, day: dt.date) -> int:
    """Delete sources that never submitted, created before yesterday; return how many."""
    stale = select(Source.id).where(
        Source.pending.is_(True), Source.created_on < day - dt.timedelta(days=1)
    )
    ids = list(session.scalars(stale))
    if ids:
        session.execute(delete(Source).where(Source.id.in_(ids)))
        unit.forget_after_commit(session)
    return len(ids)


def purge_orphans(session: Session, before: dt.date) -> int:
    """Delete sources that have no case left (every one deleted) and no activity since a
    day; return how many. Nothing is left for such a codename to show, and keeping its
    lookup id would only say that it once reported."""
    session.flush()
    orphans = select(Source.id).where(
        Source.pending.is_(False), Source.last_activity_on < before, ~Source.cases.any()
    )
    ids = list(session.scalars(orphans))
    if ids:
        session.execute(delete(Source).where(Source.id.in_(ids)))
        unit.forget_after_commit(session)
    return len(ids)


def purge_expired_sessions(session: Session, now: dt.datetime) -> None:
    """Delete source sessions whose idle deadline has passed."""
    session.execute(delete(SourceSession).where(SourceSession.expires_at <= now))
