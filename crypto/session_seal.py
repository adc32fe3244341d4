"""Seal a secret under a random session token held only by the browser.

The server stores `token_hash(token)` to find the session and `seal(token, secret)`; the
cookie holds the token. Either alone is useless: the database cannot open the secret, and the
token is worthless once the row is deleted (logout, expiry).
"""

import base64
import binascii
import hashlib

from crypto import _primitives as prim
from crypto import labels
from crypto.errors import CryptoError

TOKEN_SIZE = 32
_VERSION = b"\x01"


def new_token() -> bytes:
    """Return a fresh random session token."""
    return prim.random_bytes(TOKEN_SIZE)


def encode_token(token: bytes) -> str:
    """Return the cookie or header form of a token."""
    return base64.urlsafe_b64encode(token).decode("ascii")


def decode_token(value: str | None) -> bytes | None:
    """Return the token a cookie or header carries, or None if it is not a well-formed one."""
    if not value:
        return None
    try:
        token = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return token if len(token) == TOKEN_SIZE else None


def token_hash(token: bytes) -> str:
    """Return the lookup value stored for a token (a hash: the token itself is never kept)."""
    return hashlib.sha256(labels.SESSION_TOKEN_HASH + token).hexdigest()


def seal(token: bytes, secret: bytes) -> bytes:
    """Encrypt a secret under a key derived from the token."""
    key = prim.hkdf_sha256(token, b"", labels.SESSION_SEAL_KEY)
    nonce = prim.random_bytes(prim.NONCE_SIZE)
    return _VERSION + nonce + prim.seal(key, nonce, secret)


def unseal(token: bytes, sealed: bytes) -> bytes:
    """Decrypt what `seal` made with the same token; raise CryptoError otherwise."""
    if not sealed.startswith(_VERSION) or len(sealed) < 1 + prim.NONCE_SIZE + prim.TAG_SIZE:
        raise CryptoError("not a sealed session secret")
    key = prim.hkdf_sha256(token, b"", labels.SESSION_SEAL_KEY)
    nonce, body = sealed[1 : 1 + prim.NONCE_SIZE], sealed[1 + prim.NONCE_SIZE :]
    try:
        return prim.open_(key, nonce, body)
    except prim.AeadError:
        raise CryptoError("session secret does not open with this token") from None
