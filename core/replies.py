"""Replies from a desk to a source: encrypted to the source's reply key and to the desk."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy.orm import Session

from core import unit, workflow
from core.audit import Action, record
from core.errors import Invalid
from core.tips import discard, recipients, today
from crypto import age
from crypto.errors import CryptoError
from crypto.header import read_header
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from store.blobs import BlobStore
from store.models import Case, Reply, Reviewer

MAX_REPLY_BYTES = 1024 * 1024


def send(
    session: Session, blobs: BlobStore, case: Case, actor: Reviewer, text: str, language: str
) -> Reply:
    """Encrypt a reply to the source's reply key and the case's desk; keep the ciphertext."""
    to = [Recipient.parse(case.source.reply_recipient), *recipients(case.desk)]
    header = {
        "kind": "reply",
        "case": case.designation,
        "language": language,
        "date": today().isoformat(),
    }
    with blobs.writer() as writer:
        inner = InnerWriter(age.encryptor(writer, to), header)
        inner.write(text.encode("utf-8"))
        inner.close()
        name = writer.commit()
    return _record(session, blobs, case, actor, name, writer.bytes_written, writer.sha256)


def accept_encrypted(
    session: Session, blobs: BlobStore, case: Case, actor: Reviewer, body: bytes
) -> Reply:
    """Store a reply a client encrypted itself (the API). The server cannot see to whom it is
    encrypted; it checks the shape: an age file with one X25519 stanza per expected recipient
    (the source's reply key and each of the desk's)."""
    if len(body) > MAX_REPLY_BYTES:
        raise Invalid("reply too large")
    try:
        header = read_header(io.BytesIO(body))
    except CryptoError:
        raise Invalid("not an age file") from None
    expected = 1 + len(case.desk.recipients)
    if len(header.stanzas) != expected or any(s.type != "X25519" for s in header.stanzas):
        raise Invalid("not encrypted to the source and the desk")
    with blobs.writer() as writer:
        writer.write(body)
        name = writer.commit()
    return _record(session, blobs, case, actor, name, len(body), writer.sha256)


def _record(
    session: Session,
    blobs: BlobStore,
    case: Case,
    actor: Reviewer,
    name: str,
    size: int,
    sha256: str,
) -> Reply:
    unit.after_rollback(session, lambda: discard(blobs, [name]))
    reply = Reply(
        case=case,
        reviewer_id=actor.id,
        blob_name=name,
        ciphertext_size=size,
        ciphertext_sha256=sha256,
        created_at=dt.datetime.now(dt.UTC),
        deleted_by_source=False,
    )
    session.add(reply)
    workflow.record_feedback(case, today())
    record(session, actor, Action.REPLY, case)
    session.flush()
    return reply
