"""Our envelope: round trips at every size, and each way to tamper fails with its own error."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import age, stream
from crypto.errors import (
    ChunkAuthError,
    HeaderError,
    HeaderMacError,
    NoIdentityMatchError,
    PayloadError,
    TrailingDataError,
    TruncatedError,
)
from crypto.keys import Identity

IDENTITY = Identity.generate()
CHUNK = stream.ENCRYPTED_CHUNK_SIZE


def encrypt(plaintext: bytes) -> bytes:
    return age.encrypt_bytes(plaintext, [IDENTITY.recipient])


def payload_start(ciphertext: bytes) -> int:
    return (
        ciphertext.index(b"\n---")
        + ciphertext[ciphertext.index(b"\n---") + 1 :].index(b"\n")
        + 2
        + stream.NONCE_SIZE
    )


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=3 * 65536 + 5), st.lists(st.integers(1, 70_000), max_size=8))
def test_encryptor_matches_one_shot_and_round_trips(data: bytes, cuts: list[int]) -> None:
    out = io.BytesIO()
    writer = age.encryptor(out, [IDENTITY.recipient])
    position = 0
    for cut in cuts:  # arbitrary write sizes, as a multipart parser produces them
        writer.write(data[position : position + cut])
        position += cut
    writer.write(data[position:])
    writer.close()
    assert writer.plaintext_size == len(data)
    assert age.decrypt_bytes(out.getvalue(), [IDENTITY]) == data


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 131072, 200_000])
def test_chunk_boundaries(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    ciphertext = encrypt(data)
    chunks = max(1, -(-size // 65536))
    assert len(ciphertext) - payload_start(ciphertext) == size + 16 * chunks
    assert age.decrypt_bytes(ciphertext, [IDENTITY]) == data


def test_several_recipients_each_open() -> None:
    others = [Identity.generate() for _ in range(4)]
    ciphertext = age.encrypt_bytes(b"tip", [i.recipient for i in others])
    for identity in others:
        assert age.decrypt_bytes(ciphertext, [identity]) == b"tip"


def test_wrong_key() -> None:
    with pytest.raises(NoIdentityMatchError):
        age.decrypt_bytes(encrypt(b"tip"), [Identity.generate()])


def test_truncated_at_chunk_boundary() -> None:
    ciphertext = encrypt(b"a" * 200_000)
    cut = payload_start(ciphertext) + 2 * CHUNK
    with pytest.raises(TruncatedError):
        age.decrypt_bytes(ciphertext[:cut], [IDENTITY])


@pytest.mark.parametrize("drop", [1, 16, 17, 1000])
def test_truncated_mid_chunk(drop: int) -> None:
    with pytest.raises(PayloadError):
        age.decrypt_bytes(encrypt(b"a" * 200_000)[:-drop], [IDENTITY])


def test_truncated_to_header_only() -> None:
    ciphertext = encrypt(b"abc")
    with pytest.raises(TruncatedError):
        age.decrypt_bytes(ciphertext[: payload_start(ciphertext)], [IDENTITY])


def test_reordered_chunks() -> None:
    ciphertext = encrypt(bytes(200_000))
    start = payload_start(ciphertext)
    first, second = ciphertext[start : start + CHUNK], ciphertext[start + CHUNK : start + 2 * CHUNK]
    swapped = ciphertext[:start] + second + first + ciphertext[start + 2 * CHUNK :]
    with pytest.raises(ChunkAuthError):
        age.decrypt_bytes(swapped, [IDENTITY])


@pytest.mark.parametrize("extra", [b"\x00", b"garbage" * 3000])
def test_trailing_data_after_full_final_chunk(extra: bytes) -> None:
    with pytest.raises(TrailingDataError):
        age.decrypt_bytes(encrypt(b"a" * 131_072) + extra, [IDENTITY])


@pytest.mark.parametrize("extra", [b"\x00", b"garbage" * 3000])
def test_trailing_data_after_short_final_chunk(extra: bytes) -> None:
    # The chunk boundary is unknowable here, so it reads as one corrupt chunk: still refused.
    with pytest.raises(PayloadError):
        age.decrypt_bytes(encrypt(b"a" * 70_000) + extra, [IDENTITY])


def test_flipped_payload_bit() -> None:
    ciphertext = bytearray(encrypt(b"a" * 100))
    ciphertext[-5] ^= 1
    with pytest.raises(ChunkAuthError):
        age.decrypt_bytes(bytes(ciphertext), [IDENTITY])


def test_altered_header_fails_mac() -> None:
    other = Identity.generate()
    ciphertext = age.encrypt_bytes(b"tip", [IDENTITY.recipient, other.recipient])
    # Drop the second stanza: IDENTITY still unwraps the key, but the MAC no longer matches.
    lines = ciphertext.split(b"\n")
    tampered = b"\n".join(lines[:3] + lines[5:])
    with pytest.raises(HeaderMacError):
        age.decrypt_bytes(tampered, [IDENTITY])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"age-encryption.org/v1\n", b"age-encryption.org/v1 \n"),
        (b"-> X25519 ", b"-> X25519  "),
        (b"\n---", b"\r\n---"),
    ],
)
def test_non_canonical_header_rejected(old: bytes, new: bytes) -> None:
    with pytest.raises(HeaderError):
        age.decrypt_bytes(encrypt(b"tip").replace(old, new, 1), [IDENTITY])


def test_non_canonical_base64_rejected() -> None:
    ciphertext = encrypt(b"tip")
    share_line = ciphertext.split(b"\n")[1]
    share = share_line.split(b" ")[2]
    # Flip the unused low bits of the last character: same bytes, another spelling.
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(share[-1:])
    respelled = share[:-1] + alphabet[last ^ 1 : (last ^ 1) + 1]
    with pytest.raises(HeaderError):
        age.decrypt_bytes(ciphertext.replace(share, respelled, 1), [IDENTITY])


def test_nothing_reported_complete_before_final_chunk() -> None:
    ciphertext = encrypt(bytes(3 * 65536 + 10))
    chunks = age.decrypt_chunks(io.BytesIO(ciphertext[:-1]), [IDENTITY])
    received: list[bytes] = []
    with pytest.raises(PayloadError):
        received.extend(chunks)
    assert len(received) == 3  # verified chunks came out, but iteration never completed
