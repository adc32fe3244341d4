"""Interop with the reference implementation: Debian's `age` and `age-keygen` binaries."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crypto import age
from crypto.keys import Identity, Recipient, parse_identity_file
from tests.tools import require_tool

SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 5 * 1024 * 1024 + 7]


@pytest.fixture(scope="module")
def age_bin() -> str:
    return require_tool("age")


@pytest.fixture(scope="module")
def reference_identity(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Identity]:
    keygen = require_tool("age-keygen")
    path = tmp_path_factory.mktemp("keys") / "ref.txt"
    subprocess.run([keygen, "-o", str(path)], check=True, capture_output=True)
    return path, parse_identity_file(path.read_text())[0]


@pytest.mark.parametrize("size", SIZES)
def test_age_decrypts_what_we_encrypt(
    size: int, age_bin: str, reference_identity: tuple[Path, Identity]
) -> None:
    key_path, identity = reference_identity
    plaintext = os.urandom(size)
    out = io.BytesIO()
    age.encrypt(io.BytesIO(plaintext), out, [identity.recipient])
    result = subprocess.run(
        [age_bin, "-d", "-i", str(key_path)], input=out.getvalue(), capture_output=True, check=True
    )
    assert result.stdout == plaintext


@pytest.mark.parametrize("size", SIZES)
def test_we_decrypt_what_age_encrypts(
    size: int, age_bin: str, reference_identity: tuple[Path, Identity]
) -> None:
    _, identity = reference_identity
    plaintext = os.urandom(size)
    result = subprocess.run(
        [age_bin, "-r", str(identity.recipient)], input=plaintext, capture_output=True, check=True
    )
    assert age.decrypt_bytes(result.stdout, [identity]) == plaintext


def test_several_recipients_both_ways(tmp_path: Path, age_bin: str) -> None:
    ours = [Identity.generate() for _ in range(3)]
    plaintext = os.urandom(70_000)
    ciphertext = age.encrypt_bytes(plaintext, [i.recipient for i in ours])
    for number, identity in enumerate(ours):
        key = tmp_path / f"k{number}"
        key.write_text(identity.encode() + "\n")
        result = subprocess.run(
            [age_bin, "-d", "-i", str(key)], input=ciphertext, capture_output=True, check=True
        )
        assert result.stdout == plaintext
    args = [a for i in ours for a in ("-r", str(i.recipient))]
    theirs = subprocess.run([age_bin, *args], input=plaintext, capture_output=True, check=True)
    for identity in ours:
        assert age.decrypt_bytes(theirs.stdout, [identity]) == plaintext


def test_keys_round_trip_through_age_keygen(age_bin: str, tmp_path: Path) -> None:
    keygen = require_tool("age-keygen")
    identity = Identity.generate()
    key = tmp_path / "k"
    key.write_text(identity.encode() + "\n")
    public = subprocess.run([keygen, "-y", str(key)], capture_output=True, check=True, text=True)
    assert public.stdout.strip() == str(identity.recipient)
    assert Recipient.parse(public.stdout) == identity.recipient


def test_cli_keygen_and_encrypt_open_with_age(age_bin: str, tmp_path: Path) -> None:
    key = tmp_path / "desk.key"
    subprocess.run([sys.executable, "-m", "crypto", "keygen", "-o", str(key)], check=True)
    lines = key.read_text().splitlines()
    public = next(line for line in lines if line.startswith("# public key: "))
    recipient = public.removeprefix("# public key: ")
    plaintext = "รายงานการทุจริต / a tip".encode()
    enc = subprocess.run(
        [sys.executable, "-m", "crypto", "encrypt", "-r", recipient],
        input=plaintext,
        capture_output=True,
        check=True,
    )
    dec = subprocess.run(
        [age_bin, "-d", "-i", str(key)], input=enc.stdout, capture_output=True, check=True
    )
    assert dec.stdout == plaintext
    back = subprocess.run(
        [sys.executable, "-m", "crypto", "decrypt", "-i", str(key)],
        input=enc.stdout,
        capture_output=True,
        check=True,
    )
    assert back.stdout == plaintext
