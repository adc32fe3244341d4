"""The instance's Ed25519 signing key: it signs every export bundle's manifest (FORMAT.md §4).

Only the reviewer interface's process holds the secret (a 32-byte seed in its configuration);
the workstation pins the public key, `westrongsign1…` in bech32, at set-up (decision 065).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nacl import exceptions as nacl_exceptions
from nacl import signing as nacl_signing

from crypto import bech32
from crypto.errors import KeyEncodingError, SignatureError

PUBLIC_HRP = "westrongsign"
SEED_SIZE = 32
SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class VerifyKey:
    """An Ed25519 public key: what a bundle's signature is checked against."""

    public_key: bytes

    def __post_init__(self) -> None:
        if len(self.public_key) != 32:
            raise KeyEncodingError("an Ed25519 public key is 32 bytes")

    @classmethod
    def parse(cls, text: str) -> VerifyKey:
        """Parse a `westrongsign1…` string (lowercase, as bech32 is written)."""
        text = text.strip()
        if text != text.lower():
            raise KeyEncodingError("signing keys are lowercase")
        hrp, data = bech32.decode(text)
        if hrp != PUBLIC_HRP:
            raise KeyEncodingError("not a westrongsign1 key")
        return cls(data)

    def verify(self, message: bytes, signature: bytes) -> None:
        """Raise SignatureError unless `signature` is this key's signature of `message`."""
        if len(signature) != SIGNATURE_SIZE:
            raise SignatureError("a signature is 64 bytes")
        try:
            nacl_signing.VerifyKey(self.public_key).verify(message, signature)
        except nacl_exceptions.BadSignatureError:
            raise SignatureError("the signature does not verify") from None

    def __str__(self) -> str:
        return bech32.encode(PUBLIC_HRP, self.public_key)


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 secret key, from a 32-byte seed."""

    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.seed) != SEED_SIZE:
            raise KeyEncodingError("an Ed25519 seed is 32 bytes")

    @property
    def verify_key(self) -> VerifyKey:
        """Return the public half."""
        return VerifyKey(bytes(nacl_signing.SigningKey(self.seed).verify_key))

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte detached signature of `message`."""
        return bytes(nacl_signing.SigningKey(self.seed).sign(message).signature)
