"""Reviewer passphrases, read-aloud fingerprints and padding rules."""

import pytest
from argon2 import PasswordHasher

from crypto import fingerprint, padding, passphrase
from crypto.errors import PassphraseMismatchError
from crypto.keys import Identity

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_generated_passphrase_has_seven_eff_words() -> None:
    words = passphrase.generate().split(" ")
    assert len(words) == 7
    assert passphrase.generate() != passphrase.generate()


def test_hash_and_verify() -> None:
    stored = passphrase.hash_passphrase("correct horse", FAST)
    assert stored.startswith("$argon2id$")
    passphrase.verify(stored, "correct horse", FAST)
    with pytest.raises(PassphraseMismatchError):
        passphrase.verify(stored, "wrong horse", FAST)
    with pytest.raises(PassphraseMismatchError):
        passphrase.verify("not a hash", "correct horse", FAST)


def test_rehash_when_parameters_change() -> None:
    stored = passphrase.hash_passphrase("correct horse", FAST)
    assert not passphrase.needs_rehash(stored, FAST)
    assert passphrase.needs_rehash(stored)  # the production parameters are stronger


def test_dummy_hash_never_matches_a_typed_passphrase() -> None:
    with pytest.raises(PassphraseMismatchError):
        passphrase.verify(passphrase.dummy_hash(FAST), "", FAST)


def test_fingerprint_shape_and_stability() -> None:
    identity = Identity(bytes(range(32)))
    text = fingerprint.fingerprint(identity.recipient)
    groups = text.split(" ")
    assert len(groups) == 6
    assert all(len(g) == 5 and g.isdigit() for g in groups)
    assert text == fingerprint.fingerprint(identity.recipient)
    assert text != fingerprint.fingerprint(Identity.generate().recipient)


@pytest.mark.parametrize(
    ("length", "padded"),
    [(0, 0), (1, 1), (2, 2), (9, 10), (100, 104), (1000, 1024), (100_000, 100_352)],
)
def test_padme_known_values(length: int, padded: int) -> None:
    assert padding.padme(length) == padded


def test_padme_overhead_is_at_most_12_percent() -> None:
    for length in [*range(2, 5000), 10**6 + 1, 500 * 2**20 + 3]:
        assert length <= padding.padme(length) <= length * 1.12


def test_message_buckets() -> None:
    assert {padding.bucket(n) for n in (1, 500, 1024)} == {1024}
    assert padding.bucket(1025) == 2048
    assert padding.bucket(65536) == 65536
    assert padding.bucket(65537) == padding.padme(65537)
