"""The age scrypt (passphrase) recipient: round trips, strict parsing, the work-factor cap,
and interop with Debian's `age` both ways (it reads passphrases from a terminal: a pty)."""

import io
import os
import time
from pathlib import Path

import pytest

from crypto import age, scrypt
from crypto.errors import HeaderError, NoIdentityMatchError
from crypto.header import Stanza, read_header
from crypto.keys import Identity
from crypto.scrypt import ScryptIdentity
from tests.tools import require_tool
from tests.workstation.terminal import run_on_tty

FAST = 10  # work factor for tests: the format is the same at any factor


def _encrypt(plaintext: bytes, passphrase: str, work_factor: int = FAST) -> bytes:
    out = io.BytesIO()
    age.encrypt_with_passphrase(io.BytesIO(plaintext), out, passphrase, work_factor)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 65536, 200_000])
def test_round_trip(size: int) -> None:
    plaintext = os.urandom(size)
    ciphertext = _encrypt(plaintext, "correct horse battery staple")
    assert age.decrypt_bytes(ciphertext, [ScryptIdentity("correct horse battery staple")]) == (
        plaintext
    )


def test_thai_passphrase_round_trips() -> None:
    ciphertext = _encrypt(b"tip", "รหัสผ่านภาษาไทยยาวพอ")
    assert age.decrypt_bytes(ciphertext, [ScryptIdentity("รหัสผ่านภาษาไทยยาวพอ")]) == b"tip"


def test_wrong_passphrase_is_no_match() -> None:
    ciphertext = _encrypt(b"tip", "right passphrase")
    with pytest.raises(NoIdentityMatchError):
        age.decrypt_bytes(ciphertext, [ScryptIdentity("wrong passphrase")])


def test_x25519_identity_does_not_open_a_passphrase_file() -> None:
    with pytest.raises(NoIdentityMatchError):
        age.decrypt_bytes(_encrypt(b"tip", "pass"), [Identity.generate()])


def test_passphrase_does_not_open_an_x25519_file() -> None:
    ciphertext = age.encrypt_bytes(b"tip", [Identity.generate().recipient])
    with pytest.raises(NoIdentityMatchError):
        age.decrypt_bytes(ciphertext, [ScryptIdentity("pass")])


def test_header_is_one_canonical_scrypt_stanza() -> None:
    header = read_header(io.BytesIO(_encrypt(b"tip", "pass", 12)))
    (stanza,) = header.stanzas
    assert stanza.type == "scrypt"
    salt, work_factor = scrypt.parse(stanza)
    assert len(salt) == 16
    assert work_factor == 12
    assert stanza.args[1] == "12"


def test_work_factor_above_the_cap_is_refused_before_any_work() -> None:
    stanza = Stanza("scrypt", ("rF0/NwblUHHTpgQgRpe5CQ", "20"), bytes(32))
    started = time.perf_counter()
    with pytest.raises(HeaderError, match="above the limit"):
        scrypt.unwrap(stanza, ScryptIdentity("pass", max_work_factor=16))
    assert time.perf_counter() - started < 0.5  # 2^20 would take seconds and 1 GiB


@pytest.mark.parametrize("factor", ["0", "010", "+10", "-1", "0x10", "1e1", "10 ", "99", "100"])
def test_non_canonical_or_huge_work_factors_are_header_errors(factor: str) -> None:
    stanza = Stanza("scrypt", ("rF0/NwblUHHTpgQgRpe5CQ", factor), bytes(32))
    with pytest.raises(HeaderError):
        scrypt.unwrap(stanza, ScryptIdentity("pass"))


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="max_work_factor"):
        ScryptIdentity("pass", max_work_factor=21)
    with pytest.raises(ValueError, match="work factor"):
        scrypt.derive_key("pass", bytes(16), 21)


def test_scrypt_with_another_stanza_is_refused_even_for_the_other_identity() -> None:
    identity = Identity.generate()
    ciphertext = age.encrypt_bytes(b"tip", [identity.recipient])
    scrypt_stanza = scrypt.wrap(bytes(16), "pass", FAST).encode()
    # Splice an scrypt stanza in after the X25519 one (the MAC no longer matters: the header
    # must be refused before any key is tried).
    first, _, rest = ciphertext.partition(b"\n---")
    spliced = first + b"\n" + scrypt_stanza.rstrip(b"\n") + b"\n---" + rest
    with pytest.raises(HeaderError, match="only stanza"):
        age.decrypt_bytes(spliced, [identity])


@pytest.fixture(scope="module")
def age_bin() -> str:
    return require_tool("age")


def test_age_decrypts_what_we_encrypt_with_a_passphrase(age_bin: str, tmp_path: Path) -> None:
    plaintext = os.urandom(100_000)
    sealed = tmp_path / "sealed.age"
    sealed.write_bytes(_encrypt(plaintext, "ไทย and English passphrase", 14))
    opened = tmp_path / "opened"
    status, screen = run_on_tty(
        [age_bin, "-d", "-o", str(opened), str(sealed)],
        [(b"passphrase", "ไทย and English passphrase\n".encode())],
    )
    assert status == 0, screen
    assert opened.read_bytes() == plaintext


def test_we_decrypt_what_age_encrypts_with_a_passphrase(age_bin: str, tmp_path: Path) -> None:
    plaintext = os.urandom(70_000)
    source = tmp_path / "plain"
    source.write_bytes(plaintext)
    sealed = tmp_path / "sealed.age"
    status, screen = run_on_tty(
        [age_bin, "-p", "-o", str(sealed), str(source)],
        [(b"passphrase", b"typed at a terminal\n"), (b"onfirm", b"typed at a terminal\n")],
    )
    assert status == 0, screen
    (stanza,) = read_header(io.BytesIO(sealed.read_bytes())).stanzas
    assert stanza.args[1] == str(scrypt.DEFAULT_WORK_FACTOR)  # age -p's own choice
    identity = ScryptIdentity("typed at a terminal")
    assert age.decrypt_bytes(sealed.read_bytes(), [identity]) == plaintext


def test_age_refuses_a_wrong_passphrase_as_we_do(age_bin: str, tmp_path: Path) -> None:
    sealed = tmp_path / "sealed.age"
    sealed.write_bytes(_encrypt(b"tip", "the right one", FAST))
    status, _ = run_on_tty(
        [age_bin, "-d", "-o", str(tmp_path / "out"), str(sealed)], [(b"passphrase", b"wrong\n")]
    )
    assert status != 0
    assert not (tmp_path / "out").exists() or (tmp_path / "out").read_bytes() == b""
