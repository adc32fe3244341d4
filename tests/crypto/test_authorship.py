"""Proof of authorship (decision 095): a case's Ed25519 key derived from the reply secret and
a salt; signatures of a desk's challenge, written to be typed or read aloud."""

from __future__ import annotations

import pytest

from crypto import authorship, labels
from crypto.errors import KeyEncodingError, SignatureError
from crypto.keys import Identity
from crypto.source_identity import case_reply_identity


def test_the_key_is_per_case_and_unrelated_to_the_reply_key() -> None:
    source = Identity.generate()
    salt_a, salt_b = authorship.new_salt(), authorship.new_salt()
    a = authorship.case_signing_key(source, salt_a)
    assert a == authorship.case_signing_key(source, salt_a)  # derived again at each sign-in
    assert a.verify_key != authorship.case_signing_key(source, salt_b).verify_key
    # Another label than the case reply key: the same salt gives an unrelated secret.
    assert a.seed != case_reply_identity(source, salt_a).secret_key
    assert labels.CASE_AUTHORSHIP_KEY != labels.CASE_REPLY_KEY
    text = authorship.encode_public(a.verify_key)
    assert text.startswith("westrongauth1")
    assert authorship.parse_public(text) == a.verify_key


def test_a_signature_of_the_challenge_verifies_however_it_is_typed() -> None:
    key = authorship.case_signing_key(Identity.generate(), authorship.new_salt())
    challenge = authorship.new_challenge()
    assert len(challenge.replace("-", "")) == 16
    signature = authorship.sign(key, challenge)
    typed = signature.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    authorship.verify(key.verify_key, challenge.lower().replace("-", ""), typed)


def test_a_signature_proves_only_this_challenge_and_this_case() -> None:
    source = Identity.generate()
    key = authorship.case_signing_key(source, authorship.new_salt())
    other_case = authorship.case_signing_key(source, authorship.new_salt())
    challenge = authorship.new_challenge()
    signature = authorship.sign(key, challenge)
    with pytest.raises(SignatureError):
        authorship.verify(key.verify_key, authorship.new_challenge(), signature)
    with pytest.raises(SignatureError):
        authorship.verify(other_case.verify_key, challenge, signature)
    spoilt = ("0" if signature[0] != "0" else "1") + signature[1:]
    with pytest.raises(SignatureError):
        authorship.verify(key.verify_key, challenge, spoilt)


@pytest.mark.parametrize("text", ["", "abc", "U" * 16, "67X9-WBKV-TJ2Y-0TW", "ก" * 16])
def test_malformed_challenges_are_refused(text: str) -> None:
    with pytest.raises(SignatureError):
        authorship.normal_challenge(text)


def test_a_non_canonical_last_character_is_refused() -> None:
    # 16 characters hold 80 bits exactly; a signature's 103 characters hold 515 bits.
    key = authorship.case_signing_key(Identity.generate(), authorship.new_salt())
    challenge = authorship.new_challenge()
    signature = authorship.sign(key, challenge)
    last = signature[-1]
    spare = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    bumped = spare[spare.index(last) ^ 1]
    with pytest.raises(SignatureError):
        authorship.verify(key.verify_key, challenge, signature[:-1] + bumped)


def test_a_signing_key_is_not_an_authorship_key() -> None:
    key = authorship.case_signing_key(Identity.generate(), authorship.new_salt())
    with pytest.raises(KeyEncodingError):
        authorship.parse_public(str(key.verify_key))  # westrongsign1…: the server's kind
