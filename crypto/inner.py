"""The inner plaintext of every envelope (docs/FORMAT.md): magic line, JSON header, framed
content, zero padding. Every byte a source supplies, its file name included, lives in here.

Framing, not tar: uploads stream in, so a file's size is unknown until its last byte, and a
tar header needs it first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from crypto import padding
from crypto.errors import InnerFormatError

MAGIC = b"westrong-drop/inner/v1\n"
KINDS = frozenset({"message", "file", "reply", "identity"})
MAX_HEADER = 1024 * 1024
MAX_FRAME = 1024 * 1024
_LEN = 4
_ZEROS = bytes(64 * 1024)


class Writable(Protocol):
    """What the inner writer writes into: usually an age StreamEncryptor."""

    def write(self, data: bytes, /) -> int: ...

    def close(self) -> None: ...


def encode_header(header: dict[str, Any]) -> bytes:
    """Return the canonical header line (sorted keys, UTF-8, one line)."""
    if header.get("kind") not in KINDS:
        raise InnerFormatError("unknown kind")
    line = json.dumps({"v": 1, **header}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = line.encode("utf-8") + b"\n"
    if len(data) > MAX_HEADER:
        raise InnerFormatError("header too large")
    return data


class InnerWriter:
    """Write magic, header and content frames into `out`; `close()` pads and closes `out`."""

    def __init__(self, out: Writable, header: dict[str, Any]) -> None:
        self._out = out
        self._kind = header["kind"]
        first = MAGIC + encode_header(header)
        out.write(first)
        self._size = len(first)
        self.content_size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Append content; return how many bytes were taken."""
        view = memoryview(data)
        for start in range(0, len(view), MAX_FRAME):
            piece = view[start : start + MAX_FRAME]
            self._out.write(len(piece).to_bytes(_LEN, "big"))
            self._out.write(bytes(piece))
            self._size += _LEN + len(piece)
        self.content_size += len(view)
        return len(view)

    def close(self) -> None:
        """End the content, pad with zeros to the kind's size rule, close `out`."""
        self._out.write(bytes(_LEN))
        self._size += _LEN
        rule = padding.padme if self._kind == "file" else padding.bucket
        remaining = rule(self._size) - self._size
        while remaining > 0:
            piece = _ZEROS[: min(remaining, len(_ZEROS))]
            self._out.write(piece)
            remaining -= len(piece)
        self._out.close()


class _Reader:
    """Read exact byte counts from an iterator of chunks (a bytearray: appends are cheap)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def _fill(self, size: int, message: str) -> None:
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                raise InnerFormatError(message)
            self._buffer += chunk

    def read(self, size: int) -> bytes:
        self._fill(size, "plaintext ends too early")
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def readline(self, limit: int) -> bytes:
        while (end := self._buffer.find(b"\n")) < 0:
            if len(self._buffer) > limit:
                raise InnerFormatError("header line too long")
            self._fill(len(self._buffer) + 1, "plaintext ends inside the header")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line

    def rest(self) -> Iterator[bytes]:
        if self._buffer:
            yield bytes(self._buffer)
            self._buffer.clear()
        yield from self._chunks


def open_inner(chunks: Iterator[bytes]) -> tuple[dict[str, Any], Iterator[bytes]]:
    """Parse the header from decrypted chunks; return it and an iterator over the content.

    The content iterator ends normally only after the terminator and all-zero padding were
    read, which also drains the age stream to its verified final chunk.
    """
    reader = _Reader(chunks)
    if reader.read(len(MAGIC)) != MAGIC:
        raise InnerFormatError("not a WE STRONG Drop envelope (bad magic)")
    try:
        header = json.loads(reader.readline(MAX_HEADER).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InnerFormatError("header is not UTF-8 JSON") from None
    if not isinstance(header, dict) or header.get("v") != 1 or header.get("kind") not in KINDS:
        raise InnerFormatError("unsupported header")
    return header, _content(reader)


def _content(reader: _Reader) -> Iterator[bytes]:
    while True:
        size = int.from_bytes(reader.read(_LEN), "big")
        if size == 0:
            break
        if size > MAX_FRAME:
            raise InnerFormatError("content frame too large")
        yield reader.read(size)
    for rest in reader.rest():
        if rest.count(0) != len(rest):
            raise InnerFormatError("padding is not all zeros")
