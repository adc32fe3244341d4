"""X25519 age identities (private) and recipients (public), with their bech32 encodings."""

from __future__ import annotations

from dataclasses import dataclass, field

from crypto import _primitives as prim
from crypto import bech32
from crypto.errors import KeyEncodingError

RECIPIENT_HRP = "age"
IDENTITY_HRP = "age-secret-key-"


@dataclass(frozen=True)
class Recipient:
    """An X25519 public key: whom a file is encrypted to."""

    public_key: bytes

    def __post_init__(self) -> None:
        if len(self.public_key) != prim.KEY_SIZE:
            raise KeyEncodingError("an X25519 recipient is 32 bytes")

    @classmethod
    def parse(cls, text: str) -> Recipient:
        """Parse an `age1…` string; only lowercase is accepted, as age does."""
        text = text.strip()
        if text != text.lower():
            raise KeyEncodingError("age recipients are lowercase")
        hrp, data = bech32.decode(text)
        if hrp != RECIPIENT_HRP:
            raise KeyEncodingError("not an age1 recipient")
        return cls(data)

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public_key)


@dataclass(frozen=True)
class Identity:
    """An X25519 secret key: what opens files encrypted to its recipient."""

    secret_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret_key) != prim.KEY_SIZE:
            raise KeyEncodingError("an X25519 identity is 32 bytes")

    @classmethod
    def generate(cls) -> Identity:
        """Return a fresh random identity."""
        return cls(prim.random_bytes(prim.KEY_SIZE))

    @classmethod
    def parse(cls, text: str) -> Identity:
        """Parse an identity string (`AGE-SECRET-KEY-` + bech32); only uppercase, as age does."""
        text = text.strip()
        if text != text.upper():
            raise KeyEncodingError("age identities are uppercase")
        hrp, data = bech32.decode(text)
        if hrp != IDENTITY_HRP:
            raise KeyEncodingError("not an age identity (AGE-SECRET-KEY-…)")
        return cls(data)

    @property
    def recipient(self) -> Recipient:
        """Return the public recipient of this identity."""
        return Recipient(prim.x25519_base(self.secret_key))

    def encode(self) -> str:
        """Return the identity string, `AGE-SECRET-KEY-` + bech32 (keep it secret)."""
        return bech32.encode(IDENTITY_HRP, self.secret_key).upper()


def parse_identity_file(text: str) -> list[Identity]:
    """Parse an age identity file: one identity per line, `#` comments and blank lines ignored."""
    identities = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(Identity.parse(line))
        except KeyEncodingError as exc:
            raise KeyEncodingError(f"identity file line {number}: {exc}") from None
    if not identities:
        raise KeyEncodingError("no identity found in identity file")
    return identities
