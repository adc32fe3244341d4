"""A source's identity, derived from the codename alone: a lookup id and a reply key pair.

Argon2id (libsodium's, 1.3-1.8x faster here than argon2-cffi's, so more memory for the same
wait) runs over the normalised codename, salted from the instance's secret pepper, so a
stolen database without the pepper gives an attacker nothing to guess against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nacl import bindings

from crypto import _primitives as prim
from crypto import labels
from crypto.codename import normalize
from crypto.keys import Identity

PEPPER_SIZE = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: passes over memory, and memory in bytes (parallelism 1, libsodium)."""

    ops: int = 3
    mem: int = 128 * 1024 * 1024


# Chosen by measurement (docs/decisions/003-codename-kdf.md): ~180 ms median on this 2-core
# machine kind, under the 0.5 s budget even when the other core is busy.
DEFAULT_PARAMS = KdfParams()
# For tests only: keeps the suite fast; production config refuses anything weaker than default.
TEST_PARAMS = KdfParams(ops=1, mem=8 * 1024 * 1024)


@dataclass(frozen=True)
class SourceIdentity:
    """What a codename opens: the lookup id (stored) and the reply identity (never stored)."""

    lookup_id: str
    reply_identity: Identity = field(repr=False)


def derive(codename: str, pepper: bytes, params: KdfParams = DEFAULT_PARAMS) -> SourceIdentity:
    """Derive a source's lookup id and reply key pair from a codename (slow on purpose)."""
    if len(pepper) != PEPPER_SIZE:
        raise ValueError("the pepper is 32 bytes")
    salt = prim.hkdf_sha256(pepper, b"", labels.CODENAME_SALT, 16)
    master = bindings.crypto_pwhash_alg(
        32,
        normalize(codename).encode("utf-8"),
        salt,
        params.ops,
        params.mem,
        bindings.crypto_pwhash_ALG_ARGON2ID13,
    )
    lookup = prim.hkdf_sha256(master, pepper, labels.SOURCE_LOOKUP_ID)
    reply = prim.hkdf_sha256(master, pepper, labels.SOURCE_REPLY_KEY)
    return SourceIdentity(lookup.hex(), Identity(reply))


CASE_SALT_SIZE = 16


def new_case_salt() -> bytes:
    """Return a fresh random salt for one case's reply key (stored on the case row)."""
    return prim.random_bytes(CASE_SALT_SIZE)


def case_reply_identity(reply_identity: Identity, salt: bytes) -> Identity:
    """Derive one case's reply key pair from the source's reply secret (decision 067).

    Each desk gets its own public key, so two desks comparing keys cannot tell that one
    source reported to both; only someone holding the codename (the source) derives the
    secret, and the server, which stores the public key and the salt, never can.
    """
    if len(salt) != CASE_SALT_SIZE:
        raise ValueError("a case salt is 16 bytes")
    return Identity(prim.hkdf_sha256(reply_identity.secret_key, salt, labels.CASE_REPLY_KEY))
