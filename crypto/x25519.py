"""The X25519 recipient stanza: wrap a file key to a public key, unwrap it with a secret key."""

from crypto import _primitives as prim
from crypto.errors import HeaderError
from crypto.header import Stanza, b64decode, b64encode
from crypto.keys import Identity, Recipient

STANZA_TYPE = "X25519"
_INFO = b"age-encryption.org/v1/X25519"
FILE_KEY_SIZE = 16


def wrap(file_key: bytes, recipient: Recipient) -> Stanza:
    """Return a stanza that carries the file key to this recipient."""
    ephemeral = prim.random_bytes(prim.KEY_SIZE)
    share = prim.x25519_base(ephemeral)
    shared = prim.x25519(ephemeral, recipient.public_key)
    if shared == bytes(prim.KEY_SIZE):
        raise HeaderError("recipient is a low-order point")
    key = prim.hkdf_sha256(shared, share + recipient.public_key, _INFO)
    body = prim.seal_zero_nonce(key, file_key)
    return Stanza(STANZA_TYPE, (b64encode(share).decode("ascii"),), body)


def unwrap(stanza: Stanza, identity: Identity) -> bytes | None:
    """Return the file key if this X25519 stanza is for the identity, None if it is not.

    A malformed X25519 stanza is a header error, not a mere non-match: age fails closed on it.
    """
    if len(stanza.args) != 1:
        raise HeaderError("X25519 stanza takes exactly one argument")
    share = b64decode(stanza.args[0].encode("ascii"))
    if len(share) != prim.KEY_SIZE:
        raise HeaderError("X25519 share has the wrong length")
    if len(stanza.body) != FILE_KEY_SIZE + prim.TAG_SIZE:
        raise HeaderError("X25519 stanza body has the wrong length")
    shared = prim.x25519(identity.secret_key, share)
    if shared == bytes(prim.KEY_SIZE):
        raise HeaderError("X25519 share is a low-order point")
    key = prim.hkdf_sha256(shared, share + identity.recipient.public_key, _INFO)
    try:
        return prim.open_zero_nonce(key, stanza.body)
    except prim.AeadError:
        return None
