"""The C2SP CCTV age vectors: succeed exactly on `success` with the right payload hash."""

import hashlib
import io
import zlib
from pathlib import Path

import pytest

from crypto import age
from crypto.errors import (
    CryptoError,
    HeaderError,
    HeaderMacError,
    NoIdentityMatchError,
    PayloadError,
)
from crypto.keys import Identity
from crypto.scrypt import ScryptIdentity

VECTORS = Path(__file__).parent.parent / "vectors" / "age"
# Recipient types and encodings we do not implement; every other vector must run.
UNIMPLEMENTED = {
    "armor": "ASCII armor is not used: envelopes are stored and exported as binary",
    "hybrid": "post-quantum hybrid recipients are not implemented",
}
EXPECTED_ERROR = {
    "no match": NoIdentityMatchError,
    "HMAC failure": HeaderMacError,
    "header failure": HeaderError,
    "payload failure": PayloadError,
}


def _load(path: Path) -> tuple[dict[str, str], bytes]:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, str] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        fields[key] = value
    if fields.get("compressed") == "zlib":
        body = zlib.decompress(body)
    return fields, body


def _all_vectors() -> list[Path]:
    return sorted(p for p in VECTORS.iterdir() if p.is_file() and p.suffix != ".md")


def _vectors() -> list[Path]:
    return [p for p in _all_vectors() if _skip_reason(p, _load(p)[0]) is None]


def _skip_reason(path: Path, fields: dict[str, str]) -> str | None:
    for prefix, reason in UNIMPLEMENTED.items():
        if path.name.startswith(prefix):
            return reason
    if fields.get("armored") == "yes":
        return UNIMPLEMENTED["armor"]
    identity = fields.get("identity", "")
    if identity.startswith("AGE-PLUGIN") or "PQ" in identity:
        return UNIMPLEMENTED["hybrid"]
    return None


def test_only_unimplemented_types_are_left_out() -> None:
    names = {p.name for p in _vectors()}
    left_out = {p.name for p in _all_vectors()} - names
    assert all(n.split("_")[0] in {"armor", "hybrid"} for n in left_out), left_out
    for prefix in ("x25519", "scrypt", "stanza", "hmac", "stream", "header"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert {"empty", "version_unsupported"} <= names
    assert len(names) >= 85
    assert len([n for n in names if n.startswith("scrypt")]) == 25


@pytest.mark.parametrize("path", _vectors(), ids=lambda p: p.name)
def test_vector(path: Path) -> None:
    fields, body = _load(path)
    # A vector without an identity fails before any key is tried; any identity will do.
    identity = fields.get("identity")
    passphrase = fields.get("passphrase")
    identities: list[age.AnyIdentity] = []
    if identity or not passphrase:
        identities.append(Identity.parse(identity) if identity else Identity.generate())
    if passphrase:
        identities.append(ScryptIdentity(passphrase))
    expect = fields["expect"]
    if expect == "success":
        out = io.BytesIO()
        age.decrypt(io.BytesIO(body), out, identities)
        assert hashlib.sha256(out.getvalue()).hexdigest() == fields["payload"]
    else:
        with pytest.raises(CryptoError) as info:
            age.decrypt(io.BytesIO(body), io.BytesIO(), identities)
        assert isinstance(info.value, EXPECTED_ERROR[expect]), (expect, repr(info.value))
