"""Bech32 key encodings, checked against age's own spelling rules."""

from pathlib import Path

import pytest

from crypto import bech32
from crypto.errors import KeyEncodingError
from crypto.keys import Identity, Recipient, parse_identity_file

# From the C2SP vectors: a public test identity and the recipient age-keygen -y gives for it.
VECTOR_IDENTITY = next(
    line.split(": ", 1)[1]
    for line in (Path(__file__).parent.parent / "vectors" / "age" / "x25519")
    .read_text("latin-1")
    .splitlines()
    if line.startswith("identity: ")
)


def test_round_trip() -> None:
    identity = Identity.generate()
    assert Identity.parse(identity.encode()) == identity
    assert Recipient.parse(str(identity.recipient)) == identity.recipient
    assert str(identity.recipient).startswith("age1")
    assert len(str(identity.recipient)) == 62


def test_identity_is_not_in_repr() -> None:
    identity = Identity.parse(VECTOR_IDENTITY)
    assert VECTOR_IDENTITY not in repr(identity)
    assert identity.secret_key.hex() not in repr(identity)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "age1",
        VECTOR_IDENTITY.lower(),  # identities are uppercase
        VECTOR_IDENTITY[:-1] + "Q",  # checksum
        VECTOR_IDENTITY[:20] + VECTOR_IDENTITY[20:].lower(),  # mixed case
        VECTOR_IDENTITY.replace("KEY-1", "KEY-2", 1),
    ],
)
def test_bad_identities(text: str) -> None:
    with pytest.raises(KeyEncodingError):
        Identity.parse(text)


def test_bad_recipients() -> None:
    good = str(Identity.generate().recipient)
    for text in [good.upper(), good[:-1] + ("q" if good[-1] != "q" else "p"), "age1qqqq", good[4:]]:
        with pytest.raises(KeyEncodingError):
            Recipient.parse(text)
    with pytest.raises(KeyEncodingError):
        Recipient.parse(bech32.encode("age", bytes(31)))


def test_identity_file_with_comments() -> None:
    text = f"# created: x\n# public key: y\n\n{VECTOR_IDENTITY}\n"
    assert parse_identity_file(text) == [Identity.parse(VECTOR_IDENTITY)]
    with pytest.raises(KeyEncodingError):
        parse_identity_file("# only comments\n")
