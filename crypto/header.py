"""The age v1 header: version line, recipient stanzas and MAC, parsed strictly.

Everything not exactly canonical is rejected (C2SP age spec, "Header"): a parser that accepts
two spellings of one header lets an attacker change the bytes a MAC does not cover.

The header is also bounded before it is parsed any further: a line, a stanza and the whole
header each have a size limit, past which HeaderTooLargeError is raised. The header comes
before its MAC can be checked, so without bounds a hostile file of endless 64-column body
lines would be held whole (a 200 MiB header took 1.3 GiB). age's reference implementation
bounds it too (1 MiB a stanza, 16 MiB a header); ours are tighter, as we only ever write a
few stanzas of a few hundred bytes.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import BinaryIO

from crypto import _primitives as prim
from crypto.errors import (
    HeaderError,
    HeaderMacError,
    HeaderTooLargeError,
    UnsupportedVersionError,
)

VERSION_LINE = b"age-encryption.org/v1"
_STANZA_PREFIX = b"-> "
_MAC_PREFIX = b"--- "
_COLUMNS = 64
_MAX_LINE = 4096  # no legitimate header line is near this (a post-quantum stanza is ~1.6 KiB)
_MAX_STANZA = 64 * 1024  # opening line and body lines of one stanza
_MAX_HEADER = 1024 * 1024  # the whole header, version line to MAC line
_MAX_STANZAS = 1024


def b64encode(data: bytes) -> bytes:
    """Encode as unpadded standard base64, as age does."""
    return base64.b64encode(data).rstrip(b"=")


def b64decode(text: bytes) -> bytes:
    """Decode unpadded base64, rejecting padding, stray characters and non-canonical bits."""
    if b"=" in text or b"\r" in text or b"\n" in text:
        raise HeaderError("non-canonical base64")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise HeaderError("invalid base64") from None
    if b64encode(data) != text:
        raise HeaderError("non-canonical base64")
    return data


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: a type, its arguments and a body."""

    type: str
    args: tuple[str, ...]
    body: bytes

    def encode(self) -> bytes:
        """Return the stanza's canonical bytes."""
        line = b" ".join([b"->", self.type.encode(), *(a.encode() for a in self.args)])
        body = b64encode(self.body)
        lines = [body[i : i + _COLUMNS] for i in range(0, len(body), _COLUMNS)]
        if not lines or len(lines[-1]) == _COLUMNS:
            lines.append(b"")  # a body always ends with a short (possibly empty) line
        return line + b"\n" + b"\n".join(lines) + b"\n"


@dataclass(frozen=True)
class Header:
    """A parsed header: its stanzas, its MAC, and the exact bytes the MAC covers."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    mac_input: bytes

    def verify_mac(self, file_key: bytes) -> None:
        """Raise HeaderMacError unless the MAC matches under this file key."""
        if not prim.equal(header_mac(file_key, self.mac_input), self.mac):
            raise HeaderMacError("header MAC does not verify: the header was altered")


def header_mac(file_key: bytes, mac_input: bytes) -> bytes:
    """Return the header MAC: HMAC-SHA-256 under HKDF(file key, info "header")."""
    key = prim.hkdf_sha256(file_key, b"", b"header")
    return prim.hmac_sha256(key, mac_input)


def encode_header(stanzas: list[Stanza], file_key: bytes) -> bytes:
    """Return a complete header (with MAC and final newline) for these stanzas."""
    mac_input = VERSION_LINE + b"\n" + b"".join(s.encode() for s in stanzas) + b"---"
    return mac_input + b" " + b64encode(header_mac(file_key, mac_input)) + b"\n"


class _Lines:
    """Read header lines, counting bytes against the header's and the current stanza's bounds."""

    def __init__(self, stream: BinaryIO, raw: bytearray) -> None:
        self._stream = stream
        self.raw = raw  # every byte read so far: the MAC covers them
        self.stanza = 0  # bytes of the stanza being read

    def next(self) -> bytes:
        """Return the next line without its newline; raise past a bound or at the end."""
        line = self._stream.readline(_MAX_LINE + 1)
        if not line.endswith(b"\n"):
            if len(line) > _MAX_LINE:
                raise HeaderTooLargeError(f"header line longer than {_MAX_LINE} bytes")
            raise HeaderError("file ends inside the header")
        self.stanza += len(line)
        if self.stanza > _MAX_STANZA:
            raise HeaderTooLargeError(f"stanza larger than {_MAX_STANZA} bytes")
        if len(self.raw) + len(line) > _MAX_HEADER:
            raise HeaderTooLargeError(f"header larger than {_MAX_HEADER} bytes")
        self.raw += line
        return line[:-1]


def _parse_args(line: bytes) -> tuple[str, tuple[str, ...]]:
    parts = line[len(_STANZA_PREFIX) :].split(b" ")
    for part in parts:
        if not part or any(c < 0x21 or c > 0x7E for c in part):
            raise HeaderError("invalid stanza argument")
    return parts[0].decode("ascii"), tuple(p.decode("ascii") for p in parts[1:])


def read_header(stream: BinaryIO) -> Header:
    """Read and parse a header, leaving the stream at the first payload byte."""
    version = stream.readline(len(VERSION_LINE) + 1)
    if version != VERSION_LINE + b"\n":
        if version.startswith(b"age-encryption.org/"):
            raise UnsupportedVersionError("unsupported age version")
        raise HeaderError("not an age file")
    lines = _Lines(stream, bytearray(version))
    stanzas: list[Stanza] = []
    line = lines.next()
    while line.startswith(_STANZA_PREFIX):
        if len(stanzas) >= _MAX_STANZAS:
            raise HeaderTooLargeError(f"more than {_MAX_STANZAS} stanzas")
        kind, args = _parse_args(line)
        body = bytearray()
        while True:
            body_line = lines.next()
            if len(body_line) > _COLUMNS:
                raise HeaderError("stanza body line longer than 64 columns")
            body += body_line
            if len(body_line) < _COLUMNS:
                break
        stanzas.append(Stanza(kind, args, b64decode(bytes(body))))
        lines.stanza = 0
        line = lines.next()
    if not line.startswith(_MAC_PREFIX):
        raise HeaderError("malformed header: expected a stanza or the MAC line")
    if not stanzas:
        raise HeaderError("header has no recipient stanza")
    mac_text = line[len(_MAC_PREFIX) :]
    mac = b64decode(mac_text)
    if len(mac) != 32:
        raise HeaderError("header MAC has the wrong length")
    mac_input = bytes(lines.raw[: len(lines.raw) - len(line) - 1]) + b"---"
    return Header(tuple(stanzas), mac, mac_input)
