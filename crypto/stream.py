"""The age payload: STREAM of ChaCha20-Poly1305 chunks of 64 KiB with a final-chunk flag.

Decryption writes a chunk only after it verifies, and the caller learns of success only when
the final chunk has verified; truncation, reordering and trailing data raise distinct errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol

from crypto import _primitives as prim
from crypto.errors import ChunkAuthError, PayloadError, TrailingDataError, TruncatedError

CHUNK_SIZE = 64 * 1024
ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + prim.TAG_SIZE
NONCE_SIZE = 16
_MAX_COUNTER = 1 << 88


class Sink(Protocol):
    """Anything ciphertext can be written to: a file, a socket, a blob store writer."""

    def write(self, data: bytes, /) -> object: ...


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """Derive the payload key from the file key and the payload nonce."""
    return prim.hkdf_sha256(file_key, nonce, b"payload")


def _nonce(counter: int, last: bool) -> bytes:
    if counter >= _MAX_COUNTER:
        raise PayloadError("payload too long")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class StreamEncryptor:
    """A writable object that encrypts what is written to it into `out`, chunk by chunk.

    Holds at most one chunk of plaintext in memory, so any size streams in constant memory;
    `close()` writes the final chunk and must be called for the file to be valid.
    """

    def __init__(self, out: Sink, key: bytes) -> None:
        self._out = out
        self._key = key
        self._counter = 0
        self._buffer = bytearray()
        self._closed = False
        self.plaintext_size = 0

    def writable(self) -> bool:
        """Say that this object accepts writes (io protocol)."""
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt data (any length); return how many bytes were taken."""
        if self._closed:
            raise ValueError("write to a closed encryptor")
        view = memoryview(data).cast("B")
        size = len(view)
        self.plaintext_size += size
        # A full chunk is written only once more data follows: the last chunk must be flagged.
        if self._buffer:
            room = CHUNK_SIZE - len(self._buffer)
            self._buffer += view[:room]
            view = view[room:]
            if not view:
                return size
            self._seal(bytes(self._buffer))
            self._buffer.clear()
        # Whole chunks straight from the caller's data (one copy each, not three).
        while len(view) > CHUNK_SIZE:
            self._seal(bytes(view[:CHUNK_SIZE]))
            view = view[CHUNK_SIZE:]
        self._buffer += view
        return size

    def _seal(self, chunk: bytes) -> None:
        self._out.write(prim.seal(self._key, _nonce(self._counter, False), chunk))
        self._counter += 1

    def close(self) -> None:
        """Write the final chunk (the only one that may be short, or empty if all is empty)."""
        if self._closed:
            return
        self._closed = True
        self._out.write(prim.seal(self._key, _nonce(self._counter, True), bytes(self._buffer)))
        self._buffer.clear()

    @property
    def closed(self) -> bool:
        """Say whether the final chunk has been written."""
        return self._closed


def encrypt_from(source: BinaryIO, out: Sink, key: bytes) -> int:
    """Encrypt a whole readable stream into `out`; return the plaintext size."""
    # Look one chunk ahead so each chunk knows whether it is the last, without re-buffering.
    total = 0
    counter = 0
    chunk = source.read(CHUNK_SIZE)
    while True:
        following = source.read(CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
        last = not following
        out.write(prim.seal(key, _nonce(counter, last), chunk))
        total += len(chunk)
        if last:
            return total
        counter += 1
        chunk = following


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    while data and len(data) < size:
        more = source.read(size - len(data))
        if not more:
            break
        data += more
    return data


def decrypt_chunks(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    """Yield verified plaintext chunks; the iterator ends normally only after the final chunk."""
    counter = 0
    chunk = _read_exactly(source, ENCRYPTED_CHUNK_SIZE)
    while True:
        if len(chunk) < prim.TAG_SIZE:
            if counter == 0 and not chunk:
                raise TruncatedError("payload has no chunks")
            raise TruncatedError(f"payload cut short in chunk {counter}")
        following = _read_exactly(source, 1) if len(chunk) == ENCRYPTED_CHUNK_SIZE else b""
        if not following:
            try:
                plaintext = prim.open_(key, _nonce(counter, True), chunk)
            except prim.AeadError:
                raise _diagnose_final(key, counter, chunk) from None
            if not plaintext and counter > 0:
                raise PayloadError("final chunk is empty but is not the only chunk")
            yield plaintext
            return
        try:
            plaintext = prim.open_(key, _nonce(counter, False), chunk)
        except prim.AeadError:
            try:
                prim.open_(key, _nonce(counter, True), chunk)
            except prim.AeadError:
                raise ChunkAuthError(f"chunk {counter} fails authentication") from None
            raise TrailingDataError("data follows the final chunk") from None
        yield plaintext
        counter += 1
        chunk = following + _read_exactly(source, ENCRYPTED_CHUNK_SIZE - 1)


def _diagnose_final(key: bytes, counter: int, chunk: bytes) -> PayloadError:
    """Tell a file cut at a chunk boundary from a corrupted last chunk."""
    if len(chunk) == ENCRYPTED_CHUNK_SIZE:
        try:
            prim.open_(key, _nonce(counter, False), chunk)
        except prim.AeadError:
            pass
        else:
            return TruncatedError(f"payload ends after chunk {counter} without a final chunk")
    return ChunkAuthError(f"final chunk {counter} fails authentication (corrupt or truncated)")
