"""Replies from a desk to a source: two ciphertexts of one text, one to the case's reply key
(the source's copy, which their delete shreds) and one to the desk (decision 067)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from sqlalchemy.orm import Session

from core import authorship, unit, workflow
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
    """Encrypt a reply twice, to the case's reply key and to its desk; keep both copies."""
    header = {
        "kind": "reply",
        "case": case.designation,
        "language": language,
        "date": today().isoformat(),
    }
    names: list[str] = []
    unit.after_rollback(session, lambda: discard(blobs, names))
    copies: list[tuple[int, str]] = []
    for to in ([reply_recipient(case)], recipients(case.desk)):
        with blobs.writer() as writer:
            inner = InnerWriter(age.encryptor(writer, to), header)
            inner.write(text.encode("utf-8"))
            inner.close()
            names.append(writer.commit())
            copies.append((writer.bytes_written, writer.sha256))
    return _record(session, case, actor, names, copies)


def reply_recipient(case: Case) -> Recipient:
    """Return whom a source's copy of a reply is encrypted to: the case's own reply key, or
    the source's for a case opened before cases had one."""
    return Recipient.parse(case.reply_recipient or case.source.reply_recipient)


def _check_shape(body: bytes, stanzas: int, what: str) -> None:
    if len(body) > MAX_REPLY_BYTES:
        raise Invalid("reply too large")
    try:
        header = read_header(io.BytesIO(body))
    except CryptoError:
        raise Invalid("not an age file") from None
    if len(header.stanzas) != stanzas or any(s.type != "X25519" for s in header.stanzas):
        raise Invalid(f"not encrypted to {what} alone")


def accept_encrypted(
    session: Session, blobs: BlobStore, case: Case, actor: Reviewer, source: bytes, desk: bytes
) -> Reply:
    """Store a reply a client encrypted itself (the API), as its two copies: `source`, to the
    case's reply key alone (one X25519 stanza), and `desk`, to the desk's recipients alone
    (one stanza each). The server cannot see to whom they really are encrypted; it checks
    the shape."""
    _check_shape(source, 1, "the case's reply key")
    _check_shape(desk, len(case.desk.recipients), "the desk's recipients")
    names: list[str] = []
    unit.after_rollback(session, lambda: discard(blobs, names))
    copies: list[tuple[int, str]] = []
    for body in (source, desk):
        with blobs.writer() as writer:
            writer.write(body)
            names.append(writer.commit())
            copies.append((len(body), writer.sha256))
    return _record(session, case, actor, names, copies)


def _record(
    session: Session,
    case: Case,
    actor: Reviewer,
    names: list[str],
    copies: list[tuple[int, str]],
) -> Reply:
    reply = Reply(
        case=case,
        reviewer_id=actor.id,
        # names and copies: the source's copy first, then the desk's (size, SHA-256).
        blob_name=names[1],
        source_blob_name=names[0],
        ciphertext_size=copies[1][0],
        ciphertext_sha256=copies[1][1],
        source_ciphertext_size=copies[0][0],
        source_ciphertext_sha256=copies[0][1],
        created_at=dt.datetime.now(dt.UTC),
        deleted_by_source=False,
    )
    session.add(reply)
    workflow.record_feedback(case, today())
    record(session, actor, Action.REPLY, case)
    session.flush()
    return reply


def send_authorship_challenge(
    session: Session,
    blobs: BlobStore,
    actor: Reviewer,
    case: Case,
    words: Callable[[str], str],
    language: str,
) -> str:
    """Send the case's open challenge (a fresh one if none is open) to the source in a reply
    whose text `words(challenge)` gives; audit both."""
    challenge = case.authorship_challenge or authorship.issue_challenge(session, actor, case)
    send(session, blobs, case, actor, words(challenge), language)
    return challenge
