"""Reviewers' TOTP secrets at rest: sealed (X25519 sealed box) to a key pair derived from the
reviewer interface's `totp_key`.

Only the reviewer interface holds `totp_key`, so only it can open a secret to check a code.
Whoever adds reviewers or resets their 2FA (the reviewer interface, the operator's command
line) seals a fresh secret with the public half alone: the command line's configuration holds
`totp_public_key`, never the key (docs/decisions/038-totp-secrets-at-rest.md). A copy of the
database gives no second factor.
"""

from __future__ import annotations

import base64
import binascii

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from crypto import _primitives as prim
from crypto import labels
from crypto.errors import CryptoError

PREFIX = "totp1:"  # the format marker: a sealed box, base64


class TotpSealError(CryptoError):
    """A stored TOTP secret is not sealed, or does not open with this key."""


def _private(totp_key: bytes) -> PrivateKey:
    return PrivateKey(prim.hkdf_sha256(totp_key, b"", labels.TOTP_SEAL_KEY))


def public_key(totp_key: bytes) -> str:
    """Return the public half (hex) that seals secrets for this `totp_key`."""
    return bytes(_private(totp_key).public_key).hex()


def seal(public_hex: str, secret: str) -> str:
    """Return the stored form of a TOTP secret, sealed to the public half."""
    try:
        box = SealedBox(PublicKey(bytes.fromhex(public_hex)))
    except (ValueError, TypeError, NaclCryptoError):
        raise TotpSealError("not a TOTP public key (64 hex digits)") from None
    return PREFIX + base64.b64encode(box.encrypt(secret.encode("ascii"))).decode("ascii")


def is_sealed(stored: str) -> bool:
    """Return whether a stored value is in the sealed format."""
    return stored.startswith(PREFIX)


def open_sealed(totp_key: bytes, stored: str) -> str:
    """Return the TOTP secret of a stored value; fail closed on anything else (a plaintext
    secret left from before migration 0005 included)."""
    if not is_sealed(stored):
        raise TotpSealError("the TOTP secret is not sealed (run manage.py migrate)")
    try:
        opened = SealedBox(_private(totp_key)).decrypt(base64.b64decode(stored[len(PREFIX) :]))
    except (binascii.Error, ValueError, NaclCryptoError):
        raise TotpSealError("the TOTP secret does not open with this totp_key") from None
    return opened.decode("ascii")
