"""Case use cases: access checks, the status workflow, replies and deletions.

Access is per desk: a reviewer reaches only cases of desks they belong to. A case outside
them answers 404, exactly like a case that does not exist, so its existence does not leak.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from crypto import age
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from store import repository as repo
from store.blobs import BlobStore
from store.errors import StoreError
from store.models import CaseStatus, Conclusion, Reply, Reviewer, Source, Submission

S = CaseStatus
# Where a case may go next. "Reopen" is the move from concluded/closed back to assessment.
TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    S.RECEIVED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.TRIAGE, S.ASSESSMENT, S.CLOSED),
    S.TRIAGE: (S.ASSESSMENT, S.REFERRED, S.CONCLUDED, S.CLOSED),
    S.ASSESSMENT: (S.REFERRED, S.INVESTIGATING, S.CONCLUDED),
    S.REFERRED: (S.INVESTIGATING, S.CONCLUDED),
    S.INVESTIGATING: (S.CONCLUDED,),
    S.CONCLUDED: (S.CLOSED, S.ASSESSMENT),
    S.CLOSED: (S.ASSESSMENT,),
}
FEEDBACK_MONTHS = 3


class WorkflowError(Exception):
    """A status change that the workflow does not allow, or that lacks what it needs."""


def desk_ids(reviewer: Reviewer) -> list[int]:
    """Return the ids of the reviewer's desks."""
    return [d.id for d in reviewer.desks]


def case_for(db: Session, reviewer: Reviewer, source_id: int) -> Source:
    """Return a case the reviewer may see, or raise 404."""
    source = db.get(Source, source_id)
    if source is None or source.pending or source.desk_id not in desk_ids(reviewer):
        raise NotFound()
    return source


def submission_for(db: Session, reviewer: Reviewer, source: Source, item_id: int) -> Submission:
    """Return a submission of a case the reviewer may see, or raise 404."""
    item = db.get(Submission, item_id)
    if item is None or item.source_id != source.id:
        raise NotFound()
    return item


def reply_for(db: Session, source: Source, reply_id: int) -> Reply:
    """Return a reply of this case, or raise 404."""
    reply = db.get(Reply, reply_id)
    if reply is None or reply.source_id != source.id:
        raise NotFound()
    return reply


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day some months later, clamped to the end of a shorter month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return dt.date(year, month, min(day.day, last))
    raise ValueError(day)


def change_status(
    db: Session,
    source: Source,
    reviewer: Reviewer,
    new: CaseStatus,
    today: dt.date,
    conclusion: Conclusion | None = None,
    external_reference: str = "",
) -> None:
    """Move a case along the workflow; acknowledging starts the 3-month feedback clock."""
    if new not in TRANSITIONS[source.status]:
        raise WorkflowError(f"{source.status} cannot go to {new}")
    if new is S.REFERRED and not external_reference.strip():
        raise WorkflowError("a referral needs the external reference number")
    if new is S.CONCLUDED and conclusion is None:
        raise WorkflowError("a conclusion needs its outcome")
    old = source.status
    source.status = new
    if new is S.ACKNOWLEDGED:
        source.acknowledged_on = today
        source.feedback_due_on = add_months(today, FEEDBACK_MONTHS)
    if new is S.REFERRED:
        source.external_reference = external_reference.strip()
    if new is S.CONCLUDED:
        source.conclusion = conclusion
    if new is S.ASSESSMENT and old in (S.CONCLUDED, S.CLOSED):
        source.conclusion = None
    repo.audit(db, reviewer, "status", source.designation, f"{old} -> {new}")


def send_reply(
    db: Session,
    blobs: BlobStore,
    source: Source,
    reviewer: Reviewer,
    text: str,
    language: str,
) -> Reply:
    """Encrypt a reply to the source's reply key and the desk; keep only the ciphertext."""
    desk = source.desk
    if desk is None:
        raise NotFound()
    recipients = [Recipient.parse(source.reply_recipient)]
    recipients += [Recipient.parse(r.recipient) for r in desk.recipients]
    header = {
        "kind": "reply",
        "language": language,
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    with blobs.writer() as writer:
        inner = InnerWriter(age.encryptor(writer, recipients), header)
        inner.write(text.encode("utf-8"))
        inner.close()
        name = writer.commit()
        size = writer.bytes_written
    return store_reply(db, source, reviewer, name, size)


def store_reply(db: Session, source: Source, reviewer: Reviewer, name: str, size: int) -> Reply:
    """Record a stored reply ciphertext (made here or, through the API, by the client)."""
    reply = Reply(
        source=source,
        reviewer_id=reviewer.id,
        blob_name=name,
        ciphertext_size=size,
        created_at=dt.datetime.now(dt.UTC),
        deleted_by_source=False,
    )
    db.add(reply)
    repo.audit(db, reviewer, "reply", source.designation)
    return reply


def _shred(blobs: BlobStore, name: str) -> None:
    with contextlib.suppress(StoreError):
        blobs.secure_delete(name)


def delete_item(
    db: Session, blobs: BlobStore, reviewer: Reviewer, item: Submission | Reply
) -> None:
    """Delete a submission or reply row and securely delete its blob."""
    designation = item.source.designation
    db.delete(item)
    db.flush()
    _shred(blobs, item.blob_name)
    action = "delete_reply" if isinstance(item, Reply) else "delete_submission"
    repo.audit(db, reviewer, action, designation, f"#{item.id}")


def delete_source(db: Session, blobs: BlobStore, reviewer: Reviewer, source: Source) -> None:
    """Delete a whole case: its rows and every blob."""
    names = [s.blob_name for s in source.submissions] + [r.blob_name for r in source.replies]
    designation = source.designation
    db.delete(source)
    db.flush()
    for name in names:
        _shred(blobs, name)
    repo.audit(db, reviewer, "delete_source", designation)


def mark_seen(db: Session, reviewer: Reviewer, items: list[Submission]) -> None:
    """Record that a reviewer downloaded some submissions."""
    for item in items:
        item.seen = True
        if reviewer not in item.seen_by:
            item.seen_by.append(reviewer)


def reviewers_of(db: Session, source: Source) -> list[Reviewer]:
    """Return the active reviewers who may be assigned the case (members of its desk)."""
    return list(
        db.scalars(
            select(Reviewer)
            .where(Reviewer.active.is_(True), Reviewer.desks.any(id=source.desk_id))
            .order_by(Reviewer.username)
        )
    )
