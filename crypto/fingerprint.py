"""Fingerprints of public keys that two people can compare by reading them aloud."""

import hashlib

from crypto import labels
from crypto.keys import Recipient

GROUPS = 6
DIGITS = 5


def fingerprint(recipient: Recipient) -> str:
    """Return 30 decimal digits in six groups of five (about 100 bits).

    Digits, not words: they read the same in Thai and English and over a bad phone line.
    """
    digest = hashlib.sha256(labels.FINGERPRINT + recipient.public_key).digest()
    number = int.from_bytes(digest, "big")
    groups = []
    for _ in range(GROUPS):
        number, group = divmod(number, 10**DIGITS)
        groups.append(f"{group:0{DIGITS}d}")
    return " ".join(groups)
