"""The few primitives the age format needs, over libsodium (PyNaCl) and the standard library.

Private on purpose: callers use the recipes in `crypto.age`, never these directly.
"""

import hashlib
import hmac
import os

from nacl import bindings, exceptions

KEY_SIZE = 32
TAG_SIZE = 16
NONCE_SIZE = 12
_ZERO_NONCE = bytes(NONCE_SIZE)


class AeadError(Exception):
    """An AEAD tag did not verify (internal; callers translate it)."""


def random_bytes(n: int) -> bytes:
    """Return n bytes from the operating system's CSPRNG."""
    return os.urandom(n)


def x25519(scalar: bytes, point: bytes) -> bytes:
    """Return the X25519 function of a scalar and a u-coordinate (may be all zeros)."""
    # crypto_scalarmult refuses an all-zero result; age checks for it itself with a clear error.
    try:
        return bytes(bindings.crypto_scalarmult(scalar, point))
    except exceptions.RuntimeError:
        return bytes(KEY_SIZE)


def x25519_base(scalar: bytes) -> bytes:
    """Return the X25519 public key of a scalar."""
    return bytes(bindings.crypto_scalarmult_base(scalar))


def seal(key: bytes, nonce: bytes, plaintext: bytes) -> bytes:
    """Encrypt with ChaCha20-Poly1305 (IETF, 96-bit nonce) and no associated data."""
    return bytes(bindings.crypto_aead_chacha20poly1305_ietf_encrypt(plaintext, None, nonce, key))


def open_(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    """Decrypt with ChaCha20-Poly1305; raise AeadError if the tag does not verify."""
    try:
        return bytes(
            bindings.crypto_aead_chacha20poly1305_ietf_decrypt(ciphertext, None, nonce, key)
        )
    except exceptions.CryptoError as exc:
        raise AeadError from exc


def seal_zero_nonce(key: bytes, plaintext: bytes) -> bytes:
    """Encrypt under a single-use key, so the all-zero nonce is safe (age's key wrapping)."""
    return seal(key, _ZERO_NONCE, plaintext)


def open_zero_nonce(key: bytes, ciphertext: bytes) -> bytes:
    """Decrypt what seal_zero_nonce made."""
    return open_(key, _ZERO_NONCE, ciphertext)


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = KEY_SIZE) -> bytes:
    """Return HKDF-SHA-256 (RFC 5869) output of the given length."""
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """Return HMAC-SHA-256 of a message."""
    return hmac.new(key, message, hashlib.sha256).digest()


def equal(a: bytes, b: bytes) -> bool:
    """Compare in constant time."""
    return hmac.compare_digest(a, b)
