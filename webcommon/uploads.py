"""Read a multipart form from the request stream, handing file parts to encrypting sinks.

Werkzeug's own form parser spools any file part over 500 KB to a temporary file in plaintext.
This one never does: text fields are kept in memory (bounded), and each file part is written,
as it arrives, into a sink the caller provides (an age encryptor over a blob writer). If
anything fails, every sink opened so far is aborted, so nothing is left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Protocol

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import (
    Data,
    Epilogue,
    Event,
    Field,
    File,
    MultipartDecoder,
    NeedData,
)

from store.db import is_disk_full

# Read big (a small read makes gunicorn re-copy its whole receive buffer each time, which
# halved upload speed), but feed the decoder small slices (it refuses more than its limit).
READ_SIZE = 1024 * 1024
FEED_SIZE = 64 * 1024


class FileSink(Protocol):
    """Where one file part's bytes go."""

    def write(self, data: bytes, /) -> object: ...

    def finish(self) -> StoredFile: ...

    def abort(self) -> None: ...


@dataclass(frozen=True)
class StoredFile:
    """A file part, stored (as ciphertext) by its sink."""

    field: str
    blob_name: str
    plaintext_size: int
    ciphertext_size: int
    sha256: str = ""


@dataclass(frozen=True)
class FilePart:
    """What is known when a file part starts: the form so far, and the part's own headers."""

    field: str
    filename: str
    content_type: str
    fields: MultiDict[str, str]


class FormOrderError(BadRequest):
    """A file part arrived before the fields it depends on (our forms put files last)."""


class UploadTooLarge(RequestEntityTooLarge):
    """The body passed the size limit; `fields` holds the text fields read before that."""

    def __init__(self, fields: MultiDict[str, str]) -> None:
        super().__init__()
        self.fields = fields


class StorageFull(Exception):
    """The disk filled up while a file was stored; `fields` holds the text fields read."""

    def __init__(self, fields: MultiDict[str, str]) -> None:
        super().__init__("disk full")
        self.fields = fields


class LimitedReader:
    """Read a stream, raising once more than `limit` bytes have come."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._left = limit

    def read(self, size: int) -> bytes:
        """Return the next bytes up to the limit; raise once past it."""
        if self._left < 0:
            raise RequestEntityTooLarge()
        data = self._stream.read(size)
        self._left -= len(data)
        if self._left < 0:
            # Hand over what fits first, so the fields before the files still get parsed.
            allowed = data[: len(data) + self._left]
            if not allowed:
                raise RequestEntityTooLarge()
            return allowed
        return data


SinkFactory = Callable[[FilePart], FileSink]


class MemorySink:
    """Keep a small upload in memory (an admin's logo), refusing more than `limit` bytes."""

    def __init__(self, field: str, limit: int) -> None:
        self._field = field
        self._limit = limit
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        """Append bytes, or raise 413 past the limit."""
        if len(self.data) + len(data) > self._limit:
            raise RequestEntityTooLarge()
        self.data += data
        return len(data)

    def finish(self) -> StoredFile:
        """End the part (nothing is stored anywhere)."""
        return StoredFile(self._field, "", len(self.data), 0)

    def abort(self) -> None:
        """Forget the bytes."""
        self.data.clear()


def parse(
    stream: IO[bytes] | LimitedReader,
    content_type: str,
    open_sink: SinkFactory,
    max_field_bytes: int = 256 * 1024,
    max_parts: int = 100,
) -> tuple[MultiDict[str, str], list[StoredFile]]:
    """Parse a multipart/form-data body into text fields and stored files."""
    mimetype, options = parse_options_header(content_type)
    boundary = options.get("boundary", "").encode("latin-1")
    if mimetype != "multipart/form-data" or not boundary:
        raise BadRequest("expected multipart/form-data")
    decoder = MultipartDecoder(boundary, max_field_bytes, max_parts=max_parts)
    fields: MultiDict[str, str] = MultiDict()
    stored: list[StoredFile] = []
    open_sinks: list[FileSink] = []
    try:
        _run(stream, decoder, fields, stored, open_sinks, open_sink, max_field_bytes)
    except BaseException as exc:
        for sink in open_sinks:
            sink.abort()
        if isinstance(exc, RequestEntityTooLarge):
            raise UploadTooLarge(fields) from None
        if is_disk_full(exc):
            raise StorageFull(fields) from exc
        raise
    return fields, stored


def _run(
    stream: IO[bytes] | LimitedReader,
    decoder: MultipartDecoder,
    fields: MultiDict[str, str],
    stored: list[StoredFile],
    open_sinks: list[FileSink],
    open_sink: SinkFactory,
    max_field_bytes: int,
) -> None:
    part: Field | File | None = None
    buffer: list[bytes] = []
    size = 0
    sink: FileSink | None = None
    for data in _pieces(stream):
        decoder.receive_data(data or None)
        event = _next(decoder)
        while not isinstance(event, NeedData | Epilogue):
            if isinstance(event, File):
                part, sink = event, None
                if event.filename:  # an unselected file input sends an empty, nameless part
                    content_type = event.headers.get("Content-Type", "application/octet-stream")
                    sink = open_sink(FilePart(event.name, event.filename, content_type, fields))
                    open_sinks.append(sink)
            elif isinstance(event, Field):
                part, buffer, size = event, [], 0
            elif isinstance(event, Data):
                if isinstance(part, Field):
                    size += len(event.data)
                    if size > max_field_bytes:
                        raise RequestEntityTooLarge()
                    buffer.append(event.data)
                    if not event.more_data:
                        fields.add(part.name, b"".join(buffer).decode("utf-8", "replace"))
                elif sink is not None:
                    if event.data:
                        sink.write(event.data)
                    if not event.more_data:
                        stored.append(sink.finish())
            event = _next(decoder)
        if isinstance(event, Epilogue):
            return
        if not data:
            raise BadRequest("the upload ended early")


def _pieces(stream: IO[bytes] | LimitedReader) -> Iterator[bytes]:
    """Yield the body in FEED_SIZE slices of READ_SIZE reads; an empty piece at the end."""
    while True:
        block = stream.read(READ_SIZE)
        if not block:
            yield b""
            return
        view = memoryview(block)
        for start in range(0, len(block), FEED_SIZE):
            yield bytes(view[start : start + FEED_SIZE])


def _next(decoder: MultipartDecoder) -> Event:
    try:
        return decoder.next_event()
    except ValueError:  # the body ended inside a part
        raise BadRequest("the upload ended early") from None
