"""Accept a tip: encrypt everything to the desk as it arrives, then record the ciphertexts."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from crypto import age
from crypto.inner import InnerWriter, open_inner
from crypto.keys import Identity, Recipient
from store import repository as repo
from store.blobs import BlobStore, BlobWriter
from store.errors import StoreError
from store.models import Desk, Source, SubmissionKind
from webcommon.uploads import FilePart, StoredFile


def recipients(desk: Desk) -> list[Recipient]:
    """Return the desk's age recipients."""
    return [Recipient.parse(r.recipient) for r in desk.recipients]


class EncryptingSink:
    """One uploaded file: inner format → age → a blob writer (temporary until finished)."""

    def __init__(self, blobs: BlobStore, part: FilePart, to: Sequence[Recipient]) -> None:
        self._blobs = blobs
        self._field = part.field
        self._writer: BlobWriter = blobs.writer()
        self._writer.__enter__()
        self._name: str | None = None
        header = {
            "kind": "file",
            "filename": part.filename,
            "content_type": part.content_type,
            "date": dt.datetime.now(dt.UTC).date().isoformat(),
        }
        self._inner = InnerWriter(age.encryptor(self._writer, to), header)

    def write(self, data: bytes) -> int:
        """Encrypt a piece of the file."""
        return self._inner.write(data)

    def finish(self) -> StoredFile:
        """Write the final chunk and move the blob into place."""
        self._inner.close()
        self._name = self._writer.commit()
        return StoredFile(
            self._field, self._name, self._inner.content_size, self._writer.bytes_written
        )

    def abort(self) -> None:
        """Remove the temporary file, or the finished blob."""
        self._writer.__exit__(None, None, None)
        if self._name is not None:
            with contextlib.suppress(StoreError):
                self._blobs.secure_delete(self._name)


def store_message(
    blobs: BlobStore, to: Sequence[Recipient], message: str, fields: dict[str, Any], lang: str
) -> tuple[str, int]:
    """Encrypt the message and the structured fields into one blob; return (name, size)."""
    header = {
        "kind": "message",
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "language": lang,
        "fields": fields,
    }
    with blobs.writer() as writer:
        inner = InnerWriter(age.encryptor(writer, to), header)
        inner.write(message.encode("utf-8"))
        inner.close()
        return writer.commit(), writer.bytes_written


def record(
    db: Session,
    source: Source,
    desk: Desk,
    message_blob: tuple[str, int] | None,
    files: Sequence[StoredFile],
) -> None:
    """Record the stored ciphertexts as submissions (the caller commits)."""
    if message_blob is not None:
        repo.add_submission(db, source, desk, SubmissionKind.MESSAGE, *message_blob)
    for stored in files:
        repo.add_submission(
            db, source, desk, SubmissionKind.FILE, stored.blob_name, stored.ciphertext_size
        )


def discard(blobs: BlobStore, names: Sequence[str]) -> None:
    """Delete blobs that will not be recorded (a failed form, a failed transaction)."""
    for name in names:
        with contextlib.suppress(StoreError):
            blobs.secure_delete(name)


def read_text(blobs: BlobStore, name: str, identity: Identity) -> str:
    """Decrypt a small text blob (a reply) in memory for display."""
    with blobs.open(name) as f:
        _header, content = open_inner(age.decrypt_chunks(f, [identity]))
        return b"".join(content).decode("utf-8", "replace")
