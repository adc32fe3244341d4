"""Fingerprints of public keys that two people can compare by reading them aloud."""

import hashlib

from crypto import labels
from crypto.keys import Recipient
from crypto.signing import VerifyKey

GROUPS = 6
DIGITS = 5


def _digits(label: bytes, public_key: bytes) -> str:
    digest = hashlib.sha256(label + public_key).digest()
    number = int.from_bytes(digest, "big")
    groups = []
    for _ in range(GROUPS):
        number, group = divmod(number, 10**DIGITS)
        groups.append(f"{group:0{DIGITS}d}")
    return " ".join(groups)


def fingerprint(recipient: Recipient) -> str:
    """Return 30 decimal digits in six groups of five (about 100 bits).

    Digits, not words: they read the same in Thai and English and over a bad phone line.
    """
    return _digits(labels.FINGERPRINT, recipient.public_key)


def signing_fingerprint(key: VerifyKey) -> str:
    """Return the read-aloud form of the instance's signing key (its own label: a signing
    key and an age key with the same bytes never share a fingerprint)."""
    return _digits(labels.SIGNING_FINGERPRINT, key.public_key)
