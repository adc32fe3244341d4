"""Session sealing: the row and the cookie are each useless alone."""

import pytest

from crypto import session_seal
from crypto.errors import CryptoError


def test_round_trip_and_wrong_token() -> None:
    token = session_seal.new_token()
    sealed = session_seal.seal(token, b"reply secret key" * 2)
    assert session_seal.unseal(token, sealed) == b"reply secret key" * 2
    with pytest.raises(CryptoError):
        session_seal.unseal(session_seal.new_token(), sealed)
    with pytest.raises(CryptoError):
        session_seal.unseal(token, sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(CryptoError):
        session_seal.unseal(token, b"\x02" + sealed[1:])


def test_token_hash_is_not_the_token_and_is_stable() -> None:
    token = session_seal.new_token()
    assert session_seal.token_hash(token) == session_seal.token_hash(token)
    assert token.hex() not in session_seal.token_hash(token)
    assert len(session_seal.token_hash(token)) == 64
