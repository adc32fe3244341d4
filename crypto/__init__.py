"""Age-format envelopes, codenames, key derivation and passphrases (PyNaCl, argon2-cffi)."""

from crypto.age import decrypt, decrypt_bytes, decrypt_chunks, encrypt, encrypt_bytes, encryptor
from crypto.errors import CryptoError
from crypto.keys import Identity, Recipient

__all__ = [
    "CryptoError",
    "Identity",
    "Recipient",
    "decrypt",
    "decrypt_bytes",
    "decrypt_chunks",
    "encrypt",
    "encrypt_bytes",
    "encryptor",
]
