"""Secure deletion through a durable queue (a table): a deletion removes the rows and queues
their blob names in the same transaction, so it returns at once; the queue is worked later
(`manage.py purge` from the daily timer, and after requests in development), one blob per
transaction: shred the blob, then drop its queue row. A crash or a failed shred leaves the
queue row, and the next run retries it (shredding a blob that is already gone is done).

No row ever names a missing or half-zeroed blob: the rows that a reader could follow go
first, atomically with the queue entry; the queue row, which nobody serves, goes last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core import unit
from core.audit import Action, record
from store.blobs import BlobStore
from store.errors import BlobNotFoundError
from store.models import PendingDeletion, Reply, Submission

log = logging.getLogger(__name__)
QUEUED = "westrong_deletions_queued"


@dataclass(frozen=True)
class Worked:
    """How many queued blobs were shredded, and how many failed (to be retried)."""

    shredded: int
    failed: int
    skipped: bool = False  # a backup held the store: nothing was tried


def enqueue(session: Session, names: Sequence[str], day: dt.date) -> None:
    """Queue blobs for shredding, in the caller's transaction (the rows naming them go in
    the same transaction)."""
    queued = (
        set(
            session.scalars(
                select(PendingDeletion.blob_name).where(PendingDeletion.blob_name.in_(names))
            )
        )
        if names
        else set()
    )
    for name in dict.fromkeys(names):
        if name not in queued:
            session.add(PendingDeletion(blob_name=name, queued_on=day, attempts=0))
    if names:
        session.info[QUEUED] = True


def queued_in(session: Session) -> bool:
    """Say whether this session's transaction queued deletions (then work the queue)."""
    return bool(session.info.pop(QUEUED, False))


def pending(session: Session) -> int:
    """Return how many blobs wait in the queue."""
    return len(list(session.scalars(select(PendingDeletion.id))))


def _still_named(session: Session, name: str) -> bool:
    """Say whether a submission or reply row (either copy) still names the blob."""
    return any(
        session.scalar(select(column).where(column == name).limit(1)) is not None
        for column in (Submission.blob_name, Reply.blob_name, Reply.source_blob_name)
    )


def work(sessions: sessionmaker[Session], blobs: BlobStore, limit: int | None = None) -> Worked:
    """Shred queued blobs, each in its own transaction (this use case owns its transactions,
    so that a crash keeps what was done); audit the counts."""
    shredded = failed = 0
    with blobs.locked(exclusive=False, wait=False) as held:
        if not held:
            return Worked(0, 0, skipped=True)
        with sessions() as session:
            ids = list(session.scalars(select(PendingDeletion.id).order_by(PendingDeletion.id)))
        for row_id in ids[:limit]:
            with sessions() as session, session.begin():
                row = session.get(PendingDeletion, row_id)
                if row is None:
                    continue  # another worker took it
                if _still_named(session, row.blob_name):
                    # Never shred what a row still serves: a bug, or a process that queued a
                    # name it should not have (the source role may queue its reply copies).
                    log.error("a queued blob is still named by a row; it was not shredded")
                    session.delete(row)
                    failed += 1
                    continue
                try:
                    with contextlib.suppress(BlobNotFoundError):
                        blobs.secure_delete(row.blob_name)
                except Exception as exc:
                    log.warning(
                        "a queued deletion failed (%s); it will be retried", type(exc).__name__
                    )
                    row.attempts += 1
                    failed += 1
                    continue
                session.delete(row)
                shredded += 1
    if shredded or failed:
        with sessions() as session, session.begin():
            record(
                session, None, Action.DELETIONS_DONE, detail=f"{shredded} shredded, {failed} failed"
            )
            # The queue's rows named the blobs: push them out of the database files too.
            unit.forget_after_commit(session)
    return Worked(shredded, failed)
