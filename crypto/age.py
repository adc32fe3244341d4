"""Encrypt to and decrypt from the age v1 format (X25519 and scrypt recipients), streaming."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from crypto import _primitives as prim
from crypto import scrypt, stream, x25519
from crypto.errors import HeaderError, NoIdentityMatchError
from crypto.header import Header, Stanza, encode_header, read_header
from crypto.keys import Identity, Recipient
from crypto.scrypt import ScryptIdentity

AnyIdentity = Identity | ScryptIdentity


def _begin(out: stream.Sink, stanzas_for: Callable[[bytes], list[Stanza]]) -> bytes:
    """Write header and payload nonce; return the payload key."""
    file_key = prim.random_bytes(x25519.FILE_KEY_SIZE)
    nonce = prim.random_bytes(stream.NONCE_SIZE)
    out.write(encode_header(stanzas_for(file_key), file_key))
    out.write(nonce)
    return stream.payload_key(file_key, nonce)


def _start(out: stream.Sink, recipients: Sequence[Recipient]) -> bytes:
    if not recipients:
        raise HeaderError("at least one recipient is required")
    return _begin(out, lambda file_key: [x25519.wrap(file_key, r) for r in recipients])


def encrypt(source: BinaryIO, out: stream.Sink, recipients: Sequence[Recipient]) -> int:
    """Encrypt a readable stream into a writable one; return the plaintext size."""
    return stream.encrypt_from(source, out, _start(out, recipients))


def encrypt_with_passphrase(
    source: BinaryIO,
    out: stream.Sink,
    passphrase: str,
    work_factor: int = scrypt.DEFAULT_WORK_FACTOR,
) -> int:
    """Encrypt to a passphrase (age's scrypt recipient, alone in the header, as `age -p` does)."""
    key = _begin(out, lambda file_key: [scrypt.wrap(file_key, passphrase, work_factor)])
    return stream.encrypt_from(source, out, key)


def encryptor(out: stream.Sink, recipients: Sequence[Recipient]) -> stream.StreamEncryptor:
    """Return a writable object that encrypts into `out`; close it to finish the file."""
    return stream.StreamEncryptor(out, _start(out, recipients))


def encrypt_bytes(plaintext: bytes, recipients: Sequence[Recipient]) -> bytes:
    """Encrypt a small plaintext held in memory."""
    out = io.BytesIO()
    encrypt(io.BytesIO(plaintext), out, recipients)
    return out.getvalue()


def _file_key(header: Header, identities: Sequence[AnyIdentity]) -> bytes:
    # The spec: an scrypt stanza MUST be alone, whatever identities we hold; otherwise a file
    # that looks passphrase-protected could also be readable by someone else's key.
    if len(header.stanzas) > 1 and any(s.type == scrypt.STANZA_TYPE for s in header.stanzas):
        raise HeaderError("an scrypt stanza must be the only stanza in the header")
    for stanza in header.stanzas:
        for identity in identities:
            file_key: bytes | None = None
            if isinstance(identity, ScryptIdentity):
                if stanza.type == scrypt.STANZA_TYPE:
                    file_key = scrypt.unwrap(stanza, identity)
            elif stanza.type == x25519.STANZA_TYPE:
                file_key = x25519.unwrap(stanza, identity)
            # other recipient types (and grease) are skipped, as the spec asks
            if file_key is not None:
                return file_key
    raise NoIdentityMatchError("no identity matches any recipient of this file")


def decrypt_chunks(source: BinaryIO, identities: Sequence[AnyIdentity]) -> Iterator[bytes]:
    """Yield verified plaintext chunks; finishing the iteration means the file verified."""
    header = read_header(source)
    file_key = _file_key(header, identities)
    header.verify_mac(file_key)
    nonce = source.read(stream.NONCE_SIZE)
    if len(nonce) != stream.NONCE_SIZE:
        raise HeaderError("payload nonce is missing or short")
    return stream.decrypt_chunks(source, stream.payload_key(file_key, nonce))


def decrypt(source: BinaryIO, out: stream.Sink, identities: Sequence[AnyIdentity]) -> int:
    """Decrypt into `out`; return the plaintext size only once the final chunk verified.

    Chunks reach `out` as they verify; on an error some were already written, so callers that
    keep output write to a temporary name and rename it only after this returns.
    """
    total = 0
    for chunk in decrypt_chunks(source, identities):
        out.write(chunk)
        total += len(chunk)
    return total


def decrypt_bytes(ciphertext: bytes, identities: Sequence[AnyIdentity]) -> bytes:
    """Decrypt a small ciphertext held in memory."""
    return b"".join(decrypt_chunks(io.BytesIO(ciphertext), identities))
