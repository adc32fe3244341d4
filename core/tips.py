"""Accept a tip: encrypt it to the desk, file it in the source's case at that desk (opening
the case, with its own clocks, on the first tip there)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import unit, workflow
from crypto import age
from crypto import codename as codenames
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from store.blobs import BlobStore
from store.errors import StoreError
from store.models import Case, Desk, Source, Submission, SubmissionKind


@dataclass(frozen=True)
class StoredBlob:
    """A ciphertext already placed in the blob store, waiting for its row."""

    kind: SubmissionKind
    blob_name: str
    ciphertext_size: int


def today() -> dt.date:
    """Return today's date in UTC: the only precision a source's actions are kept at."""
    return dt.datetime.now(dt.UTC).date()


def recipients(desk: Desk) -> list[Recipient]:
    """Return the desk's age recipients."""
    return [Recipient.parse(r.recipient) for r in desk.recipients]


def file_header(filename: str, content_type: str) -> dict[str, Any]:
    """Return the inner header of an uploaded file (kept only inside the ciphertext)."""
    return {
        "kind": "file",
        "filename": filename,
        "content_type": content_type,
        "date": today().isoformat(),
    }


def store_message(
    blobs: BlobStore, to: Sequence[Recipient], message: str, fields: dict[str, Any], lang: str
) -> StoredBlob:
    """Encrypt the message and the structured fields into one blob."""
    header = {"kind": "message", "date": today().isoformat(), "language": lang, "fields": fields}
    with blobs.writer() as writer:
        inner = InnerWriter(age.encryptor(writer, to), header)
        inner.write(message.encode("utf-8"))
        inner.close()
        return StoredBlob(SubmissionKind.MESSAGE, writer.commit(), writer.bytes_written)


def discard(blobs: BlobStore, names: Sequence[str]) -> None:
    """Delete blobs that will not be recorded (a failed form, a bot, a failed transaction)."""
    for name in names:
        with contextlib.suppress(StoreError):
            blobs.secure_delete(name)


def case_at(source: Source, desk: Desk) -> Case | None:
    """Return the source's case at a desk, if they have one. A source has a case at a few
    desks at most: their cases load once per session, and a tip asks twice (the view, to
    know whether this is a first report, then `open_case`)."""
    return next((c for c in source.cases if c.desk_id == desk.id or c.desk is desk), None)


def new_designation(session: Session) -> str:
    """Return a random designation no case has: the only handle reviewers see."""
    while True:
        candidate = codenames.designation()
        if session.scalar(select(Case.id).where(Case.designation == candidate)) is None:
            return candidate


def open_case(session: Session, source: Source, desk: Desk, day: dt.date) -> Case:
    """Return the source's case at this desk, opening it (with its 7-day clock) if needed."""
    case = case_at(source, desk)
    if case is None:
        case = Case(
            source=source,
            desk=desk,
            designation=new_designation(session),
            last_activity_on=day,
            starred=False,
        )
        workflow.start_clocks(case, day)
        session.add(case)
    return case


def file_tip(
    session: Session, blobs: BlobStore, source: Source, desk: Desk, stored: Sequence[StoredBlob]
) -> Case:
    """Record stored ciphertexts in the source's case at the desk. If the transaction rolls
    back, the blobs are deleted: nothing stays without its row."""
    unit.after_rollback(session, lambda: discard(blobs, [s.blob_name for s in stored]))
    day = today()
    case = open_case(session, source, desk, day)
    source.pending = False
    source.last_activity_on = day
    case.last_activity_on = day
    for item in stored:
        session.add(
            Submission(
                case=case,
                kind=item.kind,
                blob_name=item.blob_name,
                ciphertext_size=item.ciphertext_size,
                created_on=day,
                seen=False,
            )
        )
    session.flush()
    return case
