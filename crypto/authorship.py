"""Proof of authorship: a case's own Ed25519 key, derived from the codename (decision 095).

Each case keeps only the public key (`westrongauth1…`) and a random salt; the secret is
HKDF(source reply secret, salt, CASE_AUTHORSHIP_KEY), so only someone holding the codename
signs, and two desks comparing keys see unrelated values. A desk's challenge and the
signature are written in Crockford base32, grouped by four: read aloud or typed, case, spaces
and dashes do not matter, and O/I/L are read as 0/1/1.
"""

from __future__ import annotations

from crypto import _primitives as prim
from crypto import bech32, labels
from crypto.errors import KeyEncodingError, SignatureError
from crypto.keys import Identity
from crypto.signing import SigningKey, VerifyKey

PUBLIC_HRP = "westrongauth"
SALT_SIZE = 16
CHALLENGE_SIZE = 10  # 80 bits: 16 characters
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def new_salt() -> bytes:
    """Return a fresh random salt for one case's authorship key."""
    return prim.random_bytes(SALT_SIZE)


def case_signing_key(reply_identity: Identity, salt: bytes) -> SigningKey:
    """Derive one case's authorship signing key from the source's reply secret."""
    if len(salt) != SALT_SIZE:
        raise ValueError("an authorship salt is 16 bytes")
    seed = prim.hkdf_sha256(reply_identity.secret_key, salt, labels.CASE_AUTHORSHIP_KEY)
    return SigningKey(seed)


def encode_public(key: VerifyKey) -> str:
    """Return a case's authorship key as stored and exported: `westrongauth1…`."""
    return bech32.encode(PUBLIC_HRP, key.public_key)


def parse_public(text: str) -> VerifyKey:
    """Parse a `westrongauth1…` key."""
    text = text.strip()
    if text != text.lower():
        raise KeyEncodingError("authorship keys are lowercase")
    hrp, data = bech32.decode(text)
    if hrp != PUBLIC_HRP:
        raise KeyEncodingError("not a westrongauth1 key")
    return VerifyKey(data)


def _encode(data: bytes) -> str:
    chars = -(-len(data) * 8 // 5)
    n = int.from_bytes(data, "big") << (chars * 5 - len(data) * 8)
    text = "".join(_ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(chars)))
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _decode(text: str, size: int) -> bytes:
    chars = -(-size * 8 // 5)
    clean = "".join(_READ_AS.get(c, c) for c in text.upper() if c not in " -\t\r\n")
    if len(clean) != chars or any(c not in _ALPHABET for c in clean):
        raise SignatureError("not the right length or has characters that do not belong")
    n = 0
    for c in clean:
        n = n * 32 + _ALPHABET.index(c)
    extra = chars * 5 - size * 8
    if n & ((1 << extra) - 1):
        raise SignatureError("not a canonical encoding")
    return (n >> extra).to_bytes(size, "big")


def new_challenge() -> str:
    """Return a fresh random challenge, as the desk hands it over (e.g. `K7QF-2M9X-…`)."""
    return _encode(prim.random_bytes(CHALLENGE_SIZE))


def normal_challenge(text: str) -> str:
    """Return a typed challenge in its one written form (SignatureError if it is not one)."""
    return _encode(_decode(text, CHALLENGE_SIZE))


def _message(key: VerifyKey, challenge: str) -> bytes:
    # The case's key is inside what is signed: a signature is for this case's key only.
    return labels.AUTHORSHIP_PROOF + key.public_key + normal_challenge(challenge).encode("ascii")


def sign(key: SigningKey, challenge: str) -> str:
    """Return the signature of a desk's challenge, written for handing over."""
    return _encode(key.sign(_message(key.verify_key, challenge)))


def verify(key: VerifyKey, challenge: str, signature: str) -> None:
    """Raise SignatureError unless `signature` is the case key's signature of `challenge`."""
    key.verify(_message(key, challenge), _decode(signature, 64))
