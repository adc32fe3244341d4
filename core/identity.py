"""Identity disclosure by the source's choice (decision 096): their name or contact details
as a separate item of a case, marked as such, encrypted to the desk like every other item."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import tips
from crypto import age
from crypto.inner import InnerWriter
from store.blobs import BlobStore
from store.models import Case, SubmissionKind


def disclose(session: Session, blobs: BlobStore, case: Case, details: str, lang: str) -> None:
    """Encrypt the details to the case's desk and file them in the case as an identity item."""
    header = {
        "kind": "identity",
        "case": case.designation,
        "date": tips.today().isoformat(),
        "language": lang,
    }
    with blobs.writer() as writer:
        inner = InnerWriter(age.encryptor(writer, tips.recipients(case.desk)), header)
        inner.write(details.encode("utf-8"))
        inner.close()
        name = writer.commit()
        stored = tips.StoredBlob(SubmissionKind.IDENTITY, name, writer.bytes_written, writer.sha256)
    tips.file_tip(session, blobs, case.source, case.desk, [stored], case.designation)
