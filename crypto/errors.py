"""Errors raised by the crypto package: one base class, one subclass per way to fail."""


class CryptoError(Exception):
    """Base class for every error raised by the crypto package."""


class KeyEncodingError(CryptoError):
    """A recipient or identity string is not a valid, canonical encoding."""


class HeaderError(CryptoError):
    """The age header is malformed or not canonically encoded."""


class HeaderTooLargeError(HeaderError):
    """The age header is past a size bound (a line, a stanza or the whole header)."""


class UnsupportedVersionError(HeaderError):
    """The file is not an age v1 file."""


class NoIdentityMatchError(CryptoError):
    """None of the given identities opens any recipient stanza (wrong key)."""


class HeaderMacError(CryptoError):
    """The header MAC does not verify: the header was altered."""


class PayloadError(CryptoError):
    """The payload is malformed or fails authentication."""


class ChunkAuthError(PayloadError):
    """A payload chunk fails authentication: corrupted, reordered or cut mid-chunk."""


class TruncatedError(PayloadError):
    """The payload ends before its final chunk."""


class TrailingDataError(PayloadError):
    """Data follows the final chunk."""


class InnerFormatError(CryptoError):
    """The decrypted plaintext does not follow the inner format of docs/FORMAT.md."""


class SignatureError(CryptoError):
    """A signature does not verify against the pinned key, or is malformed."""


class PassphraseMismatchError(CryptoError):
    """A reviewer passphrase does not match its stored hash."""


class BusyError(CryptoError):
    """Too many key derivations are running or were asked for: try again shortly."""
