"""Encrypt an uploaded file as it streams in: inner format → age → a temporary blob that is
moved into place only once the last byte is encrypted (no plaintext ever reaches disk)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from core.tips import file_header
from crypto import age
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from store.blobs import BlobStore, BlobWriter
from store.errors import StoreError
from webcommon.uploads import FilePart, StoredFile


class EncryptingSink:
    """One uploaded file, encrypted to a desk's recipients as it arrives."""

    def __init__(
        self, blobs: BlobStore, part: FilePart, to: Sequence[Recipient], designation: str
    ) -> None:
        self._blobs = blobs
        self._field = part.field
        self._writer: BlobWriter = blobs.writer()
        self._writer.__enter__()
        self._name: str | None = None
        header = file_header(part.filename, part.content_type, designation)
        self._inner = InnerWriter(age.encryptor(self._writer, to), header)

    def write(self, data: bytes) -> int:
        """Encrypt a piece of the file."""
        return self._inner.write(data)

    def finish(self) -> StoredFile:
        """Write the final chunk and move the blob into place."""
        self._inner.close()
        self._name = self._writer.commit()
        return StoredFile(
            self._field,
            self._name,
            self._inner.content_size,
            self._writer.bytes_written,
            self._writer.sha256,
        )

    def abort(self) -> None:
        """Remove the temporary file, or the finished blob."""
        self._writer.__exit__(None, None, None)
        if self._name is not None:
            with contextlib.suppress(StoreError):
                self._blobs.secure_delete(self._name)
