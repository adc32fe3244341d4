"""The inner plaintext format: header, framed content, zero padding (docs/FORMAT.md)."""

import io

import pytest

from crypto import age
from crypto.errors import InnerFormatError
from crypto.inner import MAGIC, InnerWriter, open_inner
from crypto.keys import Identity

IDENTITY = Identity.generate()


def seal(header: dict[str, object], *parts: bytes) -> bytes:
    out = io.BytesIO()
    writer = InnerWriter(age.encryptor(out, [IDENTITY.recipient]), header)
    for part in parts:
        writer.write(part)
    writer.close()
    return out.getvalue()


def unseal(ciphertext: bytes) -> tuple[dict[str, object], bytes]:
    header, content = open_inner(age.decrypt_chunks(io.BytesIO(ciphertext), [IDENTITY]))
    return header, b"".join(content)


def test_file_round_trip_keeps_name_and_bytes() -> None:
    header: dict[str, object] = {
        "kind": "file",
        "filename": "../สัญญา จัดซื้อ.pdf",
        "content_type": "application/pdf",
    }
    data = bytes(range(256)) * 5000
    got_header, got = unseal(seal(header, data[:1000], data[1000:], b""))
    assert got == data
    assert got_header == {"v": 1, **header}


def test_messages_of_similar_length_have_equal_ciphertext_size() -> None:
    sizes = {len(seal({"kind": "message"}, b"x" * n)) for n in (1, 10, 200, 900)}
    assert len(sizes) == 1


def test_file_sizes_are_padded() -> None:
    small = len(seal({"kind": "file"}, b"x" * 100_000))
    near = len(seal({"kind": "file"}, b"x" * 100_100))
    assert small == near


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(InnerFormatError):
        seal({"kind": "script"})


def _raw(plaintext: bytes) -> bytes:
    return age.encrypt_bytes(plaintext, [IDENTITY.recipient])


@pytest.mark.parametrize(
    "plaintext",
    [
        b"not magic\n{}\n",
        MAGIC + b"not json\n",
        MAGIC + b'{"v":2,"kind":"file"}\n' + bytes(4),
        MAGIC + b'{"v":1,"kind":"file"}\n' + b"\x00\x00\x00\x05ab",  # cut inside a frame
        MAGIC + b'{"v":1,"kind":"file"}\n' + bytes(4) + b"\x00\x01",  # non-zero padding
        MAGIC + b'{"v":1,"kind":"file"}\n' + b"\x7f\x00\x00\x00",  # frame too large
    ],
)
def test_malformed_inner_plaintext_is_refused(plaintext: bytes) -> None:
    with pytest.raises(InnerFormatError):
        unseal(_raw(plaintext))
