"""The age scrypt recipient: a file key wrapped under a passphrase (C2SP age spec, "scrypt").

We use it for one thing: the desk's private key file on the workstation, so that the reference
`age -d` opens that file too. Parsing is as strict as for X25519 stanzas: anything not exactly
canonical is a HeaderError, and a work factor above the cap is refused before any work is done
(a hostile file could otherwise ask for gigabytes of memory and minutes of CPU).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from crypto import _primitives as prim
from crypto.errors import HeaderError
from crypto.header import Stanza, b64decode, b64encode

STANZA_TYPE = "scrypt"
_SALT_LABEL = b"age-encryption.org/v1/scrypt"
SALT_SIZE = 16
FILE_KEY_SIZE = 16
# age's own default for `age -p`: about a second of work for whoever tries a passphrase.
DEFAULT_WORK_FACTOR = 18
# hashlib.scrypt refuses more than INT_MAX bytes of memory, and N = 2^21 with r = 8 needs 2 GiB:
# 20 (1 GiB, a few seconds) is the largest it can do. Go age's cap is 22; age -p writes 18.
MAX_WORK_FACTOR = 20
_R = 8
_P = 1
# Decimal, no sign, no leading zero, at most two digits (anything longer is over the cap anyway,
# and parsing an unbounded digit string is itself work an attacker chooses).
_WORK_FACTOR = re.compile(r"[1-9][0-9]?")


@dataclass(frozen=True)
class ScryptIdentity:
    """A passphrase that may open a file encrypted with age's scrypt recipient."""

    passphrase: str = field(repr=False)
    max_work_factor: int = MAX_WORK_FACTOR

    def __post_init__(self) -> None:
        if not 1 <= self.max_work_factor <= MAX_WORK_FACTOR:
            raise ValueError(f"max_work_factor must be between 1 and {MAX_WORK_FACTOR}")


def derive_key(passphrase: str, salt: bytes, work_factor: int) -> bytes:
    """Return the 32-byte wrapping key: scrypt(passphrase, label ‖ salt, N=2^wf, r=8, p=1)."""
    if not 1 <= work_factor <= MAX_WORK_FACTOR:
        raise ValueError(f"work factor must be between 1 and {MAX_WORK_FACTOR}")
    n = 1 << work_factor
    # OpenSSL counts 128·r·(N + 2) bytes for V plus 128·r·p for B; leave a little room.
    maxmem = 128 * _R * (n + 2 + _P) + 1024 * 1024
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=_SALT_LABEL + salt,
        n=n,
        r=_R,
        p=_P,
        dklen=prim.KEY_SIZE,
        maxmem=maxmem,
    )


def wrap(file_key: bytes, passphrase: str, work_factor: int = DEFAULT_WORK_FACTOR) -> Stanza:
    """Return the stanza that carries the file key under this passphrase."""
    salt = prim.random_bytes(SALT_SIZE)
    key = derive_key(passphrase, salt, work_factor)
    body = prim.seal_zero_nonce(key, file_key)
    return Stanza(STANZA_TYPE, (b64encode(salt).decode("ascii"), str(work_factor)), body)


def parse(stanza: Stanza) -> tuple[bytes, int]:
    """Return the salt and work factor of an scrypt stanza, or raise HeaderError."""
    if len(stanza.args) != 2:
        raise HeaderError("scrypt stanza takes exactly two arguments")
    salt = b64decode(stanza.args[0].encode("ascii"))
    if len(salt) != SALT_SIZE:
        raise HeaderError("scrypt salt has the wrong length")
    if not _WORK_FACTOR.fullmatch(stanza.args[1]):
        raise HeaderError("scrypt work factor is not a canonical decimal number")
    if len(stanza.body) != FILE_KEY_SIZE + prim.TAG_SIZE:
        raise HeaderError("scrypt stanza body has the wrong length")
    return salt, int(stanza.args[1])


def unwrap(stanza: Stanza, identity: ScryptIdentity) -> bytes | None:
    """Return the file key if the passphrase opens this stanza, None if it does not.

    A malformed stanza, or one that asks for more work than the identity allows, is a header
    error: age fails closed on both.
    """
    salt, work_factor = parse(stanza)
    if work_factor > identity.max_work_factor:
        raise HeaderError(
            f"scrypt work factor {work_factor} is above the limit of {identity.max_work_factor}"
        )
    key = derive_key(identity.passphrase, salt, work_factor)
    try:
        return prim.open_zero_nonce(key, stanza.body)
    except prim.AeadError:
        return None
